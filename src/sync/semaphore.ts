/**
 * `Semaphore` and `BoundedSemaphore`, with CPython 3.12's semantics.
 *
 * `release()` hands a unit straight to the longest waiter (the counter is
 * decremented on its behalf), so a task arriving later cannot overtake it.
 * A waiter handed a unit but cancelled before it ran gives the unit back and
 * wakes the next one. Until a woken waiter has run, the semaphore counts as
 * `locked()`, exactly as CPython's does.
 */
import { Parking } from "../core/parking.ts";
import { PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { currentTaskOrNull, runningTask } from "../core/context.ts";
import { RuntimeError } from "../core/errors.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Lease } from "../core/types.ts";
import { OnceLease } from "./lock.ts";
import { checkCount } from "./args.ts";

/** One `acquire()`: its own object, so it knows whether a unit was handed to it. */
class SemaphoreAcquire extends Parking<Lease> implements Waitable {
  /** Set by `release()` when it hands this waiter a unit, until the waiter runs. */
  handed = false;
  constructor(private readonly sem: Semaphore) {
    super();
  }

  protected override get what(): string {
    return "semaphore.acquire()";
  }

  override next(arg?: unknown): IteratorResult<unknown, Lease> {
    const sem = this.sem;
    if (arg === RESUME) {
      this.handed = false;
      sem.pending--;
      // A unit freed meanwhile goes to whoever queued behind us (CPython does the same).
      if (sem.value > 0) sem.wakeNext();
      return { value: sem.lease(), done: true };
    }
    if (!sem.locked()) {
      sem.value--;
      return { value: sem.lease(), done: true };
    }
    const task = runningTask(`${sem.label}.acquire()`);
    sem.waiters.park(task);
    task.waitingOn = this;
    return PARKED;
  }

  override throw(error: unknown): never {
    if (this.handed) {
      // Cancelled after release() handed us a unit but before we ran: give it back.
      this.handed = false;
      const sem = this.sem;
      sem.pending--;
      sem.value++;
      sem.wakeNext();
    }
    throw error;
  }

  /** Cancelled while parked: leave the queue, never acquire. */
  cancelWait(task: Task, error: unknown): void {
    this.sem.waiters.remove(task);
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return this.sem.label;
  }

  detail(): string {
    return this.sem.waiters.detail();
  }
}

/**
 * A counter of free units: `acquire()` takes one (waiting while none is free),
 * `release()` gives one back. Waiters are served in FIFO order.
 *
 * @example
 * ```ts
 * const radio = new Semaphore(2); // at most two transfers at once
 * function* transfer(n: number) {
 *   using lease = yield* radio.acquire();
 *   yield* sleep(0.1);
 * }
 * ```
 */
export class Semaphore {
  /** @internal free units, already decremented for waiters handed one */ value: number;
  /** @internal waiters handed a unit that have not run yet */ pending = 0;
  /** @internal */ readonly waiters: WaitQueue;
  /** @internal how waits on it are named in `loop.tasks()` */ readonly label: string;
  /** @internal the tasks holding units, oldest first, for the deadlock report */ readonly holders: Task[] = [];

  /** @param value the number of free units, an integer >= 0 (default 1) */
  constructor(value = 1) {
    this.label = new.target.name === "BoundedSemaphore" ? "BoundedSemaphore" : "Semaphore";
    checkCount(value, `${this.label}(value): value`, 0);
    this.value = value;
    this.waiters = new WaitQueue(this.label);
    this.waiters.holders = () => this.holders;
  }

  /** True when `acquire()` would wait: no unit is free, or others are already waiting for one. */
  locked(): boolean {
    return this.value === 0 || this.waiters.length > 0 || this.pending > 0;
  }

  /**
   * Waits for a free unit and gives a lease; `using` (or `lease.release()`)
   * gives the unit back.
   */
  acquire(): Awaitable<Lease> {
    return new SemaphoreAcquire(this);
  }

  /** Gives a unit back, handing it to the longest waiter if there is one. */
  release(): void {
    this.value++;
    this.forgetHolder();
    this.wakeNext();
  }

  /**
   * Units are not owned (any task may release), so the holder forgotten is
   * the releasing task if it holds one, else the longest holder: the list is
   * only for the deadlock report.
   */
  private forgetHolder(): void {
    const holders = this.holders;
    if (holders.length === 0) return;
    const i = holders.lastIndexOf(currentTaskOrNull()!);
    holders.splice(i < 0 ? 0 : i, 1);
  }

  /** @internal hands one unit to the longest waiter; false if nobody waits. */
  wakeNext(): boolean {
    const task = this.waiters.shift();
    if (task === null) return false;
    (task.waitingOn as SemaphoreAcquire).handed = true;
    this.value--;
    this.pending++;
    task.loop.wake(task);
    return true;
  }

  /** @internal */
  lease(): Lease {
    const holder = currentTaskOrNull();
    if (holder !== null) this.holders.push(holder);
    return new OnceLease(() => this.release());
  }
}

/**
 * A `Semaphore` that refuses to be released more often than it was acquired:
 * `release()` throws `RuntimeError` if the value would exceed the initial one.
 *
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(3);
 * const lease = yield* slots.acquire();
 * lease.release();
 * slots.release(); // RuntimeError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  private readonly bound: number;

  /** @param value the number of units, and the most there may ever be free (default 1) */
  constructor(value = 1) {
    super(value);
    this.bound = value;
  }

  /** Gives a unit back; throws `RuntimeError` if that would exceed the initial value. */
  override release(): void {
    if (this.value >= this.bound) {
      throw new RuntimeError(`BoundedSemaphore.release(): released too many times (the value would exceed its initial value ${this.bound})`);
    }
    super.release();
  }
}
