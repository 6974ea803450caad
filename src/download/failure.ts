/**
 * How an attempt failed, and whether trying again can help.
 */
import { isCancelled } from "../core/errors.ts";

/**
 * @internal a failed download attempt. `transient` failures (a reset or
 * refused connection, a stall, a 5xx status, a body cut short) are retried;
 * the others (4xx, a resource that changed, a disk error, a callback that
 * threw) end the download at once.
 */
export class Failure extends Error {
  override name = "Failure";
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status: number | null,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * @internal wraps an error thrown by something the download called (`what`:
 * "chunkCallback", "writing /tmp/x.part" …) as a failure that is not retried.
 * A cancellation passes through untouched.
 */
export function failedAt(what: string, error: unknown, status: number | null): unknown {
  if (isCancelled(error) || error instanceof Failure) return error;
  return new Failure(`${what} failed: ${oneLine(error)}`, false, status, error);
}

/** @internal an error's message (and its cause's, which carries the detail for fetch errors) on one line. */
export function oneLine(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? (error.cause as { message?: unknown; code?: unknown } | undefined) : undefined;
  if (cause !== undefined && cause !== null && typeof cause.message === "string" && cause.message !== "" && !text.includes(cause.message)) {
    text += ` (${cause.message})`;
  }
  return text.replace(/\s+/g, " ").trim();
}
