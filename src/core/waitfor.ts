import { type CancelledError, TimeoutError, cancellation } from "./errors.ts";
import { refuseAwaitOf } from "./notapromise.ts";
import { runningTask } from "./context.ts";
import { SLEEPING, type Task, waitKeepingCancel } from "./task.ts";
import { toTask } from "./promote.ts";
import { describeValue, isAwaitable } from "./host.ts";
import { sleepMs, toMs } from "./sleep.ts";
import type { Awaitable, Coro } from "./types.ts";

function checkAwaitable(aw: unknown, what: string): void {
  if (!isAwaitable(aw)) {
    const hint = typeof aw === "function" ? " (call the generator function first)" : "";
    throw new TypeError(`${what}: expected a coroutine, a task or an awaitable, got ${describeValue(aw)}${hint}`);
  }
}

/**
 * Runs `aw` and gives its result, or cancels it after `timeoutSeconds`, waits
 * for its cleanup, and throws `TimeoutError`. `null` (or `Infinity`) waits forever. If the
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
  const ms = timeoutSeconds === null || timeoutSeconds === Infinity ? null : toMs(timeoutSeconds, "waitFor(aw, timeoutSeconds): timeoutSeconds", 1000);
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
  return waitForTask(aw, ms === null || ms === Infinity ? null : toMs(ms, "waitForMs(aw, ms): ms", 1));
}

/**
 * The algorithm of MicroPython's `wait_for`, whose test suite is our reference:
 * a runner task awaits `aw` while the waiter sleeps for the timeout. When `aw`
 * ends first, the runner cancels the waiter's sleep and leaves it the outcome.
 * When the timeout ends first, the waiter cancels the runner (which passes the
 * cancellation on to `aw`), waits for it so `aw`'s cleanup has run, and throws
 * TimeoutError. When the waiter itself is cancelled, it cancels the runner
 * and gives up at once.
 */
function* waitForTask<T>(aw: Awaitable<T>, ms: number | null): Coro<T> {
  const waiter = runningTask("waitFor()"); // before making a task for aw: outside a task nothing must be left behind
  const task = toTask(aw, "waitFor");
  if (ms === null) return yield* task;
  if (ms <= 0) return yield* expireAtOnce(task);
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const handed: { outcome: Outcome | null } = { outcome: null };
  // The CancelledError the runner threw into the waiter: any other one came from outside.
  let runnerCancel: unknown = null;
  // Whether the waiter is still in this waitFor's sleep. Once it has left it (timed
  // out, or cancelled from outside), a runner finishing later must leave the waiter
  // alone: its next sleep (in a finally, say) is none of this waitFor's business.
  let sleeping = true;
  function* runner(): Coro<void> {
    let result: Outcome;
    try {
      result = { ok: true, value: yield* task };
    } catch (error) {
      result = { ok: false, error };
    }
    if (sleeping && waiter.state === SLEEPING) {
      // Wake the waiter from its sleep with a private CancelledError (interrupt,
      // not cancel: the waiter is not being cancelled, so its signal stays as it is).
      handed.outcome = result;
      runnerCancel = cancellation("waitFor: the work finished");
      waiter.interrupt(runnerCancel as CancelledError);
    }
  }
  const runnerTask = task.loop.createTask(runner(), { name: `waitFor(${task.name})` });
  const cancelRunner = (): void => {
    runnerTask.cancel();
    // A runner cancelled before it ever ran cannot pass the cancellation on.
    if (runnerTask.steps === 0) task.cancel();
  };
  try {
    yield* sleepMs(ms);
  } catch (error) {
    sleeping = false;
    const settled = handed.outcome;
    if (error !== runnerCancel || settled === null) {
      cancelRunner();
      throw error;
    }
    if (settled.ok) return settled.value;
    throw settled.error;
  }
  sleeping = false;
  cancelRunner();
  return yield* timeOut(runnerTask);
}

/**
 * A timeout of zero or less (or a deadline already past): as CPython, the work
 * is cancelled before it takes a step, so it consumes nothing (a queue item
 * stays queued, a lock stays free), unless it has already finished.
 */
function* expireAtOnce<T>(task: Task<T>): Coro<T> {
  if (task.done()) return task.result();
  task.cancel();
  return yield* timeOut(task);
}

/**
 * Waits for the cancelled `task` to end (its cleanup runs), then throws
 * TimeoutError, even if it swallowed the cancellation (MicroPython's rule).
 */
function* timeOut(task: Task<unknown>): Coro<never> {
  try {
    yield* waitKeepingCancel(task);
  } catch (error) {
    // The task ends cancelled (or failed), and then what counts is the timeout;
    // any other error is the waiting task's own cancellation (passed on to the
    // work, whose cleanup is awaited, as in CPython), and it wins.
    if (!task.done() || error !== task.value) throw error;
  }
  throw new TimeoutError();
}

refuseAwaitOf(waitForTask, "waitFor(…)");
