/**
 * A task drives one coroutine on a loop. Its state lives in a few fields whose
 * meaning is fixed here, once:
 *
 * - `state`: READY (in the ready queue), RUNNING (being stepped), SLEEPING (in
 *   the timer heap), WAITING (parked on `waitingOn`), DONE.
 * - `data`: while the task runs, what the next step sends into the coroutine
 *   (`next(data)`), or throws into it (`throw(data)`) when `flags & THROW`;
 *   once it is DONE, its result or error. One field for both keeps tasks small.
 * - `flags`: THROW, RETRIEVED (someone has seen the outcome), CANCEL_ASKED
 *   (cancel() was called once: its `signal` is aborted, even if it is read
 *   only later), PASSING, HANDED, the outcome (PENDING, SUCCEEDED, FAILED, CANCELLED)
 *   in the two bits above them, and above those the count of cancellations
 *   asked for and not withdrawn (CPython's `cancelling()`; only timeout scopes
 *   read it, to tell their own cancellation from anyone else's).
 * - `heapIndex`: where it is queued, or a tag (see the field).
 * - A cancellation asked for while the task is running waits in the
 *   scheduler's `selfCancel` (one task runs at a time) until its next
 *   suspension point.
 */
import { type CancelledError, InvalidStateError, RuntimeError, cancellation, isCancelled, noteCancelOrigin } from "./errors.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "./protocol.ts";
import type { Loop } from "./loop.ts";
import type { Awaitable, Coro } from "./types.ts";
import { WaitQueue } from "./waitqueue.ts";
import { Parking } from "./parking.ts";
import { currentTaskOrNull } from "./context.ts";
import { checkCallback, describeValue, newAbortController } from "./host.ts";
import { stopTask } from "./stop.ts";
import { keepShape } from "./shapes.ts";

export const READY = 0;
export const RUNNING = 1;
export const SLEEPING = 2;
export const WAITING = 3;
export const DONE = 4;

export const PENDING = 0;
export const SUCCEEDED = 1;
export const FAILED = 2;
export const CANCELLED = 3;

/** `Task.heapIndex` tags (see the field). */
export const NOT_QUEUED = -1;
export const TIMER_WOKEN = -2;
export const SOON = -3;

/** Bits of `Task.flags`. */
export const THROW = 1;
export const RETRIEVED = 2;
const CANCEL_ASKED = 4;
/** cancel() is passing a cancellation on through this task right now (see TaskAwaiter.cancelWait). */
export const PASSING = 8;
/**
 * Woken by a hand-off (a `Queue` item or slot kept for it) and not yet run:
 * if it is cancelled before it runs, it must pass the hand-off on.
 */
export const HANDED = 16;
const OUTCOME_SHIFT = 5;
/** One cancellation request in the count kept above the outcome bits (see cancelling()). */
const CANCEL_UNIT = 1 << 7;
const COUNT_SHIFT = 7;

type DoneCallback = (task: Task<unknown>) => void;

/** Rarely used parts of a task, kept apart so a sleeping task stays small. */
interface TaskExtras {
  /** One callback, or several: most tasks have at most one (gather's), so no array for it. */
  callbacks: DoneCallback | DoneCallback[] | null;
  /** When each callback was registered (see `order`), in the same shape as `callbacks`. */
  callbackOrder: number | number[];
  /**
   * Counts registrations, callbacks and `yield* task` waiters alike: when the
   * task ends they are served in this one order, as CPython's single callback
   * list serves them.
   */
  order: number;
  /** Tasks parked in `yield* task`. */
  waiters: WaitQueue | null;
  controller: AbortController | null;
  promise: Promise<unknown> | null;
  settle: ((ok: boolean) => void) | null;
  name: string | null;
  /** Undoes what ties the task to something outside it (an outside AbortSignal's listener); called when it settles. */
  unlink: (() => void) | null;
  /**
   * Bookkeepers told as the task ends (TaskManager's and an Activity's task
   * lists). Unlike done callbacks they do not count as awaiting the task, so
   * an error nobody retrieves is still reported.
   */
  observers: DoneCallback[] | null;
}

/**
 * A scheduled coroutine, made by `createTask`. `yield* task` waits for it,
 * and plain async code can `await task`.
 *
 * @example
 * ```ts
 * const t = createTask(blink(3), { name: "blink" });
 * const n = yield* t;   // its return value, or its error re-thrown
 * ```
 */
