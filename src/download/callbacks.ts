/**
 * Calling the user's callbacks so the download can wait for them, whatever
 * kind of function they are.
 */
import { isCoroutine, isThenable } from "../core/host.ts";
import { until } from "../core/hostwait.ts";
import type { Awaitable } from "../core/types.ts";

/**
 * @internal calls `fn(arg)` and returns what to wait for: the coroutine of a
 * generator function (it runs inside the downloading task), the promise of an
 * async function, or `null` when a plain function has already finished. No
 * allocation for the plain case: progress can be reported for every chunk.
 */
export function callBack<A>(fn: (arg: A) => unknown, arg: A): Awaitable<unknown> | null {
  const result = fn(arg);
  if (isCoroutine(result)) return result;
  if (isThenable(result)) return until(result);
  return null;
}
