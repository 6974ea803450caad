/**
 * An outside `AbortSignal` that cancels a task: `createTask(coro, { signal })`
 * and `run(main, { signal })`. The signal belongs to someone else (a request
 * handler, a test, a UI button), so the task listens only while it lives:
 * its listener goes when it settles, and a long-lived signal shared by many
 * short tasks does not collect one listener per task.
 */
import type { Task } from "./task.ts";

/** Whether `x` looks like an AbortSignal (any host's: Node, Deno, browsers). */
export function isAbortSignal(x: unknown): x is AbortSignal {
  if (typeof x !== "object" || x === null) return false;
  const s = x as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
  return typeof s.aborted === "boolean" && typeof s.addEventListener === "function" && typeof s.removeEventListener === "function";
}

/**
 * The cancel message for an abort reason: a string as it is, an Error's
 * message (a DOMException "This operation was aborted" too), anything else
 * as `String()` shows it; no reason, no message.
 */
export function reasonMessage(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error || (typeof reason === "object" && reason !== null && typeof (reason as { message?: unknown }).message === "string")) {
    return (reason as { message: string }).message;
  }
  try {
    return String(reason);
  } catch {
    return "aborted";
  }
}

/** @internal cancels `task` when `signal` aborts (at once if it already has: the task never runs its body). */
export function linkSignal(task: Task, signal: AbortSignal): void {
  if (signal.aborted) {
    task.cancel(reasonMessage(signal.reason));
    return;
  }
  const onAbort = (): void => {
    task.cancel(reasonMessage(signal.reason));
  };
  signal.addEventListener("abort", onAbort, { once: true });
  task.getExtras().unlink = () => signal.removeEventListener("abort", onAbort);
}
