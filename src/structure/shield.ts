/**
 * `shield(aw)`: wait for work without passing a cancellation on to it.
 */
import { notAPromise } from "../core/notapromise.ts";
import { PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { RuntimeError } from "../core/errors.ts";
import { DONE, SUCCEEDED, type Task } from "../core/task.ts";
import { describeValue } from "../core/host.ts";
import { toTask } from "../core/promote.ts";
import { Parking } from "../core/parking.ts";
import type { Awaitable } from "../core/types.ts";

/**
 * One task waiting through the shield. As in CPython, the shield is a future
 * of its own: it hears of the inner task's end one round later (call soon),
 * and only then wakes its waiter.
 */
class ShieldWait<T> extends Parking<T> implements Waitable {
  private waiter: Task | null = null;

  constructor(private readonly inner: Task<T>) {
    super();
  }

  protected override get what(): string {
    return "shield(…)";
  }

  override next(arg?: unknown): IteratorResult<unknown, T> {
    const inner = this.inner;
    if (arg !== RESUME && inner.state !== DONE) {
      const me = runningTask("shield()");
      if (me === inner) throw new RuntimeError(`shield(): ${inner} cannot wait for itself`);
      this.waiter = me;
      inner.addDoneCallback(this.innerDone);
      me.park(this);
      return PARKED;
    }
    inner.retrieved = true;
    if (inner.outcome === SUCCEEDED) return { value: inner.value as T, done: true };
    throw inner.value; // its error, or CancelledError if it was cancelled
  }

  private readonly innerDone = (): void => {
    this.inner.loop.callSoon(() => {
      const waiter = this.waiter;
      this.waiter = null;
      if (waiter !== null && waiter.waitingOn === this) waiter.loop.wake(waiter);
    });
  };

  /** The waiter is cancelled: it stops waiting at once, and the inner task runs on. */
  cancelWait(waiter: Task, error: unknown): void {
    this.inner.removeDoneCallback(this.innerDone);
    this.waiter = null;
    waiter.loop.wakeThrow(waiter, error);
  }

  describe(): string {
    return `shield(task ${this.inner.id} (${this.inner.name}))`;
  }
}

/**
 * Waits for `aw` (a coroutine becomes a task at once) without passing a
 * cancellation on to it, as CPython's `asyncio.shield`: if the waiting task
 * is cancelled, it gets `CancelledError` at once while `aw` keeps running.
 * If `aw` itself is cancelled, the waiter gets `CancelledError`.
 *
 * @example
 * ```ts
 * // The flash write must not be torn, even if this handler is cancelled.
 * yield* shield(writeSettings(settings));
 * ```
 */
export function shield<T>(aw: Awaitable<T>): Awaitable<T> {
  if (typeof aw === "function") {
    throw new TypeError(
      `shield(aw): expected a coroutine, a task or an awaitable, got ${describeValue(aw)} (call the generator function first: shield(work()))`,
    );
  }
  const inner = toTask(aw, "shield(aw)");
  const awaitable = { [Symbol.iterator]: () => new ShieldWait(inner), then: shieldThen };
  return awaitable;
}

const shieldThen = (): never => notAPromise("shield(…)");
