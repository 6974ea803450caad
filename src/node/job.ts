/** What crosses to a `toThread` worker (internal), and `jobSignal()` for the code that runs there. */

/** @internal the message a worker gets */
export interface Job {
  /** The module's URL (file: URL or a package name). */
  module: string;
  exportName: string;
  args: unknown[];
  /** One Int32: 0 while the job is wanted, 1 once its task was cancelled. */
  flag: SharedArrayBuffer;
}

/** @internal where the worker keeps the function that makes the running job's signal */
export const SIGNAL_SLOT = Symbol.for("taskloop.toThread.signal");

/**
 * Inside a function run by `toThread`: the AbortSignal that aborts when the
 * task that called `toThread` is cancelled. A CPU-bound loop checks
 * `signal.aborted` (it reads shared memory, so it is up to date without
 * yielding); async code listens for `abort`. Outside a `toThread` job it
 * gives a signal that never aborts.
 *
 * @example
 * ```ts
 * // hash.ts, run with toThread(new URL("./hash.ts", import.meta.url), "hash", data)
 * import { jobSignal } from "taskloop/node";
 * export function hash(data: Uint8Array): number {
 *   const signal = jobSignal();
 *   let h = 0;
 *   for (let i = 0; i < data.length; i++) {
 *     if ((i & 0xffff) === 0) signal.throwIfAborted();
 *     h = (h * 31 + data[i]!) | 0;
 *   }
 *   return h;
 * }
 * ```
 */
export function jobSignal(): AbortSignal {
  return (globalThis as { [SIGNAL_SLOT]?: () => AbortSignal })[SIGNAL_SLOT]?.() ?? new AbortController().signal;
}
