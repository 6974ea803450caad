/**
 * `wait(tasks, { timeout, returnWhen })`: CPython's `asyncio.wait`.
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { runningTask } from "../core/context.ts";
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { RuntimeError } from "../core/errors.ts";
import { toMs } from "../core/sleep.ts";
import { FAILED, Task } from "../core/task.ts";
import type { TimerCall } from "../core/soon.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { whenDone } from "./whendone.ts";

/**
 * When `wait` returns: at the first task that finishes, the first that fails, or when all have finished.
 *
 * @example
 * ```ts
 * const [done] = yield* wait(tasks, { returnWhen: "FIRST_EXCEPTION" });
 * ```
 */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/**
 * Options of `wait`.
 *
 * @example
 * ```ts
 * const [done, pending] = yield* wait(tasks, { timeout: 5, returnWhen: "FIRST_COMPLETED" });
 * ```
 */
export interface WaitOptions {
  /** Seconds to wait at most; `null` or absent: no limit. At the limit `wait` returns (it does not throw). */
  timeout?: number | null;
  /** Default `"ALL_COMPLETED"`. `"FIRST_EXCEPTION"` is `"ALL_COMPLETED"` when no task fails. */
  returnWhen?: ReturnWhen;
}

const RETURN_WHEN: readonly string[] = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"];

/** Parks the waiting task until `release`. */
class Release extends Parking<void> implements Waitable {
  private waiter: Task | null = null;
  released = false;

  constructor(
    private readonly left: () => number,
    private readonly total: number,
  ) {
    super();
  }

  protected override get what(): string {
    return "wait(…)";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME || this.released) return DONE_VOID;
    const me = runningTask("wait()");
    this.waiter = me;
    me.park(this);
    return PARKED;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter !== null && waiter.waitingOn === this) waiter.loop.wake(waiter);
  }

  cancelWait(task: Task, error: unknown): void {
    this.waiter = null;
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return `wait (${this.left()} of ${this.total} left)`;
  }
}

/**
 * Waits for the tasks until `returnWhen` says to stop or `timeout` seconds
 * have passed, and gives `[done, pending]`: two Sets of the same tasks. It
 * never throws the tasks' errors and never cancels them (ask `t.result()`
 * of the done ones; cancel the pending ones yourself if they are no longer
 * wanted). Cancelling the waiting task leaves the tasks running.
 * CPython's `asyncio.wait`; as there, it takes tasks, not coroutines
 * (`createTask` them first, so you can tell them apart in the result).
 *
 * @example
 * ```ts
 * const fast = createTask(query(mirrorA)), slow = createTask(query(mirrorB));
 * const [done, pending] = yield* wait([fast, slow], { returnWhen: "FIRST_COMPLETED", timeout: 5 });
 * for (const t of pending) t.cancel();
 * for (const t of done) console.log(t.result());
 * ```
 */
export function wait<A extends Task<unknown>>(tasks: Iterable<A>, options?: WaitOptions): Awaitable<[done: Set<A>, pending: Set<A>]> {
  if (tasks instanceof Task || isCoroutine(tasks) || typeof tasks !== "object" || tasks === null || !(Symbol.iterator in tasks)) {
    const hint =
      tasks instanceof Task
        ? ": write wait([task])"
        : isCoroutine(tasks)
          ? " (a generator of tasks cannot be told from a coroutine: spread it, wait([...tasks]))"
          : "";
    throw new TypeError(`wait(tasks): tasks must be an array (or other iterable) of tasks, got ${describeValue(tasks)}${hint}`);
  }
  const set = new Set<A>();
  let i = 0;
  for (const t of tasks) {
    i++;
    if (!(t instanceof Task)) {
      const hint = isCoroutine(t) ? ": coroutines are not accepted, as in CPython; pass createTask(coro) so you can find it in the result" : "";
      throw new TypeError(`wait(tasks): item ${i} must be a task, got ${describeValue(t)}${hint}`);
    }
    set.add(t);
  }
  if (set.size === 0) throw new RangeError("wait(tasks): tasks is empty; give at least one task");
  let ms: number | null = null;
  let returnWhen: ReturnWhen = "ALL_COMPLETED";
  if (options !== undefined) {
    if (typeof options !== "object" || options === null)
      throw new TypeError(`wait(tasks, options): options must be an object like { timeout: 5 }, got ${describeValue(options)}`);
    for (const key of Object.keys(options)) {
      if (key !== "timeout" && key !== "returnWhen")
        throw new TypeError(`wait(tasks, options): unknown option ${JSON.stringify(key)}; the options are timeout and returnWhen`);
    }
    if (options.timeout !== undefined && options.timeout !== null && options.timeout !== Infinity) {
      ms = toMs(options.timeout, "wait(tasks, options): options.timeout (seconds)", 1000);
    }
    if (options.returnWhen !== undefined) {
      if (!RETURN_WHEN.includes(options.returnWhen as string)) {
        throw new RangeError(
          `wait(tasks, options): options.returnWhen must be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${describeValue(options.returnWhen)}`,
        );
      }
      returnWhen = options.returnWhen;
    }
  }
  return waitTasks(set, ms, returnWhen);
}

/** CPython's `_wait`: a done callback per task counts them down, a timer gives up. */
function* waitTasks<A extends Task<unknown>>(tasks: Set<A>, ms: number | null, returnWhen: ReturnWhen): Coro<[Set<A>, Set<A>]> {
  const loop = runningTask("wait()").loop;
  let counter = tasks.size;
  const release = new Release(() => counter, tasks.size);
  let timer: TimerCall | null = null;
  const onCompletion = (t: Task): void => {
    if (release.released) return;
    counter--;
    if (counter <= 0 || returnWhen === "FIRST_COMPLETED" || (returnWhen === "FIRST_EXCEPTION" && t.outcome === FAILED)) {
      if (timer !== null) loop.cancelTimer(timer);
      if (t.outcome === FAILED) t.retrieved = true; // as CPython's f.exception() here
      release.release();
    }
  };
  const stops: (() => void)[] = [];
  for (const t of tasks) {
    if (t.loop !== loop) throw new RuntimeError(`wait(tasks): ${t} belongs to another event loop`);
  }
  for (const t of tasks) stops.push(whenDone(t, onCompletion));
  // After the callbacks: a timeout of 0 runs after the callbacks of tasks already done, as in CPython.
  if (ms !== null) timer = loop.callAt(loop.time() + ms, () => release.release());
  try {
    yield* release;
  } finally {
    if (timer !== null) loop.cancelTimer(timer);
    release.released = true;
    for (const stop of stops) stop();
  }
  const done = new Set<A>();
  const pending = new Set<A>();
  for (const t of tasks) (t.done() ? done : pending).add(t);
  return [done, pending];
}

refuseAwaitOf(waitTasks, "wait(…)");
