/**
 * The error classes of taskloop. Each has its own `name`, so a log line says
 * which one it was, and each is a plain `Error` subclass, so `instanceof` works.
 *
 * @example
 * ```ts
 * try { yield* waitFor(slowSensor(), 0.5); }
 * catch (e) { if (e instanceof TimeoutError) console.log("sensor too slow"); else throw e; }
 * ```
 */

/** Thrown into a task at its suspension point when it is cancelled. */
export class CancelledError extends Error {
  override name = "CancelledError";
}

/**
 * @internal a CancelledError without a captured stack. Cancellation is control
 * flow, the stack would only show who called cancel(), and capturing it costs
 * more than the rest of a cancellation put together.
 */
export function cancellation(msg?: string): CancelledError {
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = 0;
  try {
    return new CancelledError(msg);
  } finally {
    E.stackTraceLimit = limit;
  }
}

/** Thrown by `waitFor` when the awaited work did not finish in time. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(message = "timed out") {
    super(message);
  }
}

/** A task's result was asked for before it finished, and similar state mistakes. */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

/** Misuse of the runtime itself: no running loop, releasing an unlocked lock, a deadlock. */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

/** Several errors from one task group, in the order they happened (`.errors`). */
export class ExceptionGroup extends AggregateError {
  override name = "ExceptionGroup";
  constructor(message: string, errors: readonly unknown[]) {
    super(errors, message);
  }
}

/** `Queue.getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  override name = "QueueEmpty";
}

/** `Queue.putNowait()` on a full queue. */
export class QueueFull extends Error {
  override name = "QueueFull";
}

/** A `Barrier` was reset or aborted while tasks waited on it. */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
}

/**
 * Whether `err` is a cancellation: use it in a `catch` that must let
 * cancellation through.
 *
 * @example
 * ```ts
 * try { yield* work(); } catch (e) { if (isCancelled(e)) throw e; log(e); }
 * ```
 */
export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError;
}
