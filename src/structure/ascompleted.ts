/**
 * `asCompleted(aws, { timeout })`: CPython's `asyncio.as_completed`, shaped
 * for a generator: a `for … of` loop over awaitables, each giving the next
 * result in the order the work finishes.
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { runningTask } from "../core/context.ts";
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { TimeoutError } from "../core/errors.ts";
import { describeValue, isAwaitable, isCoroutine } from "../core/host.ts";
import { getEventLoop } from "../core/defaultloop.ts";
import { toMs } from "../core/sleep.ts";
import { Task } from "../core/task.ts";
import { toTask } from "../core/promote.ts";
import type { TimerCall } from "../core/soon.ts";
import type { Awaitable, Coro, ResultOf } from "../core/types.ts";
import { whenDone } from "./whendone.ts";

/**
 * Options of `asCompleted`.
 *
 * @example
 * ```ts
 * for (const next of asCompleted(downloads, { timeout: 30 })) yield* next;
 * ```
 */
export interface AsCompletedOptions {
  /** Seconds; once they have passed, every awaitable not yet served throws `TimeoutError`. */
  timeout?: number | null;
}

/** Put in place of a finished task when the timeout has come. */
const TIMED_OUT = Symbol("timed out");

/**
 * The finished tasks in the order they finished, and the tasks waiting for
 * the next one (CPython's `Queue` of as_completed, with its getter order: a
 * woken waiter that is cancelled before it runs hands its turn on).
 */
class Completions {
  readonly items: (Task | typeof TIMED_OUT)[] = [];
  readonly getters: Getter[] = [];

  put(item: Task | typeof TIMED_OUT): void {
    this.items.push(item);
    this.wakeNext();
  }

  wakeNext(): void {
    const getter = this.getters.shift();
    if (getter !== undefined) getter.wake();
  }
}

/** One task waiting for the next finished task. */
class Getter extends Parking<void> implements Waitable {
  woken = false;
  private task: Task | null = null;

  constructor(private readonly queue: Completions) {
    super();
  }

  protected override get what(): string {
    return "asCompleted(…)";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    const me = runningTask("asCompleted()");
    this.task = me;
    this.queue.getters.push(this);
    me.park(this);
    return PARKED;
  }

  wake(): void {
    this.woken = true;
    const task = this.task!;
    if (task.waitingOn === this) task.loop.wake(task);
  }

  cancelWait(task: Task, error: unknown): void {
    const i = this.queue.getters.indexOf(this);
    if (i >= 0) this.queue.getters.splice(i, 1);
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return "asCompleted";
  }
}

/** CPython's `_wait_for_one`: the next finished task's result (or error), or TimeoutError. */
function* waitForOne<T>(queue: Completions): Coro<T> {
  while (queue.items.length === 0) {
    const getter = new Getter(queue);
    try {
      yield* getter;
    } catch (error) {
      // Woken, then cancelled before it ran: the item it was woken for goes to the next waiter.
      if (getter.woken && queue.items.length > 0) queue.wakeNext();
      throw error;
    }
  }
  const item = queue.items.shift()!;
  if (item === TIMED_OUT) throw new TimeoutError("asCompleted: timed out");
  return item.result() as T;
}

refuseAwaitOf(waitForOne, "asCompleted(…)'s awaitables");

/**
 * Gives one awaitable per item of `aws` (coroutines become tasks, started
 * when the loop begins): the first gives the result of whichever finishes
 * first (or throws its error), the next the next one, and so on. Once
 * `timeout` seconds have passed, the awaitables not yet served throw
 * `TimeoutError`; the work itself is not cancelled. CPython's
 * `asyncio.as_completed` (nothing starts until the loop begins).
 *
 * @example
 * ```ts
 * for (const next of asCompleted([fetchA(), fetchB(), fetchC()], { timeout: 10 })) {
 *   const page = yield* next; // in the order they finish
 *   console.log(page.length);
 * }
 * ```
 */
export function asCompleted<A extends Awaitable<unknown>>(aws: Iterable<A>, options?: AsCompletedOptions): IterableIterator<Awaitable<ResultOf<A>>> {
  if (aws instanceof Task || isCoroutine(aws) || typeof aws !== "object" || aws === null || !(Symbol.iterator in aws)) {
    throw new TypeError(
      `asCompleted(aws): aws must be an array (or other iterable) of tasks, coroutines or awaitables, got ${describeValue(aws)}${aws instanceof Task ? ": write asCompleted([task])" : ""}`,
    );
  }
  const list: A[] = [];
  for (const aw of aws) {
    if (!isAwaitable(aw)) {
      const hint = typeof aw === "function" ? " (call the generator function first)" : "";
      throw new TypeError(`asCompleted(aws): item ${list.length + 1} must be a task, a coroutine or an awaitable, got ${describeValue(aw)}${hint}`);
    }
    list.push(aw);
  }
  let ms: number | null = null;
  if (options !== undefined) {
    if (typeof options !== "object" || options === null)
      throw new TypeError(`asCompleted(aws, options): options must be an object like { timeout: 5 }, got ${describeValue(options)}`);
    for (const key of Object.keys(options)) {
      if (key !== "timeout") throw new TypeError(`asCompleted(aws, options): unknown option ${JSON.stringify(key)}; the only option is timeout`);
    }
    if (options.timeout !== undefined && options.timeout !== null && options.timeout !== Infinity) {
      ms = toMs(options.timeout, "asCompleted(aws, options): options.timeout (seconds)", 1000);
    }
  }
  return completions(list, ms) as IterableIterator<Awaitable<ResultOf<A>>>;
}

/** CPython's as_completed body: it starts on the first `next()`, as a Python generator does. */
function* completions(aws: readonly Awaitable<unknown>[], ms: number | null): Generator<Awaitable<unknown>, void, unknown> {
  const loop = getEventLoop();
  // The same task or coroutine given twice is one piece of work, as CPython's set of futures.
  const todo = new Set<Task>();
  const made = new Map<unknown, Task>();
  for (const aw of aws) {
    let task = made.get(aw);
    if (task === undefined) made.set(aw, (task = toTask(aw, "asCompleted(aws)")));
    todo.add(task);
  }
  const queue = new Completions();
  let timer: TimerCall | null = null;
  const stops = new Map<Task, () => void>();
  const onCompletion = (t: Task): void => {
    if (!todo.has(t)) return; // the timeout came first
    todo.delete(t);
    queue.put(t);
    if (todo.size === 0 && timer !== null) loop.cancelTimer(timer);
  };
  for (const t of todo) stops.set(t, whenDone(t, onCompletion));
  if (todo.size > 0 && ms !== null) {
    timer = loop.callAt(loop.time() + ms, () => {
      for (const t of todo) {
        stops.get(t)!();
        queue.put(TIMED_OUT);
      }
      todo.clear();
    });
  }
  const n = todo.size;
  for (let i = 0; i < n; i++) yield waitForOne(queue);
}
