/**
 * `task.stop()`: cancel a task and wait until its cleanup has run, in one
 * step, without the `try { yield* t } catch (e) { if (!isCancelled(e)) throw e }`
 * dance (Effection's `yield* task.halt()`).
 */
import { notAPromise } from "./notapromise.ts";
import { Parking } from "./parking.ts";
import { PARKED, RESUME, type Waitable } from "./protocol.ts";
import { runningTask } from "./context.ts";
import { RuntimeError } from "./errors.ts";
import type { Task } from "./task.ts";
import type { Awaitable } from "./types.ts";

/**
 * Parks the stopping task until the target has finished. Unlike `yield* task`
 * it passes no cancellation on: the target is already cancelled, and a
 * second cancellation would cut its cleanup short.
 */
class StopWait extends Parking<boolean> implements Waitable {
  private waiter: Task | null = null;

  constructor(
    private readonly target: Task,
    private readonly msg: string | undefined,
  ) {
    super();
  }

  protected override get what(): string {
    return "task.stop()";
  }

  override next(arg?: unknown): IteratorResult<unknown, boolean> {
    const target = this.target;
    if (arg !== RESUME) {
      const me = runningTask("Task.stop()");
      if (me === target) {
        throw new RuntimeError(`${target}.stop() was called by the task itself, which would wait for itself forever; use currentTask().cancel() to cancel it`);
      }
      target.cancel(this.msg);
      if (!target.done()) {
        this.waiter = me;
        target.addDoneCallback(this.targetDone);
        me.park(this);
        return PARKED;
      }
    }
    target.retrieved = true;
    if (target.cancelled()) return { value: true, done: true };
    target.result(); // its cleanup failed: that is news the caller must hear
    return { value: false, done: true };
  }

  private readonly targetDone = (): void => {
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter !== null && waiter.waitingOn === this) waiter.loop.wake(waiter);
  };

  /** The stopping task is cancelled: it stops waiting at once; the target's cleanup runs on. */
  cancelWait(waiter: Task, error: unknown): void {
    this.target.removeDoneCallback(this.targetDone);
    this.waiter = null;
    waiter.loop.wakeThrow(waiter, error);
  }

  /** The task waited for, for the deadlock report's cycle search. */
  get awaiting(): Task {
    return this.target;
  }

  describe(): string {
    return `stop of task ${this.target.id} (${this.target.name})`;
  }
}

/** @internal `task.stop(msg)` */
export function stopTask(task: Task, msg: string | undefined): Awaitable<boolean> {
  return { [Symbol.iterator]: () => new StopWait(task, msg), then: stopThen } as Awaitable<boolean>;
}

const stopThen = (): never => notAPromise("task.stop()");
