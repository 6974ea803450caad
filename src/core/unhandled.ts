/**
 * Errors nobody caught: the loop's exception handler, and the report of
 * failed tasks whose error nobody retrieved. A task that fails with nobody
 * awaiting it is kept until the end of the round (the rest of the round may
 * still retrieve its error), then reported to the handler.
 */
import { describeValue, report } from "./host.ts";
import type { Task } from "./task.ts";
import type { Loop } from "./loop.ts";
import type { ExceptionContext, ExceptionHandler } from "./types.ts";

/** The default exception handler: the message, the task and the error's stack, on stderr. */
export function printException(context: ExceptionContext): void {
  const parts = [context.message];
  if (context.future) parts.push(`task: ${context.future}`);
  const e = context.exception;
  if (e !== undefined) parts.push(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  report("error", parts.join("\n"));
}

export class Unhandled {
  /** Set with `loop.setExceptionHandler`; null for the default. */
  handler: ExceptionHandler | null = null;
  /** Failed tasks nobody awaited yet; reported at the end of the round unless retrieved by then. */
  readonly unretrieved: Task[] = [];

  constructor(private readonly loop: Loop) {}

  /** Calls the handler, or the loop's default one; a handler that throws is reported on stderr. */
  call(context: ExceptionContext): void {
    if (typeof context !== "object" || context === null || typeof context.message !== "string") {
      throw new TypeError(
        `callExceptionHandler(context): context must be an object with a message string, like { message: "sensor failed", exception }, got ${describeValue(context)}`,
      );
    }
    try {
      if (this.handler) this.handler(this.loop, context);
      else this.loop.defaultExceptionHandler(context);
    } catch (error) {
      report("error", "Unhandled error in the exception handler:", error);
    }
  }

  /** Between rounds: reports the failures still unretrieved. */
  reportUnretrieved(): void {
    if (this.unretrieved.length === 0) return;
    for (const task of this.unretrieved.splice(0)) {
      if (!task.retrieved) {
        task.retrieved = true;
        this.call({ message: "Task exception wasn't retrieved", exception: task.value, future: task });
      }
    }
  }
}
