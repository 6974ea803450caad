/**
 * `ManagedResource`: one shared resource (an SPI or I2C bus) handed out in
 * strict FIFO order, with per-handle hooks (select / deselect a chip) run
 * around every use. The model is `Lock`: a release hands the resource
 * straight to the longest waiter, so a task that releases and re-acquires in
 * a loop queues behind the others instead of barging ahead of them.
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { runningTask } from "../core/context.ts";
import { describeValue, disposeSymbol, isCoroutine } from "../core/host.ts";
import { PARKED, RESUME } from "../core/protocol.ts";
import { Parking } from "../core/parking.ts";
import { handOff, handedToCancelled } from "../core/handoff.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro, Lease } from "../core/types.ts";

/**
 * Hooks a `ManagedResource` calls with a handle's bound arguments: `onAcquire`
 * when a task gets the resource through that handle, `onRelease` when it gives
 * it back.
 *
 * @example
 * ```ts
 * const options: ManagedResourceOptions<[Pin]> = {
 *   onAcquire: (cs) => cs.value(0),
 *   onRelease: (cs) => cs.value(1),
 * };
 * ```
 */
export interface ManagedResourceOptions<A extends unknown[]> {
  /** Called in the acquiring task once the resource is its own. */
  onAcquire?(...args: A): void;
  /** Called when the lease is released, before the next waiter gets the resource. */
  onRelease?(...args: A): void;
}

/**
 * What `handle.acquire()` gives: the resource, and `release()` (or `using`)
 * to give it back. Releasing twice does nothing.
 *
 * @example
 * ```ts
 * using lease = yield* sensorHandle.acquire();
 * lease.resource.write(READ_TEMPERATURE);
 * ```
 */
export interface ResourceLease<R> extends Lease {
  /** The resource this lease holds. */
  readonly resource: R;
}

/**
 * One shared resource, handed to the tasks that want it one at a time, in
 * the order they asked. Tasks reach it through handles bound to arguments
 * (typically a chip-select pin) that the `onAcquire` / `onRelease` hooks
 * receive. `onAcquire` runs in the acquiring task once the resource is its
 * own; `onRelease` runs when the lease is released, before the next waiter
 * gets the resource. The two are paired exactly once per use: a task
 * cancelled while it waits never calls `onAcquire`, and one cancelled just
 * after the resource was handed to it (before it ran again) passes it on
 * without calling either. If `onAcquire` throws, the acquisition fails with
 * that error, the resource passes on, and `onRelease` is not called.
 *
 * @example
 * ```ts
 * const spi = new ManagedResource(bus, {
 *   onAcquire: (cs: Pin) => cs.value(0),
 *   onRelease: (cs: Pin) => cs.value(1),
 * });
 * const sensor = spi.handle(sensorCs);
 * const sd = spi.handle(sdCs);
 * const reading = yield* sensor.use(function* (bus) { return yield* bus.transfer([0x03, 0]); });
 * ```
 */
export class ManagedResource<R, A extends unknown[] = []> {
  /** @internal */ held = false;
  /** @internal the waiter a release passed the resource to, until it resumes */ handedTo: Task | null = null;
  /** @internal */ readonly waiters = new WaitQueue("ManagedResource");
  /** @internal */ readonly options: ManagedResourceOptions<A>;

  constructor(
    /** The shared object itself; leases hand it out. */
    readonly resource: R,
    options: ManagedResourceOptions<A> = {},
  ) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`new ManagedResource(resource, options): options must be an object like { onAcquire, onRelease }, got ${describeValue(options)}`);
    }
    for (const key of ["onAcquire", "onRelease"] as const) {
      const hook: unknown = options[key];
      if (hook !== undefined && typeof hook !== "function") {
        throw new TypeError(`new ManagedResource(resource, options): options.${key} must be a function, got ${describeValue(hook)}`);
      }
    }
    this.options = options;
  }

  /**
   * A reusable handle bound to `args`, which the hooks receive on every use
   * through it.
   *
   * @example
   * ```ts
   * const sd = spi.handle(sdCs);
   * ```
   */
  handle(...args: A): ResourceHandle<R> {
    return new ResourceHandle<R>(this as ManagedResource<R, unknown[]>, args);
  }

  /** Whether some task holds the resource (or is about to, after a hand-over). */
  locked(): boolean {
    return this.held;
  }

  /** @internal gives the resource to the longest waiter, or frees it. */
  passOn(): void {
    handOff(this);
  }
}

