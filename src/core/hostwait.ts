/**
 * `until` and `call`: the two ways a coroutine waits for host async code.
 */
import { notAPromise } from "./notapromise.ts";
import { Parking } from "./parking.ts";
import { PARKED } from "./protocol.ts";
import { runningTask } from "./context.ts";
import { checkCallback, describeValue, isThenable, newAbortController } from "./host.ts";
import type { Awaitable } from "./types.ts";

/** Parks the running task on a thenable; the resume brings its value. */
class HostIterator<T> extends Parking<T> {
  private started = false;
  constructor(private readonly start: (task: ReturnType<typeof runningTask>) => { value: T } | null) {
    super();
  }

  protected override get what(): string {
    return "until()/call()";
  }
  next(arg?: unknown): IteratorResult<unknown, T> {
    if (this.started) return { value: arg as T, done: true };
    this.started = true;
    const immediate = this.start(runningTask("until()/call()"));
    return immediate ? { value: immediate.value, done: true } : PARKED;
  }
}

/**
 * Waits for a host promise, with its result typed.
 *
 * @example
 * ```ts
 * const text = yield* until(fs.promises.readFile("config.json", "utf8"));
 * ```
 */
export function until<T>(p: PromiseLike<T>): Awaitable<T> {
  if (!isThenable(p)) throw new TypeError(`until(p): p must be a promise or thenable, got ${describeValue(p)}`);
  const awaitable = {
    [Symbol.iterator]: () =>
      new HostIterator<T>((task) => {
        task.loop.waitHost(task, p, null);
        return null;
      }),
    then: untilThen,
  };
  return awaitable;
}

/**
 * Runs host async work with an `AbortSignal` that aborts if the calling task
 * is cancelled.
 *
 * @example
 * ```ts
 * const res = yield* call((signal) => fetch(url, { signal }));
 * ```
 */
export function call<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>): Awaitable<Awaited<T>> {
  checkCallback(fn, "call(fn): fn", "taking an AbortSignal (for a generator function, yield* it inside the task instead)");
  const awaitable = {
    [Symbol.iterator]: () =>
      new HostIterator<Awaited<T>>((task) => {
        const controller = newAbortController("call(fn)");
        const result = fn(controller.signal);
        if (!isThenable(result)) return { value: result as Awaited<T> };
        task.loop.waitHost(task, result, controller);
        return null;
      }),
    then: callThen,
  };
  return awaitable;
}

const untilThen = (): never => notAPromise("until(p)");
const callThen = (): never => notAPromise("call(fn)");
