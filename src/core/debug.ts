/**
 * Debug mode (`LoopOptions.debug`), CPython's "coroutine was never awaited" for
 * taskloop: inside a debug loop's task, a `sleep`/`sleepMs` awaitable remembers
 * where it was made, so that
 * - one that is dropped without being driven (`sleep(1);`, the `yield*`
 *   forgotten) is reported through the loop's exception handler once the
 *   garbage collector finds it, naming the line that made it;
 * - one that is yielded without the star (`yield sleep(1)`) or awaited
 *   (`await sleep(1)`) throws a TypeError whose stack starts at that line.
 * It costs a captured stack and a wrapper per sleep, so it is off by default
 * (sleep(0), the hottest path, is never wrapped).
 */
import { notAPromise } from "./notapromise.ts";
import type { Loop } from "./loop.ts";
import type { Awaitable } from "./types.ts";

interface Made {
  loop: Loop;
  what: string;
  at: string;
}

const registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry<Made>(neverAwaited) : null;

/** The frames of a stack below its message line, without taskloop's own. */
function callerFrames(stack: string | undefined): string {
  const lines = (stack ?? "").split("\n").slice(1);
  return lines.filter((line) => !/[\\/](src|dist)[\\/]core[\\/]debug\.[jt]s|[\\/](src|dist)[\\/]core[\\/]sleep\.[jt]s/.test(line)).join("\n");
}

function neverAwaited(made: Made): void {
  const error = new TypeError(`${made.what} was made but never awaited: did you forget \`yield*\`?`);
  error.stack = `${error.name}: ${error.message}\n${made.at}`;
  made.loop.callExceptionHandler({ message: `${made.what} was never awaited`, exception: error });
}

/** @internal wraps `aw` so that it remembers where it was made (see the top of this file). */
export function remembered<T>(aw: Awaitable<T>, what: string, loop: Loop): Awaitable<T> {
  const at = callerFrames(new Error().stack);
  const wrapper: Awaitable<T> & PromiseLike<never> = {
    [Symbol.iterator]() {
      registry?.unregister(wrapper);
      return aw[Symbol.iterator]();
    },
    then(): never {
      registry?.unregister(wrapper);
      try {
        return notAPromise(what);
      } catch (error) {
        if (error instanceof Error) error.stack = `${error.name}: ${error.message}\n${at}`;
        throw error;
      }
    },
  };
  registry?.register(wrapper, { loop, what, at }, wrapper);
  return wrapper;
}