export class Task<T = unknown> implements Awaitable<T>, PromiseLike<T> {
  /** @internal */ state = READY;
  /** @internal see the top of this file */ data: unknown = undefined;
  /** @internal */ flags = 0;
  /** @internal */ waitingOn: Waitable | null = null;
  /**
   * @internal Where the task is queued, or a tag. One field for all of them
   * lets the scheduler tell the rare ready-queue entries apart with one compare.
   * - `>= 0`: its slot in the loop's timer heap: it sleeps.
   * - NOT_QUEUED (-1): in no heap; the usual case.
   * - TIMER_WOKEN (-2): its timer fired and it is in the ready queue; its
   *   lateness is measured when it runs (StepTiming.recordLateness), which
   *   sets NOT_QUEUED again.
   * - SOON (-3) is never a task's: it marks the `callSoon` entries that share
   *   the ready queue with the tasks (soon.ts).
   */
  heapIndex = NOT_QUEUED;
  /** @internal links of the wait queue it is parked in */ qPrev: Task | null = null;
  /** @internal */ qNext: Task | null = null;
  /** @internal links of the loop's list of live tasks */ livePrev: Task | null = null;
  /** @internal */ liveNext: Task | null = null;
  /**
   * @internal the rarely used parts (see TaskExtras), made on first use; or,
   * while one done callback is all there is to keep (gather's, one per child),
   * that callback alone, so gathering 100,000 tasks makes no extras.
   */
  extras: TaskExtras | DoneCallback | null = null;
  /** @internal inspection: steps taken */ steps = 0;
  /** @internal inspection, in whole microseconds (steptiming.ts) */ busyUs = 0;
  /** @internal */ maxStepUs = 0;
  /** @internal */ lateUs = 0;
  /** @internal */ maxLateUs = 0;

  /** @internal use `createTask` */
  constructor(
    /** @internal */ readonly loop: Loop,
    /** @internal what it drives; let go once the task is done, with everything its frame still held */
    public coro: Coro<T> | null,
    /** Unique per loop, counting from 1 in creation order. */
    readonly id: number,
    name: string | undefined,
  ) {
    if (name !== undefined) this.getExtras().name = name;
  }

  /** The name given at creation, or `task-<id>`. */
  get name(): string {
    return this.more()?.name ?? `task-${this.id}`;
  }
  /** Renames the task (shown by `loop.tasks()` and in reports). */
  set name(value: string) {
    this.getExtras().name = String(value);
  }

  /**
   * Asks the task to stop: `CancelledError` is thrown at its suspension point
   * (at once if it is waiting, at the next one if it is running).
   * Returns false if the task has already finished.
   */
  cancel(msg?: string): boolean {
    if (msg !== undefined && typeof msg !== "string") {
      throw new TypeError(`Task.cancel(msg): msg must be a string, got ${describeValue(msg)}`);
    }
    if (this.state === DONE) return false;
    this.flags = (this.flags | CANCEL_ASKED) + CANCEL_UNIT;
    this.more()?.controller?.abort(cancellation(msg ?? "task cancelled"));
    if (this.flags & PASSING) return true; // came round an await cycle: TaskAwaiter.cancelWait ends it
    this.flags |= PASSING;
    const error = cancellation(msg);
    noteCancelOrigin(error, this, this.waitingOn); // null when ready or running
    this.interrupt(error);
    this.flags &= ~PASSING;
    return true;
  }

  /**
   * @internal throws `error` at the task's suspension point, as cancel() does,
   * but leaves its `signal` alone (a task group interrupts a body that runs on).
   */
  interrupt(error: CancelledError): void {
    switch (this.state) {
      case DONE:
        return;
      case RUNNING:
        this.loop.scheduler.selfCancel ??= error;
        return;
      case READY:
        // Not started yet, or woken but not yet resumed: throw instead of resuming
        // (a newer cancellation replaces an older one, so its message wins).
        this.flags |= THROW;
        this.data = error;
        return;
      default:
        this.waitingOn!.cancelWait(this, error);
    }
  }

  /**
   * @internal a cancellation on behalf of a scope inside the task (a timeout):
   * counted as cancel() counts (see cancelling()), and thrown at the task's
   * suspension point as cancel() throws it, but the task's `signal` stays as
   * it is, since the task itself goes on once the scope has handled it.
   */
  cancelScope(error: CancelledError): void {
    if (this.state === DONE) return;
    this.flags += CANCEL_UNIT;
    this.interrupt(error);
  }

  /** @internal how many cancellations were asked for and not withdrawn (CPython's `Task.cancelling()`). */
  cancelling(): number {
    return this.flags >>> COUNT_SHIFT;
  }