/** @internal a lease that runs `onRelease` and passes the resource on, once. */
class ManagedLease<R> implements ResourceLease<R> {
  private released = false;
  constructor(
    readonly resource: R,
    private readonly handle: ResourceHandle<R>,
  ) {}
  release(): void {
    if (this.released) return;
    this.released = true;
    this.handle.released();
  }
  /** Releases the lease at the end of a `using` block. */
  [disposeSymbol](): void {
    this.release();
  }
}

/** `handle.acquire()`: one stateless object per handle, as `Lock.acquire()` is (see protocol.ts). */
class HandleAcquire<R> extends Parking<ResourceLease<R>> {
  constructor(private readonly handle: ResourceHandle<R>) {
    super();
  }

  protected override get what(): string {
    return "handle.acquire()";
  }
  override next(arg?: unknown): IteratorResult<unknown, ResourceLease<R>> {
    const owner = this.handle.owner;
    if (arg === RESUME) {
      owner.handedTo = null; // the hand-over has reached its task
      return { value: this.handle.granted(), done: true };
    }
    const task = runningTask("ResourceHandle.acquire()");
    if (!owner.held) {
      owner.held = true;
      return { value: this.handle.granted(), done: true };
    }
    owner.waiters.park(task);
    return PARKED;
  }
  override throw(error: unknown): never {
    // Cancelled after a release handed it the resource but before it ran: pass it on.
    const owner = this.handle.owner;
    if (handedToCancelled(owner)) owner.passOn();
    throw error;
  }
}

/**
 * A way to the shared resource, bound to the arguments given to
 * `resource.handle(...)`. Reusable, and usable by several tasks.
 *
 * @example
 * ```ts
 * const sensor = spi.handle(sensorCs);
 * function* read(): Coro<number> {
 *   using lease = yield* sensor.acquire();
 *   return yield* lease.resource.transfer(0x03);
 * }
 * ```
 */
export class ResourceHandle<R> {
  // `await` on what use() gives (a generator) would not wait: make it throw.
  static {
    refuseAwaitOf(this.prototype.useWith, "handle.use(…)");
  }

  private readonly acquireOp: HandleAcquire<R> = new HandleAcquire(this);

  /** @internal use `resource.handle(...args)` */
  constructor(
    /** @internal */ readonly owner: ManagedResource<R, unknown[]>,
    /** @internal */ readonly args: unknown[],
  ) {
    if (!(owner instanceof ManagedResource)) throw new TypeError("ResourceHandle is made by resource.handle(...args), not with new");
  }

  /**
   * Waits its turn, calls `onAcquire(...args)` and gives a lease;
   * `lease.release()` (or the end of a `using` block) calls
   * `onRelease(...args)` and hands the resource to the next waiter.
   *
   * @example
   * ```ts
   * using lease = yield* sd.acquire();
   * yield* lease.resource.transfer(block);
   * ```
   */
  acquire(): Awaitable<ResourceLease<R>> {
    return this.acquireOp;
  }

  /**
   * Acquires the resource, runs `body` with it, and releases it even when
   * `body` throws or the task is cancelled; gives what `body` returns.
   *
   * @example
   * ```ts
   * const t = yield* sensor.use(function* (bus) { return yield* bus.transfer(0x03); });
   * ```
   */
  use<T>(body: (resource: R) => Coro<T>): Awaitable<T> {
    if (typeof body !== "function") {
      throw new TypeError(`ResourceHandle.use(body): body must be a generator function taking the resource, got ${describeValue(body)}`);
    }
    return this.useWith(body);
  }

  private *useWith<T>(body: (resource: R) => Coro<T>): Coro<T> {
    const lease = yield* this.acquire();
    try {
      const coro: unknown = body(lease.resource);
      if (!isCoroutine(coro)) {
        throw new TypeError(`ResourceHandle.use(body): body must return a coroutine (make it a function*), got ${describeValue(coro)}`);
      }
      return yield* coro as Coro<T>;
    } finally {
      lease.release();
    }
  }

  /** @internal the resource is this task's now: run `onAcquire`, make the lease. */
  granted(): ResourceLease<R> {
    const owner = this.owner;
    const hook = owner.options.onAcquire;
    if (hook) {
      try {
        hook.apply(owner.options, this.args);
      } catch (error) {
        owner.passOn(); // the acquisition failed: nothing to release
        throw error;
      }
    }
    return new ManagedLease(owner.resource, this);
  }

  /** @internal the lease was released: run `onRelease`, then hand the resource on. */
  released(): void {
    const owner = this.owner;
    const hook = owner.options.onRelease;
    try {
      if (hook) hook.apply(owner.options, this.args);
    } finally {
      owner.passOn();
    }
  }
}
