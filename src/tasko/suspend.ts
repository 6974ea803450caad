/**
 * `suspend()`: tasko's primitive for "park me until someone says so". A
 * one-shot: once resumed, it stays resumed.
 */
import { Parking } from "../core/parking.ts";
import { runningTask } from "../core/context.ts";
import { DONE_VOID, PARKED, RESUME } from "../core/protocol.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Awaitable } from "../core/types.ts";

/** The awaitable half of a `suspend()` pair; stateless per wait, so one object serves every waiter. */
class Suspension extends Parking<void> {
  private resumed = false;
  private readonly waiters = new WaitQueue("suspend");

  protected override get what(): string {
    return "suspend()[0]";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME || this.resumed) return DONE_VOID;
    this.waiters.park(runningTask("suspend(): the awaitable"));
    return PARKED;
  }

  /** The resumer: wakes the waiter(s); later calls, and later waits, find it already resumed. */
  readonly resume = (): void => {
    if (this.resumed) return;
    this.resumed = true;
    this.waiters.wakeAll();
  };
}

/**
 * Makes a pair `[wait, resume]`: the running task parks on `yield* wait`
 * until `resume()` is called. `resume` may be called from anywhere: another
 * task, a plain callback, a host callback outside any task (it wakes an idle
 * loop). It is a one-shot and every misuse is harmless: calling `resume`
 * before the task waits makes the wait return at once, and calling it again
 * does nothing. Cancelling the waiting task takes it out of the wait
 * (`CancelledError` at its `yield*`), and a later `resume()` is harmless too.
 * On the virtual clock, a wait that only the host can end is reported as a
 * deadlock once no timer is left; use `ThreadSafeFlag` for interrupt-style
 * wake-ups there.
 *
 * @example
 * ```ts
 * function* waitForPress(button: Button): Coro<void> {
 *   const [pressed, resume] = suspend();
 *   button.onPress(resume);   // a host callback
 *   yield* pressed;
 * }
 * ```
 */
export function suspend(): [Awaitable<void>, () => void] {
  const suspension = new Suspension();
  return [suspension, suspension.resume];
}
