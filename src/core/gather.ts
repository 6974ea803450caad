import { isCancelled } from "./errors.ts";
import { refuseAwaitOf } from "./notapromise.ts";
import { runningTask } from "./context.ts";
import { PARKED, RESUME, type Waitable } from "./protocol.ts";
import { SUCCEEDED, type Task } from "./task.ts";
import { toTask } from "./promote.ts";
import { Parking } from "./parking.ts";
import { describeValue, isAwaitable, isCoroutine } from "./host.ts";
import type { Awaitable, ResultOf } from "./types.ts";
import { keepShape } from "./shapes.ts";

/**
 * Options for `gather`.
 *
 * @example
 * ```ts
 * const [a, b] = yield* gather(readA(), readB(), { returnExceptions: true });
 * ```
 */
export interface GatherOptions {
  /** Return errors in place of results instead of throwing the first one. */
  returnExceptions?: boolean;
}

/** The results of `gather`, in the order of its arguments. */
export type GatherResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: ResultOf<T[K]> };
/** With `returnExceptions: true`, each place holds the result or the error. */
export type GatherSettled<T extends readonly unknown[]> = { -readonly [K in keyof T]: ResultOf<T[K]> | Error };

/** Parks the gathering task until every child is done (or one fails). */
class GatherWait extends Parking<unknown[]> implements Waitable {
  private remaining = 0;
  private waiter: Task | null = null;
  private firstFailed: Task | null = null;
  private cancelledBy: unknown = null;

  constructor(
    private readonly children: Task[],
    private readonly returnExceptions: boolean,
  ) {
    super();
  }

  protected override get what(): string {
    return "gather(…)";
  }

  next(arg?: unknown): IteratorResult<unknown, unknown[]> {
    if (arg !== RESUME) {
      for (const child of this.children) {
        if (child.done()) {
          if (child.outcome !== SUCCEEDED) this.firstFailed ??= child;
        } else {
          this.remaining++;
          child.whenDone(this.onChildDone);
        }
      }
      if (this.remaining === 0 || (this.firstFailed && !this.returnExceptions)) return this.results();
      this.waiter = runningTask("gather()");
      this.waiter.park(this);
      return PARKED;
    }
    if (this.cancelledBy !== null) throw this.cancelledBy;
    return this.results();
  }

  /**
   * The gatherer's cancellation arrives here when it runs, not when cancel()
   * is called: as in MicroPython, children already in the ready queue run
   * their turn first (asyncio_gather.py's .exp shows it). Then the unfinished
   * ones are cancelled and, as in CPython, awaited, so their cleanup has run
   * by the time the CancelledError leaves gather.
   */
  override throw(error: unknown): IteratorResult<unknown, unknown[]> {
    // Cancelled again before it resumed: the newer CancelledError replaced the
    // first (Task.interrupt), and it still has to cancel and await the children.
    if (this.cancelledBy === null || !isCancelled(error)) throw error;
    this.cancelledBy = error;
    let any = false;
    const msg = error.message || undefined;
    for (const child of this.children) if (child.cancel(msg)) any = true;
    if (!any) throw error;
    this.waiter = runningTask("gather()");
    this.waiter.park(this);
    return PARKED;
  }

  private readonly onChildDone = (child: Task): void => {
    this.remaining--;
    if (child.outcome !== SUCCEEDED) this.firstFailed ??= child;
    const waiter = this.waiter;
    if (waiter === null || waiter.waitingOn !== this) return;
    const failed = child.outcome !== SUCCEEDED && this.cancelledBy === null && !this.returnExceptions;
    if (failed || this.remaining === 0) {
      this.waiter = null;
      waiter.loop.wake(waiter);
    }
  };

  private results(): IteratorReturnResult<unknown[]> {
    const children = this.children;
    const n = children.length;
    for (let i = 0; i < n; i++) {
      const child = children[i]!;
      if (child.done()) child.retrieved = true;
    }
    if (this.firstFailed && !this.returnExceptions) throw this.firstFailed.value;
    const values: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = children[i]!.value;
    return { value: values, done: true };
  }

  /** Cancelling the gathering task resumes it with the error; `throw` above takes it from there. */
  cancelWait(task: Task, error: unknown): void {
    this.cancelledBy = error;
    this.waiter = null;
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return `gather (${this.remaining} of ${this.children.length} left)`;
  }
}

/** A plain object that is not itself awaitable (`until()` and `call()` give plain awaitable objects). */
function isOptions(x: unknown): x is GatherOptions {
  if (x === null || typeof x !== "object" || Symbol.iterator in x) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Runs all the awaitables (coroutines become tasks) and gives their results
 * in order. Without `returnExceptions` the first error is thrown and the
 * others keep running; with it, errors are returned in place. Cancelling the
 * gathering task cancels the unfinished ones.
 *
 * @example
 * ```ts
 * const [t, h] = yield* gather(readTemperature(), readHumidity());
 * ```
 */
export function gather<const T extends readonly Awaitable<unknown>[]>(...aws: T): Awaitable<GatherResults<T>>;
export function gather<const T extends readonly Awaitable<unknown>[]>(...args: [...aws: T, options: { returnExceptions: true }]): Awaitable<GatherSettled<T>>;
export function gather<const T extends readonly Awaitable<unknown>[]>(...args: [...aws: T, options: GatherOptions]): Awaitable<GatherResults<T>>;
export function gather(...args: unknown[]): Awaitable<unknown[]> {
  let returnExceptions = false;
  if (args.length > 0 && isOptions(args[args.length - 1])) {
    const options = args.pop() as GatherOptions;
    for (const key of Object.keys(options)) {
      if (key !== "returnExceptions") throw new TypeError(`gather(..., options): unknown option ${JSON.stringify(key)}; the only option is returnExceptions`);
    }
    if (options.returnExceptions !== undefined && typeof options.returnExceptions !== "boolean") {
      throw new TypeError(`gather(..., options): returnExceptions must be a boolean, got ${describeValue(options.returnExceptions)}`);
    }
    returnExceptions = options.returnExceptions === true;
  }
  args.forEach((aw, i) => {
    if (!isAwaitable(aw)) {
      const got = typeof aw === "function" ? `a function (call it first): ${describeValue(aw)}` : describeValue(aw);
      throw new TypeError(`gather(): argument ${i + 1} must be a coroutine, a task or an awaitable, got ${got}`);
    }
  });
  return gatherAll(args as Awaitable<unknown>[], returnExceptions);
}

function* gatherAll(aws: Awaitable<unknown>[], returnExceptions: boolean): Generator<unknown, unknown[], unknown> {
  if (aws.length > 0) runningTask("gather()"); // before making tasks: outside a task nothing must be left behind
  // The same coroutine given twice is one task, as in CPython (two tasks cannot drive one generator).
  let made: Map<unknown, Task> | null = null;
  const children = aws.map((aw) => {
    if (!isCoroutine(aw)) return toTask(aw, "gather");
    made ??= new Map();
    let task = made.get(aw);
    if (task === undefined) made.set(aw, (task = toTask(aw, "gather")));
    return task;
  });
  const wait: Awaitable<unknown[]> = { [Symbol.iterator]: () => new GatherWait(children, returnExceptions) };
  return yield* wait;
}

refuseAwaitOf(gatherAll, "gather(…)");

// See shapes.ts.
keepShape(new GatherWait([], false));
