import { CancelledError, TimeoutError } from "./errors.ts";
import { getEventLoop } from "./defaultloop.ts";
import { Task } from "./task.ts";
import { wrap } from "./loop.ts";
import { describeValue, isCoroutine } from "./host.ts";
import { toMs } from "./sleep.ts";
import type { Awaitable, Coro } from "./types.ts";

/** @internal a task for `aw`: itself if it is one, else a new task driving it. */
export function toTask<T>(aw: Awaitable<T>, what: string): Task<T> {
  if (aw instanceof Task) return aw as Task<T>;
  if (isCoroutine(aw)) return getEventLoop().createTask(aw as Coro<T>);
  if (aw !== null && typeof aw === "object" && typeof (aw as Awaitable<T>)[Symbol.iterator] === "function") {
    return getEventLoop().createTask(wrap(aw));
  }
  throw new TypeError(`${what}: expected a coroutine, a task or an awaitable, got ${describeValue(aw)}`);
}

function checkAwaitable(aw: unknown, what: string): void {
  if (aw === null || typeof aw !== "object" || typeof (aw as Awaitable<unknown>)[Symbol.iterator] !== "function") {
    const hint = typeof aw === "function" ? " (call the generator function first)" : "";
    throw new TypeError(`${what}: expected a coroutine, a task or an awaitable, got ${describeValue(aw)}${hint}`);
  }
}

/**
 * Runs `aw` and gives its result, or cancels it after `timeoutSeconds`, waits
 * for its cleanup, and throws `TimeoutError`. `null` waits forever. If the
 * waiting task is cancelled, `aw` is cancelled too.
 *
 * @example
 * ```ts
 * try { const reading = yield* waitFor(sensor.read(), 0.5); }
 * catch (e) { if (!(e instanceof TimeoutError)) throw e; }
 * ```
 */
export function waitFor<T>(aw: Awaitable<T>, timeoutSeconds: number | null): Awaitable<T> {
  checkAwaitable(aw, "waitFor(aw, timeout)");
  const ms = timeoutSeconds === null ? null : toMs(timeoutSeconds, "waitFor(aw, timeoutSeconds): timeoutSeconds", 1000);
  return waitForTask(aw, ms);
}

/**
 * `waitFor` with the timeout in milliseconds.
 *
 * @example
 * ```ts
 * const line = yield* waitForMs(reader.readLine(), 250);
 * ```
 */
export function waitForMs<T>(aw: Awaitable<T>, ms: number | null): Awaitable<T> {
  checkAwaitable(aw, "waitForMs(aw, ms)");
  return waitForTask(aw, ms === null ? null : toMs(ms, "waitForMs(aw, ms): ms", 1));
}

function* waitForTask<T>(aw: Awaitable<T>, ms: number | null): Coro<T> {
  const task = toTask(aw, "waitFor");
  if (ms === null) return yield* task;
  let timedOut = false;
  const timer = task.loop.callLater(ms, () => {
    timedOut = true;
    task.cancel();
  });
  try {
    const value = yield* task;
    // It swallowed the cancellation and returned: the deadline still passed.
    if (timedOut) throw new TimeoutError();
    return value;
  } catch (error) {
    if (timedOut && error instanceof CancelledError) throw new TimeoutError();
    throw error;
  } finally {
    timer.cancel();
  }
}