  /** @internal withdraws one cancellation request and gives the count left (CPython's `Task.uncancel()`). */
  uncancel(): number {
    if (this.flags >= CANCEL_UNIT) this.flags -= CANCEL_UNIT;
    return this.flags >>> COUNT_SHIFT;
  }

  /**
   * Cancels the task and waits until it has finished, so its cleanup has run.
   * Gives `true` if it ended cancelled, `false` if it had already finished
   * otherwise or caught the cancellation and returned. Never throws the
   * task's `CancelledError`; an error its cleanup throws is re-thrown. If the
   * task calling `stop()` is itself cancelled meanwhile, it stops waiting at
   * once and the stopped task's cleanup carries on undisturbed.
   *
   * @example
   * ```ts
   * const blinker = createTask(blink(led));
   * yield* sleep(5);
   * const wasCancelled = yield* blinker.stop(); // the LED is off by now
   * ```
   */
  stop(msg?: string): Awaitable<boolean> {
    if (msg !== undefined && typeof msg !== "string") {
      throw new TypeError(`Task.stop(msg): msg must be a string, got ${describeValue(msg)}`);
    }
    return stopTask(this, msg);
  }

  /** Whether the task has finished: returned, failed or cancelled. */
  done(): boolean {
    return this.state === DONE;
  }

  /** Whether the task ended cancelled. */
  cancelled(): boolean {
    return this.outcome === CANCELLED;
  }

  /** The return value; throws the task's error, `CancelledError`, or `InvalidStateError` if not done. */
  result(): T {
    this.checkFinished("result");
    this.retrieved = true;
    if (this.outcome === SUCCEEDED) return this.value as T;
    throw this.value;
  }

  /** The error the task failed with, `undefined` if it succeeded. */
  exception(): unknown {
    this.checkFinished("exception");
    this.retrieved = true;
    return this.outcome === FAILED ? this.value : undefined;
  }

  private checkFinished(what: string): void {
    if (this.state !== DONE) throw new InvalidStateError(`${this}: ${what}() asked before the task finished`);
    if (this.outcome === CANCELLED) {
      this.retrieved = true;
      throw this.value;
    }
  }

  /** Calls `cb(task)` once when the task finishes (at once, soon, if it already has). */
  addDoneCallback(cb: (task: Task<T>) => void): void {
    checkCallback(cb, "addDoneCallback(cb): cb", "called with the task");
    if (this.state === DONE) {
      this.retrieved = true;
      this.loop.callSoon(() => cb(this));
      return;
    }
    this.whenDone(cb as unknown as DoneCallback);
  }

  /** @internal `addDoneCallback` for an unfinished task, without the checks (gather registers one per child). */
  whenDone(fn: DoneCallback): void {
    if (this.extras === null) {
      this.extras = fn;
      return;
    }
    const extras = this.getExtras();
    const list = extras.callbacks;
    const order = extras.order++;
    if (list === null) {
      extras.callbacks = fn;
      extras.callbackOrder = order;
    } else if (Array.isArray(list)) {
      list.push(fn);
      (extras.callbackOrder as number[]).push(order);
    } else {
      extras.callbacks = [list, fn];
      extras.callbackOrder = [extras.callbackOrder as number, order];
    }
  }

  /** Removes a callback added with `addDoneCallback`; returns how many were removed. */
  removeDoneCallback(cb: (task: Task<T>) => void): number {
    if (typeof cb !== "function") throw new TypeError(`removeDoneCallback(cb): cb must be the function given to addDoneCallback, got ${describeValue(cb)}`);
    if (typeof this.extras === "function") {
      if (this.extras !== (cb as unknown)) return 0;
      this.extras = null;
      return 1;
    }
    const extras = this.extras;
    const list = extras?.callbacks;
    if (!extras || !list) return 0;
    const all = Array.isArray(list) ? list : [list];
    const orders = Array.isArray(extras.callbackOrder) ? extras.callbackOrder : [extras.callbackOrder];
    const kept: DoneCallback[] = [];
    const keptOrders: number[] = [];
    all.forEach((c, i) => {
      if (c !== (cb as unknown)) {
        kept.push(c);
        keptOrders.push(orders[i]!);
      }
    });
    extras.callbacks = kept.length === 0 ? null : kept;
    extras.callbackOrder = keptOrders;
    return all.length - kept.length;
  }

