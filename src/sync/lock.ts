import { Parking } from "../core/parking.ts";
import { handOff, handedToCancelled } from "../core/handoff.ts";
import { PARKED, RESUME } from "../core/protocol.ts";
import { currentTaskOrNull, runningTask } from "../core/context.ts";
import { RuntimeError } from "../core/errors.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import { disposeSymbol } from "../core/host.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Lease } from "../core/types.ts";
import { keepShape } from "../core/shapes.ts";

/** @internal a lease that releases once, by `release()` or by `using`. */
export class OnceLease implements Lease {
  private released = false;
  constructor(private readonly onRelease: () => void) {}
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
  /** Releases the lease at the end of a `using` block. */
  [disposeSymbol](): void {
    this.release();
  }
}

class LockAcquire extends Parking<Lease> {
  constructor(private readonly lock: Lock) {
    super();
  }

  protected override get what(): string {
    return "lock.acquire()";
  }
  override next(arg?: unknown): IteratorResult<unknown, Lease> {
    const lock = this.lock;
    if (arg === RESUME) {
      lock.handedTo = null; // the hand-over has reached its task
      return { value: lock.lease(), done: true };
    }
    if (!lock.held) {
      lock.held = true;
      lock.owner = currentTaskOrNull();
      return { value: lock.lease(), done: true };
    }
    lock.waiters.park(runningTask("Lock.acquire()"));
    return PARKED;
  }
  override throw(error: unknown): never {
    // Cancelled after release() handed it the lock but before it ran: pass the lock on.
    if (handedToCancelled(this.lock)) this.lock.release();
    throw error;
  }
}

/**
 * A mutual-exclusion lock, handed to waiters in FIFO order.
 *
 * @example
 * ```ts
 * const bus = new Lock();
 * function* talk() { using lease = yield* bus.acquire(); yield* sleep(0.01); }
 * ```
 */
export class Lock {
  /** @internal */ held = false;
  /** @internal the waiter that release() passed the lock to, until it resumes */ handedTo: Task | null = null;
  /** @internal */ readonly waiters = new WaitQueue("Lock");
  /** @internal the task that took the lock last, named by the deadlock report (even once it has finished) */ owner: Task | null = null;
  private readonly acquireOp = new LockAcquire(this);

  constructor() {
    this.waiters.holders = () => (this.held && this.owner !== null ? [this.owner] : []);
  }

  /**
   * Whether the lock is held. While release() has handed it to a waiter that
   * has not run yet, it reads false (as in MicroPython and CPython), yet a
   * newcomer still queues behind that waiter.
   */
  locked(): boolean {
    return this.held && this.handedTo === null;
  }

  /** Waits for the lock and gives a lease; `using` releases it at block end. */
  acquire(): Awaitable<Lease> {
    return this.acquireOp;
  }

  /** Releases the lock, handing it straight to the longest waiter. */
  release(): void {
    if (!this.held || this.handedTo !== null) throw new RuntimeError("Lock.release(): the lock is not locked");
    this.owner = handOff(this);
  }

  /** @internal */
  lease(): Lease {
    return new OnceLease(() => this.release());
  }
}

// See shapes.ts.
keepShape(new Lock());
