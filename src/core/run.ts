import { getEventLoop, newEventLoop } from "./defaultloop.ts";
import { describeValue, isCoroutine } from "./host.ts";
import type { Coro, LoopOptions } from "./types.ts";

/**
 * Runs `main` as a task until it finishes and settles with its result or
 * error. Then cancels every task still left on the loop and waits for their
 * cleanup. With `options`, a new loop with them becomes the default first.
 *
 * @example
 * ```ts
 * await run(main(), { clock: "virtual" });
 * ```
 */
export function run<T>(main: Coro<T> | (() => Coro<T>), options?: LoopOptions): Promise<T> {
  let coro: unknown = main;
  try {
    if (typeof main === "function") coro = (main as () => Coro<T>)();
  } catch (error) {
    return Promise.reject(error);
  }
  if (!isCoroutine(coro)) {
    return Promise.reject(new TypeError(`run(main): coroutine expected (a generator object such as main()), got ${describeValue(main)}`));
  }
  try {
    const loop = options !== undefined ? newEventLoop(options) : getEventLoop();
    return loop.runMain(coro as Coro<T>);
  } catch (error) {
    return Promise.reject(error);
  }
}
