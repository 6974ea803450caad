/**
 * `Condition`: CPython 3.12's condition variable on top of a `Lock`.
 *
 * `wait()` releases the lock, waits for a `notify()`, and re-acquires the lock
 * before it returns or throws, even when it is cancelled (then it re-throws
 * the `CancelledError` once it holds the lock again). A waiter notified but
 * cancelled before it ran passes the notification on to the next waiter, so
 * no wake-up is lost (CPython 3.13 does the same).
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { Parking } from "../core/parking.ts";
import { PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { type CancelledError, RuntimeError, isCancelled } from "../core/errors.ts";
import { checkCallback, describeValue } from "../core/host.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro, Lease } from "../core/types.ts";
import { Lock } from "./lock.ts";

/** One `wait()`'s stay in the waiters queue. */
class Notified extends Parking<void> implements Waitable {
  /** Set by `notify()` when it picks this waiter, until the waiter runs. */
  notified = false;
  constructor(private readonly cond: Condition) {
    super();
  }

  protected override get what(): string {
    return "cond.wait()";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) {
      this.notified = false;
      return { value: undefined, done: true };
    }
    const task = runningTask("Condition.wait()");
    this.cond.waiters.park(task);
    task.waitingOn = this;
    return PARKED;
  }

  override throw(error: unknown): never {
    if (this.notified) {
      // Notified, then cancelled before it ran: let another waiter have the notification.
      this.notified = false;
      this.cond.wakeWaiters(1);
    }
    throw error;
  }

  cancelWait(task: Task, error: unknown): void {
    this.cond.waiters.remove(task);
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return "Condition";
  }
}

/**
 * A condition variable: tasks holding its lock `wait()` until another task
 * changes shared state and calls `notify()` or `notifyAll()`. Waiters are
 * woken in FIFO order and each re-acquires the lock before `wait()` returns.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * const items: string[] = [];
 * function* consumer() {
 *   using lease = yield* cond.acquire();
 *   yield* cond.waitFor(() => items.length > 0);
 *   console.log("got", items.shift());
 * }
 * function* producer() {
 *   using lease = yield* cond.acquire();
 *   items.push("reading");
 *   cond.notify();
 * }
 * ```
 */
export class Condition {
  // `await` on what wait() gives (a generator) would not wait: make it throw.
  static {
    refuseAwaitOf(this.prototype.waitImpl, "cond.wait()");
    refuseAwaitOf(this.prototype.waitForImpl, "cond.waitFor(…)");
  }

  /** @internal */ readonly waiters = new WaitQueue("Condition");
  private readonly lock: Lock;

  /** @param lock the lock to use (a new `Lock` by default); share one to tie several conditions to the same state */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Condition(lock): lock must be a Lock (or omitted for a new one), got ${describeValue(lock)}`);
    }
    this.lock = lock ?? new Lock();
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Acquires the underlying lock; `using` releases it at block end. */
  acquire(): Awaitable<Lease> {
    return this.lock.acquire();
  }

  /** Releases the underlying lock; throws `RuntimeError` if it is not held. */
  release(): void {
    this.lock.release();
  }

  /**
   * Releases the lock, waits until notified, re-acquires the lock and gives
   * `true`. The lock must be held (else `RuntimeError`). If the task is
   * cancelled, it still re-acquires the lock before `CancelledError` is thrown.
   */
  wait(): Awaitable<true> {
    return this.waitImpl();
  }

  /**
   * Waits until `predicate()` is truthy (checked first, then after each
   * notification, with the lock held) and gives its value.
   */
  waitFor<R>(predicate: () => R): Awaitable<R> {
    checkCallback(predicate, "Condition.waitFor(predicate): predicate", "returning a truthy value when done waiting", true);
    return this.waitForImpl(predicate);
  }

  /** Wakes up to `n` waiters (default 1), oldest first. The lock must be held (else `RuntimeError`). */
  notify(n = 1): void {
    if (typeof n !== "number") throw new TypeError(`Condition.notify(n): n must be a whole number of waiters, got ${describeValue(n)}`);
    if (!(Number.isInteger(n) || n === Infinity) || n < 0) {
      throw new RangeError(`Condition.notify(n): n must be a whole number of waiters >= 0, got ${describeValue(n)}`);
    }
    if (!this.locked()) throw new RuntimeError("Condition.notify(): the lock is not held; acquire it first (using lease = yield* cond.acquire())");
    this.wakeWaiters(n);
  }

  /** Wakes every waiter. The lock must be held (else `RuntimeError`). */
  notifyAll(): void {
    this.notify(this.waiters.length);
  }

  /** @internal */
  wakeWaiters(n: number): void {
    for (let i = 0; i < n; i++) {
      const task = this.waiters.shift();
      if (task === null) return;
      (task.waitingOn as Notified).notified = true;
      task.loop.wake(task);
    }
  }

  private *waitImpl(): Coro<true> {
    if (!this.locked()) throw new RuntimeError("Condition.wait(): the lock is not held; acquire it first (using lease = yield* cond.acquire())");
    this.release();
    try {
      const notified: Awaitable<void> = new Notified(this);
      yield* notified;
      return true;
    } finally {
      // Re-acquire the lock even if cancelled; a cancellation meanwhile is thrown afterwards.
      let cancelled: CancelledError | null = null;
      for (;;) {
        try {
          yield* this.lock.acquire();
          break;
        } catch (error) {
          // biome-ignore lint/correctness/noUnsafeFinally: as CPython's Condition.wait, an error re-acquiring the lock replaces the wait's outcome
          if (!isCancelled(error)) throw error;
          cancelled = error;
        }
      }
      // biome-ignore lint/correctness/noUnsafeFinally: a cancellation that arrived while re-acquiring is thrown once the lock is held again (CPython)
      if (cancelled !== null) throw cancelled;
    }
  }

  private *waitForImpl<R>(predicate: () => R): Coro<R> {
    let result = predicate();
    while (!result) {
      yield* this.waitImpl();
      result = predicate();
    }
    return result;
  }
}
