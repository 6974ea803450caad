import { getEventLoop, newEventLoop, peekDefaultLoop } from "./defaultloop.ts";
import { describeValue, isCoroutine, report } from "./host.ts";
import { context } from "./context.ts";
import { RuntimeError } from "./errors.ts";
import type { Coro, LoopOptions, RunOptions } from "./types.ts";
import { isAbortSignal } from "./outsidesignal.ts";

/**
 * Runs `main` as a task until it finishes and settles with its result or
 * error. Then cancels every task still left on the loop and waits for their
 * cleanup. With loop options, a new loop with them becomes the default first.
 * `options.signal` (an outside AbortSignal) cancels the main task when it
 * aborts; the reason becomes the cancel message.
 *
 * @example
 * ```ts
 * await run(main(), { clock: "virtual" });
 * await run(main(), { signal: AbortSignal.timeout(60_000) });
 * ```
 */
export function run<T>(main: Coro<T> | (() => Coro<T>), options?: RunOptions): Promise<T> {
  if (context.task !== null) {
    return Promise.reject(new RuntimeError("run() cannot be called from inside a task: use `yield* main()` or createTask(main()) instead"));
  }
  let coro: unknown = main;
  try {
    if (typeof main === "function") coro = (main as () => Coro<T>)();
  } catch (error) {
    return Promise.reject(error);
  }
  if (!isCoroutine(coro)) {
    const what =
      typeof main === "function"
        ? `a function that returned ${describeValue(coro)} (it must be a generator function: function* main() { … })`
        : describeValue(main);
    return Promise.reject(new TypeError(`run(main): coroutine expected (a generator object such as main(), or a generator function), got ${what}`));
  }
  try {
    let loopOptions: LoopOptions | undefined = options;
    let signal: AbortSignal | undefined;
    if (options !== undefined && options !== null && typeof options === "object" && "signal" in options) {
      const { signal: s, ...rest } = options;
      if (s !== undefined && !isAbortSignal(s)) {
        throw new TypeError(`run(main, options): options.signal must be an AbortSignal (from new AbortController().signal), got ${describeValue(s)}`);
      }
      signal = s;
      loopOptions = Object.keys(rest).length > 0 ? rest : undefined;
    }
    if (loopOptions !== undefined) warnOfStrandedTasks();
    const loop = loopOptions !== undefined ? newEventLoop(loopOptions) : getEventLoop();
    return loop.runMain(coro as Coro<T>, signal);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `run(main, options)` makes a new default loop, so tasks made before it (a
 * Pushbutton made at module level, as MicroPython programs do) stay on the old
 * loop and would silently never run: say so once, with the way out.
 */
function warnOfStrandedTasks(): void {
  const previous = peekDefaultLoop();
  if (previous === null || previous.isRunning()) return;
  const stranded = previous.tasks();
  if (stranded.length === 0) return;
  const names =
    stranded
      .slice(0, 3)
      .map((t) => t.name)
      .join(", ") + (stranded.length > 3 ? ", …" : "");
  report(
    "warn",
    `taskloop: run(main, options) starts a new event loop, so ${stranded.length} task(s) made before it will not run (${names}). ` +
      "Make them inside main, or call newEventLoop(options) before making them and run(main) without options.",
  );
}
