/**
 * The public types of taskloop, documented here once.
 */
import type { Task } from "./task.ts";
import type { Loop } from "./loop.ts";

declare global {
  // `Lease` is `Disposable`, but a project whose `lib` lacks ESNext.Disposable
  // (ES2022 + DOM, say) has neither name: declare them here, exactly as
  // TypeScript's lib and @types/node do, so that all the declarations merge.
  // At run time the key is `disposeSymbol` (src/core/host.ts).
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  interface Disposable {
    /** Releases what the object holds (a `using` block calls it at its end). */
    [Symbol.dispose](): void;
  }
}

/**
 * A coroutine returning `T`: the generator object made by calling a
 * `function*`. It is lazy: nothing runs until a task drives it.
 *
 * @example
 * ```ts
 * function* readTwice(): Coro<number> { yield* sleep(0.1); return 2; }
 * ```
 */
export type Coro<T = unknown> = Generator<unknown, T, unknown>;

/**
 * Anything that can follow `yield*` inside a coroutine and produce `T`:
 * coroutines, tasks, and what `sleep`, `waitFor`, `Event.wait` … return.
 *
 * @example
 * ```ts
 * const ok: boolean = yield* event.wait();
 * ```
 */
export interface Awaitable<T> {
  /** What `yield*` drives: the loop resumes it until it gives `T`. */
  [Symbol.iterator](): Iterator<unknown, T, unknown>;
}

/**
 * The result type of an awaitable.
 *
 * @example
 * ```ts
 * type N = ResultOf<Task<number>>; // number
 * ```
 */
export type ResultOf<A> = A extends Awaitable<infer T> ? T : never;

/**
 * Something a lock-like primitive hands out; `using` releases it at block end.
 *
 * @example
 * ```ts
 * { using lease = yield* lock.acquire(); yield* talkToBus(); } // released here
 * ```
 */
export interface Lease extends Disposable {
  /** Give the lock back; a second call does nothing. */
  release(): void;
}

/**
 * What `onSlowStep` receives.
 *
 * @example
 * ```ts
 * run(main(), { slowStepMs: 20, onSlowStep: ({ task, durationMs }) => log(`${task.name} ${durationMs} ms`) });
 * ```
 */
export interface SlowStepInfo {
  /** The task whose step was slow. */
  task: Task<unknown>;
  /** How long the step held the loop, in milliseconds. */
  durationMs: number;
}

/**
 * Options for `newEventLoop` and `run`.
 *
 * @example
 * ```ts
 * await run(main(), { clock: "virtual", slowStepMs: 20 });
 * ```
 */
export interface LoopOptions {
  /** `"virtual"`: time starts at 0 and jumps to the next timer whenever nothing is ready. */
  clock?: "real" | "virtual";
  /** Report any single task step longer than this many milliseconds. */
  slowStepMs?: number;
  /** Called for each slow step; the default prints one line to stderr. */
  onSlowStep?: (info: SlowStepInfo) => void;
  /**
   * How a real-clock loop waits for its next timer (the virtual clock ignores it).
   *
   * - `"efficient"` (default): waits on the host timer, which counts whole
   *   milliseconds, and polls at most the last 0.3 ms before the deadline.
   *   A wake-up runs up to ~0.7 ms late (plus whatever delays the host
   *   itself; typically 0.1-0.4 ms); a 1 kHz `schedule` costs about a tenth of
   *   a core, as it does in CPython asyncio.
   * - `"precise"`: arms the host timer 1.5 ms early and polls (gives way to the
   *   host and reads the clock, again and again) until the deadline, so wake-ups
   *   run within ~0.1 ms. The cost is a busy core for the last 1.5-2.5 ms before
   *   every timer: a 1 kHz `schedule` or a `sleep(0.002)` loop keeps a whole
   *   core busy, a 100 Hz one about a fifth of it.
   */
  timerPrecision?: "efficient" | "precise";
  /**
   * Debug mode, as CPython's `asyncio.run(debug=True)`: a `sleep(s)` /
   * `sleepMs(ms)` made in a task remembers where it was made. One that is
   * never driven (`sleep(1);` with the `yield*` forgotten) is reported through
   * the exception handler once it is garbage-collected, naming that line; one
   * yielded without the star or awaited throws a TypeError whose stack starts
   * at that line. Costs a stack capture per sleep, so it is off by default.
   */
  debug?: boolean;
}

/**
 * One unfinished task, as `loop.tasks()` shows it.
 *
 * @example
 * ```ts
 * for (const t of getEventLoop().tasks()) console.log(t.name, t.state, t.waitingOn);
 * ```
 */
export interface TaskInfo {
  /** The task's id, unique in its loop. */
  id: number;
  /** The task's name (`task-<id>` unless given). */
  name: string;
  /** ready: queued to run; running: in its step now; sleeping: in a timer; waiting: parked on an awaitable. */
  state: "ready" | "running" | "sleeping" | "waiting";
  /** e.g. "sleep 500 ms", "Event", "Lock", "Queue.get", "task 7 (worker)", "promise" */
  waitingOn: string | null;
  /** Times resumed. */
  steps: number;
  /** Time spent inside its steps. */
  busyMs: number;
  /** Longest single step. */
  maxStepMs: number;
  /** How late its last timer wake-up ran after the deadline. */
  lateMs: number;
  /** The latest any of its timer wake-ups ran after the deadline. */
  maxLateMs: number;
}

/**
 * What the loop's exception handler receives.
 *
 * @example
 * ```ts
 * getEventLoop().setExceptionHandler((loop, ctx) => log(ctx.message, ctx.exception));
 * ```
 */
export interface ExceptionContext {
  /** What happened, in one line. */
  message: string;
  /** The error, if there was one. */
  exception?: unknown;
  /** The task it concerns, if any. */
  future?: Task<unknown>;
  [key: string]: unknown;
}

export type ExceptionHandler = (loop: Loop, context: ExceptionContext) => void;

/**
 * Options for `createTask`.
 *
 * @example
 * ```ts
 * const stopPolling = new AbortController();
 * createTask(poll(), { name: "poll", signal: stopPolling.signal });
 * stopPolling.abort("shutting down"); // cancels the task: CancelledError("shutting down")
 * ```
 */
export interface TaskOptions {
  /** Defaults to `task-<id>`. */
  name?: string;
  /**
   * An outside AbortSignal: when it aborts, the task is cancelled, with the
   * abort reason as the cancel message (an Error's message, a string as it
   * is). Already aborted: the task never runs its body.
   */
  signal?: AbortSignal;
}

/**
 * Options for `run`: the loop options, and an outside AbortSignal for the
 * main task. Only a loop option (clock, slowStepMs, onSlowStep,
 * timerPrecision) makes `run` start a new loop; `{ signal }` alone runs on
 * the current default loop.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort("enough"), 60_000);
 * await run(main(), { signal: controller.signal }); // rejects with CancelledError("enough") unless main catches it
 * ```
 */
export interface RunOptions extends LoopOptions {
  /** Cancels the main task when it aborts (the reason becomes the cancel message). */
  signal?: AbortSignal;
}