  /**
   * @internal Whether cancel() was ever called, or the task ended cancelled:
   * what `signal.aborted` tells, without making an AbortController (which a
   * bare host may lack, and which only `signal` users should need).
   */
  cancelAsked(): boolean {
    return (this.flags & CANCEL_ASKED) !== 0 || this.outcome === CANCELLED;
  }

  /** Aborted when the task is cancelled: pass it to `fetch` and other host APIs. */
  get signal(): AbortSignal {
    const extras = this.getExtras();
    if (!extras.controller) {
      extras.controller = newAbortController("task.signal");
      if (this.flags & CANCEL_ASKED || this.outcome === CANCELLED) extras.controller.abort(cancellation("task cancelled"));
    }
    return extras.controller.signal;
  }

  /** `yield* task` waits for the task and gives its result or throws its error. */
  [Symbol.iterator](): Iterator<unknown, T, unknown> {
    return new TaskAwaiter(this, false);
  }

  /** A task is a thenable, so plain async code can `await task`. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.retrieved = true;
    const extras = this.getExtras();
    if (!extras.promise) {
      extras.promise = new Promise<unknown>((resolve, reject) => {
        extras.settle = (ok) => (ok ? resolve(this.value) : reject(this.value));
      });
      if (this.state === DONE) extras.settle!(this.outcome === SUCCEEDED);
    }
    return (extras.promise as Promise<T>).then(onFulfilled, onRejected);
  }

  toString(): string {
    return `Task(${this.id}, ${JSON.stringify(this.name)})`;
  }

  /** @internal */
  getExtras(): TaskExtras {
    const kept = this.extras;
    if (kept !== null && typeof kept !== "function") return kept;
    // A lone callback kept in its place becomes the first of the list.
    const extras: TaskExtras = {
      callbacks: kept,
      callbackOrder: 0,
      order: kept === null ? 0 : 1,
      waiters: null,
      controller: null,
      promise: null,
      settle: null,
      name: null,
      unlink: null,
      observers: null,
    };
    this.extras = extras;
    return extras;
  }

  /** @internal the extras if they have been made. */
  more(): TaskExtras | null {
    const extras = this.extras;
    return typeof extras === "function" ? null : extras;
  }

  /** @internal whether a done callback is registered. */
  hasDoneCallbacks(): boolean {
    const extras = this.extras;
    return typeof extras === "function" || (extras !== null && extras.callbacks !== null);
  }

  /** @internal how it ended: PENDING, SUCCEEDED, FAILED or CANCELLED */
  get outcome(): number {
    return (this.flags >> OUTCOME_SHIFT) & 3;
  }

  /** @internal its result or error, once DONE */
  get value(): unknown {
    return this.state === DONE ? this.data : undefined;
  }

  /** @internal whether someone has seen (or will see) how it ended */
  get retrieved(): boolean {
    return (this.flags & RETRIEVED) !== 0;
  }
  /** @internal */
  set retrieved(seen: boolean) {
    this.flags = seen ? this.flags | RETRIEVED : this.flags & ~RETRIEVED;
  }

  /** @internal */
  get waiters(): WaitQueue | null {
    return this.more()?.waiters ?? null;
  }
  /** @internal */
  set waiters(queue: WaitQueue | null) {
    this.getExtras().waiters = queue;
  }

  /**
   * @internal calls `fn(task)` as the task ends, before its done callbacks,
   * without counting as retrieving its outcome (see TaskExtras.observers).
   */
  observe(fn: (task: Task<T>) => void): void {
    ((this.getExtras().observers ??= []) as DoneCallback[]).push(fn as unknown as DoneCallback);
  }

  /** @internal parks the task on `on`; the caller has registered it there. */
  park(on: Waitable): void {
    this.state = WAITING;
    this.waitingOn = on;
  }

