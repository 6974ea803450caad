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
import type { Task } from "./task.ts";
import type { Waitable } from "./protocol.ts";

/**
 * Thrown into a task at its suspension point when it is cancelled.
 *
 * @example
 * ```ts
 * try { yield* sleep(10); } catch (e) { if (e instanceof CancelledError) parkMotor(); throw e; }
 * ```
 */
export class CancelledError extends Error {}
// On the prototype, so the cheap instances below have it too.
Object.defineProperty(CancelledError.prototype, "name", { value: "CancelledError", writable: true, configurable: true });

/**
 * @internal the CancelledError that cancel() throws. Cancellation is control
 * flow: a stack would only show who called cancel(), and running the Error
 * constructor (~0.5 µs even without a stack) costs more than the rest of a
 * cancellation. So it is a small object whose prototype chain runs through
 * CancelledError's: `instanceof`, `name`, `message` and `String(e)` work.
 * Instead of a stack it remembers which task it cancelled and what that task
 * was waiting on, in private fields (no printout or `Object.keys` shows
 * them), and its `stack` says so: what a person reading an uncaught
 * cancellation wants to know.
 */
class Cancellation {
  #task: Task | null = null;
  #wait: Waitable | null = null;
  declare message: string;

  constructor(msg: string | undefined) {
    if (msg !== undefined) this.message = msg;
  }

  static note(error: object, task: Task, wait: Waitable | null): void {
    if (#task in error) {
      error.#task = task;
      error.#wait = wait;
    }
  }

  get stack(): string {
    const head = this.message ? `CancelledError: ${this.message}` : "CancelledError";
    const task = this.#task;
    if (task === null) return head;
    let where: string;
    try {
      where = this.#wait ? `while waiting on ${this.#wait.describe(task)}` : task.steps === 0 ? "before it started" : "while it ran or was about to run";
    } catch {
      where = "while waiting";
    }
    return `${head}\n    at task ${task.id} (${task.name}), cancelled ${where}`;
  }

  set stack(value: string) {
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
  }
}
Object.setPrototypeOf(Cancellation.prototype, CancelledError.prototype);
// A printout names the constructor: let it say CancelledError.
Object.defineProperty(Cancellation, "name", { value: "CancelledError" });

export function cancellation(msg?: string): CancelledError {
  return new Cancellation(msg) as unknown as CancelledError;
}

/** @internal records which task `error` cancels and what it waited on then (for the printout). */
export function noteCancelOrigin(error: CancelledError, task: Task, wait: Waitable | null): void {
  Cancellation.note(error, task, wait);
}

/**
 * Thrown by `waitFor` when the awaited work did not finish in time.
 *
 * @example
 * ```ts
 * try { yield* waitFor(readSensor(), 0.5); } catch (e) { if (!(e instanceof TimeoutError)) throw e; }
 * ```
 */
export class TimeoutError extends Error {
  /** Always "TimeoutError", as in Python, so printed errors read the same. */
  override name = "TimeoutError";
  constructor(message = "timed out") {
    super(message);
  }
}

/**
 * A task's result was asked for before it finished, and similar state mistakes.
 *
 * @example
 * ```ts
 * const t = createTask(work());
 * t.result(); // throws InvalidStateError: the task has not finished
 * ```
 */
export class InvalidStateError extends Error {
  /** Always "InvalidStateError", as in Python, so printed errors read the same. */
  override name = "InvalidStateError";
}

/**
 * Misuse of the runtime itself: no running loop, releasing an unlocked lock, a deadlock.
 *
 * @example
 * ```ts
 * new Lock().release(); // throws RuntimeError: the lock is not locked
 * ```
 */
export class RuntimeError extends Error {
  /** Always "RuntimeError", as in Python, so printed errors read the same. */
  override name = "RuntimeError";
}

/**
 * Several errors from one task group (`.errors`): its children's in the order
 * they happened, then its body's own.
 *
 * @example
 * ```ts
 * try { yield* taskGroup(function* (tg) { tg.createTask(a()); tg.createTask(b()); }); }
 * catch (e) { if (e instanceof ExceptionGroup) for (const err of e.errors) log(err); }
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** Always "ExceptionGroup", as in Python, so printed errors read the same. */
  override name = "ExceptionGroup";
  constructor(message: string, errors: readonly unknown[]) {
    super(errors, message);
  }
}

/**
 * `Queue.getNowait()` on an empty queue.
 *
 * @example
 * ```ts
 * try { q.getNowait(); } catch (e) { if (e instanceof QueueEmpty) idle(); }
 * ```
 */
export class QueueEmpty extends Error {
  /** Always "QueueEmpty", as in Python, so printed errors read the same. */
  override name = "QueueEmpty";
}

/**
 * `Queue.putNowait()` on a full queue.
 *
 * @example
 * ```ts
 * try { q.putNowait(sample); } catch (e) { if (e instanceof QueueFull) dropped++; }
 * ```
 */
export class QueueFull extends Error {
  /** Always "QueueFull", as in Python, so printed errors read the same. */
  override name = "QueueFull";
}

/**
 * A `Barrier` was reset or aborted while tasks waited on it.
 *
 * @example
 * ```ts
 * try { yield* barrier.wait(); } catch (e) { if (e instanceof BrokenBarrierError) return; throw e; }
 * ```
 */
export class BrokenBarrierError extends Error {
  /** Always "BrokenBarrierError", as in Python, so printed errors read the same. */
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
  try {
    return err instanceof CancelledError;
  } catch {
    // A revoked Proxy (or a hostile prototype trap) is a failure, not a cancellation,
    // and inspecting it must never throw out of the scheduler.
    return false;
  }
}
