/**
 * `timeout(seconds, body)` and `timeoutAt(when, body)`: CPython 3.11's
 * `asyncio.timeout` / `timeout_at` as a scope around a block of `yield*`
 * steps. `async with asyncio.timeout(2) as cm: …` becomes
 * `yield* timeout(2, function* (cm) { … })`.
 *
 * When the deadline comes, the task running the scope is cancelled (its
 * `CancelledError` is thrown at whatever the body waits on, and passed on to
 * a task it awaits, as any cancellation is); when that cancellation comes out
 * of the body, the scope turns it into `TimeoutError`. It tells its own
 * cancellation from anyone else's as CPython does, by the task's count of
 * cancellation requests: a cancellation asked for by someone else while the
 * scope was active (`task.cancel()`, Ctrl-C) passes through as
 * `CancelledError`, and of nested scopes only the outermost one that expired
 * turns it into `TimeoutError`.
 *
 * Unlike `task.cancel()`, an expiring scope leaves the task's `signal` alone:
 * the task goes on after the scope. Host work inside the scope should take
 * the signal `call(fn)` hands it, which aborts when the scope expires.
 */
import { refuseAwaitOf } from "../core/notapromise.ts";
import { runningTask } from "../core/context.ts";
import { RuntimeError, TimeoutError, cancellation, isCancelled, noteCancelOrigin } from "../core/errors.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { toMs } from "../core/sleep.ts";
import type { TimerCall } from "../core/soon.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro } from "../core/types.ts";

type State = "created" | "active" | "expiring" | "expired" | "finished";

/**
 * What a timeout scope's body is: a generator function taking the scope, or a coroutine.
 *
 * @example
 * ```ts
 * yield* timeout(1, function* (scope) { yield* work(); }); // a function, given the scope
 * yield* timeout(1, work());                              // or a coroutine
 * ```
 */
export type TimeoutBody<T> = ((scope: Timeout) => Coro<T>) | Coro<T>;

/**
 * The scope object of `timeout`/`timeoutAt`, handed to the body: move the
 * deadline with `reschedule`, ask whether it fired with `expired`.
 * Times are on the loop's clock, in milliseconds (`getEventLoop().time()`).
 *
 * @example
 * ```ts
 * yield* timeout(10, function* (scope) {
 *   for (;;) {
 *     const line = yield* reader.readLine();
 *     if (line.length === 0) break;
 *     scope.reschedule(getEventLoop().time() + 10_000); // 10 s more after each line
 *   }
 * });
 * ```
 */
export class Timeout {
  private state: State = "created";
  private task: Task | null = null;
  private handle: TimerCall | null = null;
  /** The task's count of cancellation requests when the scope was entered. */
  private cancellingAtEntry = 0;

  /** @internal made by `timeout`/`timeoutAt` */
  constructor(
    private deadline: number | null,
    /** How the deadline was given, for toString: seconds from entry, or an absolute time. */
    private readonly relative: boolean,
  ) {}

  /** The deadline, in milliseconds on the loop's clock; `null` for none. */
  when(): number | null {
    return this.deadline;
  }

  /**
   * Moves the deadline to `when` (milliseconds on the loop's clock, as
   * `getEventLoop().time()` gives; `null` for none). A time already past
   * expires the scope at the task's next suspension. Only while the scope is
   * active (not before, not once it has expired or finished): else
   * `RuntimeError`, as in CPython.
   */
  reschedule(when: number | null): void {
    if (when !== null && (typeof when !== "number" || Number.isNaN(when))) {
      throw new TypeError(
        `Timeout.reschedule(when): when must be a time in milliseconds on the loop's clock (getEventLoop().time() + ms) or null, got ${describeValue(when)}`,
      );
    }
    if (this.state !== "active") {
      if (this.state === "created") throw new RuntimeError("Timeout has not been entered: reschedule() works inside the scope's body");
      throw new RuntimeError(`Cannot change state of ${this.state} Timeout`);
    }
    this.deadline = when === Infinity ? null : when;
    this.arm();
  }

  /** Whether the deadline came while the scope was active. */
  expired(): boolean {
    return this.state === "expiring" || this.state === "expired";
  }

  /** How CPython prints the scope: `<Timeout [active] when=…>`. */
  toString(): string {
    const when = this.state === "active" ? ` when=${this.deadline === null ? "None" : Math.round(this.deadline * 1000) / 1000}` : "";
    return `<Timeout [${this.state}]${when}>`;
  }