  /** @internal called by the loop when the coroutine has ended. */
  settle(outcome: number, value: unknown): void {
    this.state = DONE;
    this.flags = (this.flags & (RETRIEVED | CANCEL_ASKED)) | (outcome << OUTCOME_SHIFT);
    this.data = value;
    this.waitingOn = null;
    this.coro = null;
    const extras = this.extras;
    if (!extras) return;
    if (typeof extras === "function") {
      this.extras = null;
      this.retrieved = true;
      this.callDone(extras);
      return;
    }
    if (extras.unlink !== null) {
      extras.unlink();
      extras.unlink = null;
    }
    const observers = extras.observers;
    if (observers !== null) {
      extras.observers = null;
      for (const observe of observers) this.callDone(observe);
    }
    if (outcome === CANCELLED && extras.controller && !extras.controller.signal.aborted) {
      extras.controller.abort(value);
    }
    // Done callbacks and waiters in the order they registered, as in CPython,
    // where both are callbacks in one list: a task group's callback, registered
    // when the child was made, acts before the task awaiting the child
    // resumes; a task that awaited earlier resumes before a later shield hears.
    const callbacks = extras.callbacks;
    const waiters = extras.waiters;
    if (callbacks) {
      extras.callbacks = null;
      this.retrieved = true;
      if (Array.isArray(callbacks)) {
        const orders = extras.callbackOrder as number[];
        for (let i = 0; i < callbacks.length; i++) {
          if (waiters !== null) wakeWaitersBefore(waiters, orders[i]!);
          this.callDone(callbacks[i]!);
        }
      } else {
        if (waiters !== null) wakeWaitersBefore(waiters, extras.callbackOrder as number);
        this.callDone(callbacks);
      }
    }
    waiters?.wakeAll();
    extras.settle?.(outcome === SUCCEEDED);
  }

  private callDone(cb: DoneCallback): void {
    try {
      cb(this);
    } catch (error) {
      this.loop.callExceptionHandler({ message: "Exception in a task done callback", exception: error, future: this });
    }
  }
}

/**
 * @internal waits for `task` like `yield* task` (a cancellation is passed on
 * and the waiter waits for `task` to end), but then throws the waiter's own
 * CancelledError instead of giving `task`'s outcome.
 */
export function waitKeepingCancel<T>(task: Task<T>): Awaitable<T> {
  return { [Symbol.iterator]: () => new TaskAwaiter(task, true) };
}

/** Wakes the waiters of a finished task that registered before `order`. */
function wakeWaitersBefore(waiters: WaitQueue, order: number): void {
  for (let t = waiters.head; t !== null && (t.waitingOn as TaskAwaiter<unknown>).order < order; t = waiters.head) {
    waiters.shift();
    t.loop.wake(t);
  }
}

/** What `yield* task` drives: parks the awaiting task in the target's waiters. */
class TaskAwaiter<T> extends Parking<T> implements Waitable {
  /** With keepCancel: the cancellation that reached the waiter, thrown once the target has ended. */
  private cancelledWith: unknown = null;
  /** When it registered with the target (see TaskExtras.order). */
  order = 0;

  constructor(
    private readonly target: Task<T>,
    private readonly keepCancel: boolean,
  ) {
    super();
  }

  protected override get what(): string {
    return "yield* task";
  }

  next(arg?: unknown): IteratorResult<unknown, T> {
    const target = this.target;
    if (arg !== RESUME && target.state !== DONE) {
      const me = currentTaskOrNull();
      if (!me) throw new RuntimeError("no running event loop: `yield* task` must run inside a task");
      if (me === target) throw new RuntimeError(`${target} cannot await itself`);
      const extras = target.getExtras();
      this.order = extras.order++;
      (extras.waiters ??= new WaitQueue("task")).park(me);
      me.waitingOn = this;
      return PARKED;
    }
    target.retrieved = true;
    if (this.cancelledWith !== null) throw this.cancelledWith;
    if (target.outcome === SUCCEEDED) {
      return target.value === undefined ? (DONE_VOID as IteratorReturnResult<T>) : { value: target.value as T, done: true };
    }
    throw target.value;
  }

  /**
   * Waiting on a task passes the cancellation on; the waiter then sees how it
   * ends. Where the target has already finished, or is itself passing this
   * cancellation on (A awaits B awaits A: the cancel came full circle), the
   * waiter stops waiting and takes the error at once, so a cycle unwinds.
   */
  cancelWait(waiter: Task, error: unknown): void {
    const msg = isCancelled(error) && error.message ? error.message : undefined;
    if (this.keepCancel) this.cancelledWith = error;
    const target = this.target;
    if ((target.flags & PASSING) === 0 && target.cancel(msg)) return;
    target.waiters!.remove(waiter);
    waiter.loop.wakeThrow(waiter, error);
  }

  /** The task waited for, for the deadlock report's cycle search. */
  get awaiting(): Task {
    return this.target;
  }

  describe(): string {
    return `task ${this.target.id} (${this.target.name})`;
  }
}

// One task (with its extras) and one `yield* task` waiter keep their hidden classes alive between runs (see shapes.ts).
const sample = new Task(null as unknown as Loop, null, 0, undefined);
sample.getExtras();
keepShape(sample);
keepShape(new TaskAwaiter(sample, false));
