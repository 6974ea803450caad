/**
 * `Barrier`: CPython 3.12's `asyncio.Barrier`, a state machine of four states.
 *
 * - filling: tasks arrive and wait; the last of `parties` releases them all.
 * - draining: the released tasks leave; newcomers wait until all have left.
 * - resetting: `reset()` while tasks waited: they leave with
 *   `BrokenBarrierError`; newcomers wait until all have left.
 * - broken: `abort()`: every waiter and newcomer gets `BrokenBarrierError`
 *   until `reset()`.
 *
 * CPython guards this state with a Condition whose lock is never held across
 * a suspension, so a plain wait queue woken all at once behaves the same.
 * A task cancelled while it waits leaves the barrier without breaking it.
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { BrokenBarrierError } from "../core/errors.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { checkCount } from "./args.ts";

const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;

/** Parks the running task until the barrier's state changes (shared: every waiter is woken at once). */
class StateChange extends Parking<void> {
  constructor(private readonly waiters: WaitQueue) {
    super();
  }

  protected override get what(): string {
    return "barrier.wait()";
  }
  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    this.waiters.park(runningTask("Barrier.wait()"));
    return PARKED;
  }
}

/**
 * Lets `parties` tasks wait for each other: each `wait()` blocks until the
 * last one arrives, then all go on, and the barrier can be used again.
 * `wait()` gives each task its arrival index (0 … parties - 1).
 *
 * @example
 * ```ts
 * const ready = new Barrier(3);
 * function* motor(name: string) {
 *   yield* calibrate(name);
 *   const i = yield* ready.wait(); // all three calibrated
 *   console.log(name, "starts, arrived", i);
 * }
 * ```
 */
export class Barrier {
  // `await` on what wait() gives (a generator) would not wait: make it throw.
  static {
    refuseAwaitOf(this.prototype.waitImpl, "barrier.wait()");
  }

  /** The number of tasks that must arrive to release the barrier. */
  readonly parties: number;
  private state = FILLING;
  private count = 0;
  private readonly waiters = new WaitQueue("Barrier");
  private readonly stateChange: Awaitable<void> = new StateChange(this.waiters);

  /** @param parties how many tasks must arrive, an integer >= 1 */
  constructor(parties: number) {
    checkCount(parties, "Barrier(parties): parties", 1);
    this.parties = parties;
  }

  /** The number of tasks waiting for the barrier to fill. */
  get nWaiting(): number {
    return this.state === FILLING ? this.count : 0;
  }

  /** True after `abort()`, until `reset()`. */
  get broken(): boolean {
    return this.state === BROKEN;
  }

  /**
   * Waits until `parties` tasks have called `wait()` and gives this task's
   * arrival index. Throws `BrokenBarrierError` if the barrier is or becomes
   * broken (`abort()`) or is reset while waiting.
   */
  wait(): Awaitable<number> {
    return this.waitImpl();
  }

  /**
   * Returns the barrier to its empty state; tasks waiting on it get
   * `BrokenBarrierError`. Takes effect at once; the result may also be
   * `yield*`-ed, as CPython's `await barrier.reset()` is.
   */
  reset(): Awaitable<void> {
    if (this.count > 0) {
      if (this.state !== RESETTING) this.state = RESETTING;
    } else {
      this.state = FILLING;
    }
    this.waiters.wakeAll();
    return done;
  }

  /**
   * Breaks the barrier: waiting and future `wait()` calls throw
   * `BrokenBarrierError` until `reset()`. Takes effect at once; the result may
   * also be `yield*`-ed, as CPython's `await barrier.abort()` is.
   */
  abort(): Awaitable<void> {
    this.state = BROKEN;
    this.waiters.wakeAll();
    return done;
  }

  private *waitImpl(): Coro<number> {
    // Wait while the previous round drains or resets.
    while (this.state === DRAINING || this.state === RESETTING) yield* this.stateChange;
    if (this.state === BROKEN) throw new BrokenBarrierError("Barrier aborted");
    const index = this.count++;
    try {
      if (index + 1 === this.parties) {
        this.state = DRAINING;
        this.waiters.wakeAll();
      } else {
        while (this.state === FILLING) yield* this.stateChange;
        if (this.state === BROKEN || this.state === RESETTING) throw new BrokenBarrierError("Abort or reset of barrier");
      }
      return index;
    } finally {
      // The last task to leave lets the next round fill.
      if (--this.count === 0) {
        if (this.state === RESETTING || this.state === DRAINING) this.state = FILLING;
        this.waiters.wakeAll();
      }
    }
  }
}

/** What `reset()` and `abort()` give: already complete. */
const done: Awaitable<void> = {
  [Symbol.iterator]: () => ({ next: () => DONE_VOID }),
};