  /** @internal the body starts: arm the deadline. */
  enter(task: Task): void {
    if (this.state !== "created") throw new RuntimeError("Timeout has already been entered: each timeout()/timeoutAt() call makes one scope");
    this.state = "active";
    this.task = task;
    this.cancellingAtEntry = task.cancelling();
    if (this.relative && this.deadline !== null) this.deadline += task.loop.time();
    this.arm();
  }

  /**
   * @internal the body has ended (`threw`: with `error`). Throws
   * TimeoutError when the body ended by this scope's own cancellation.
   */
  exit(threw: boolean, error: unknown): void {
    const task = this.task!;
    if (this.handle !== null) {
      task.loop.cancelTimer(this.handle);
      this.handle = null;
    }
    if (this.state === "expiring") {
      this.state = "expired";
      // No cancellation asked for since entry but ours: the CancelledError is ours to turn.
      if (task.uncancel() <= this.cancellingAtEntry && threw && isCancelled(error)) {
        const timedOut = new TimeoutError();
        timedOut.cause = error;
        throw timedOut;
      }
    } else if (this.state === "active") {
      this.state = "finished";
    }
  }

  private arm(): void {
    const loop = this.task!.loop;
    if (this.handle !== null) loop.cancelTimer(this.handle);
    this.handle = this.deadline === null ? null : loop.callAt(this.deadline, this.onTimeout);
  }

  private readonly onTimeout = (): void => {
    this.handle = null;
    if (this.state !== "active") return;
    const task = this.task!;
    const error = cancellation("timeout");
    noteCancelOrigin(error, task, task.waitingOn);
    task.cancelScope(error);
    this.state = "expiring";
  };
}

function deadlineArg(value: unknown, what: string, scale: number): number | null {
  if (value === null || value === Infinity) return null;
  return toMs(value, what, scale);
}

function checkBody(body: unknown, what: string): void {
  if (typeof body !== "function" && !isCoroutine(body)) {
    throw new TypeError(
      `${what}: body must be a generator function taking the scope, like function* (scope) { … }, or a coroutine, got ${describeValue(body)}`,
    );
  }
}

/**
 * Runs `body` with a deadline `seconds` from now (`null`: none, until a
 * `reschedule`). If the deadline comes first, the body is cancelled where it
 * waits, its cleanup runs, and `TimeoutError` is thrown (its `cause` is the
 * `CancelledError`); a cancellation from anyone else passes through. Gives
 * the body's result. CPython's `async with asyncio.timeout(seconds)`.
 *
 * @example
 * ```ts
 * try {
 *   yield* timeout(2, function* () {
 *     yield* connect();
 *     yield* handshake();
 *   });
 * } catch (e) {
 *   if (!(e instanceof TimeoutError)) throw e;
 *   console.log("no answer within 2 s");
 * }
 * ```
 */
export function timeout<T>(seconds: number | null, body: TimeoutBody<T>): Awaitable<T> {
  const ms = deadlineArg(seconds, "timeout(seconds, body): seconds", 1000);
  checkBody(body, "timeout(seconds, body)");
  return runScope(new Timeout(ms, true), body);
}

/**
 * `timeout` with an absolute deadline: `when` is a time on the loop's clock,
 * in milliseconds (`getEventLoop().time() + 500`), or `null` for none.
 * CPython's `asyncio.timeout_at`.
 *
 * @example
 * ```ts
 * const deadline = getEventLoop().time() + 5_000; // one deadline for several steps
 * yield* timeoutAt(deadline, function* () { yield* connect(); });
 * yield* timeoutAt(deadline, function* () { yield* login(); });
 * ```
 */
export function timeoutAt<T>(when: number | null, body: TimeoutBody<T>): Awaitable<T> {
  const ms = deadlineArg(when, "timeoutAt(when, body): when (milliseconds on the loop's clock)", 1);
  checkBody(body, "timeoutAt(when, body)");
  return runScope(new Timeout(ms, false), body);
}

function* runScope<T>(scope: Timeout, body: TimeoutBody<T>): Coro<T> {
  scope.enter(runningTask("timeout()"));
  let result: T;
  try {
    const coro = typeof body === "function" ? body(scope) : body;
    if (!isCoroutine(coro)) {
      throw new TypeError(`timeout(): body must be a generator function (function*), but it returned ${describeValue(coro)}`);
    }
    result = yield* coro;
  } catch (error) {
    scope.exit(true, error);
    throw error;
  }
  scope.exit(false, undefined);
  return result;
}

refuseAwaitOf(runScope, "timeout(…)");
