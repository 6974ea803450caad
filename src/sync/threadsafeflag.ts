import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { RuntimeError } from "../core/errors.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable } from "../core/types.ts";

/**
 * A flag set by the host (an interrupt handler, a socket callback) to wake one
 * task. `set()` may be called any number of times from anywhere; `wait()`
 * clears the flag when it returns. One waiter at a time.
 *
 * @example
 * ```ts
 * const flag = new ThreadSafeFlag();
 * sensor.on("data", () => flag.set());
 * for (;;) { yield* flag.wait(); handle(sensor.read()); }
 * ```
 */
export class ThreadSafeFlag {
  private flag = false;
  private waiter: Task | null = null;
  private readonly waitOp = new FlagWait(this);

  /** Sets the flag and wakes the waiter, if any (an idle loop too). */
  set(): void {
    this.flag = true;
    const task = this.waiter;
    if (task) {
      this.waiter = null;
      task.loop.deadlock.flagWaitEnds();
      task.loop.wakeSoon(task);
    }
  }

  /** Lowers the flag without waking anyone. */
  clear(): void {
    this.flag = false;
  }

  /** @internal `wait()`'s first call or resume: clears a set flag and finishes, or parks the running task. */
  take(resumed: boolean): IteratorResult<unknown, void> {
    if (resumed || this.flag) {
      this.flag = false;
      return DONE_VOID;
    }
    this.park(runningTask("ThreadSafeFlag.wait()"));
    return PARKED;
  }

  /** Waits until the flag is set, then clears it. */
  wait(): Awaitable<void> {
    return this.waitOp;
  }

  /** @internal */
  park(task: Task): void {
    if (this.waiter) throw new RuntimeError(`ThreadSafeFlag.wait(): ${this.waiter} is already waiting; only one task may wait at a time`);
    this.waiter = task;
    task.loop.deadlock.flagWaitBegins();
    task.park(this);
  }

  /** @internal */
  cancelWait(task: Task, error: unknown): void {
    this.waiter = null;
    task.loop.deadlock.flagWaitEnds();
    task.loop.wakeThrow(task, error);
  }

  /** @internal */
  describe(): string {
    return "ThreadSafeFlag";
  }
}

/** `flag.wait()`: one shared object per flag. */
class FlagWait extends Parking<void> {
  constructor(private readonly owner: ThreadSafeFlag) {
    super();
  }

  protected override get what(): string {
    return "flag.wait()";
  }
  override next(arg?: unknown): IteratorResult<unknown, void> {
    return this.owner.take(arg === RESUME);
  }
}
