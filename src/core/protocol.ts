/**
 * The handshake between awaitables and the scheduler (internal).
 *
 * Every awaitable is an iterator that `yield*` drives. Its first `next()` comes
 * from `yield*` itself, with `undefined`: the awaitable either finishes at once
 * or registers the running task where it will be woken (a timer, a wait queue)
 * and yields `PARKED`. The scheduler later resumes the task with `RESUME`, which
 * `yield*` forwards to the same iterator's `next()`: that is how a stateless,
 * shared awaitable tells its resume from its first call. Sync `yield*` hands the
 * inner result object through unchanged, so the frozen results below travel
 * from the awaitable to the scheduler without allocating anything per switch.
 */
import type { Task } from "./task.ts";

export const RESUME: unique symbol = Symbol("taskloop.resume");
const PARK: unique symbol = Symbol("taskloop.park");
const YIELD: unique symbol = Symbol("taskloop.yield");
export type Signal = typeof PARK | typeof YIELD;
export { PARK, YIELD };

/** The task is registered somewhere that will wake it; leave it alone. */
export const PARKED: IteratorYieldResult<Signal> = Object.freeze({ value: PARK, done: false });
/** Put the task at the back of the ready queue (`sleep(0)`). */
export const YIELDED: IteratorYieldResult<Signal> = Object.freeze({ value: YIELD, done: false });
export const DONE_VOID: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });
export const DONE_TRUE: IteratorReturnResult<true> = Object.freeze({ value: true, done: true });

/**
 * What a parked task waits on. `cancelWait` is called when the task is
 * cancelled while parked: it must take the task out of the wait and make it
 * ready with the error (or pass the cancellation on, as waiting on a task does).
 */
export interface Waitable {
  cancelWait(task: Task, error: unknown): void;
  /** Words for `loop.tasks()` and the deadlock report: "Event", "sleep 500 ms". */
  describe(task: Task): string;
  /** True for waits that only the host can end (promises, ThreadSafeFlag). */
  readonly hostWait?: boolean;
  /** The task this wait is for (`yield* task`), so the deadlock report can find await cycles. */
  readonly awaiting?: Task;
  /** More words for the deadlock report: who holds the lock waited on. */
  detail?(task: Task): string;
}
