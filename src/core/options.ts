/** Checking `LoopOptions` and `createTask`'s arguments. */
import { checkCallback, describeValue, functionKind, isCoroutine, isThenable } from "./host.ts";
import { isAbortSignal } from "./outsidesignal.ts";
import type { LoopOptions, TaskOptions } from "./types.ts";

export function checkLoopOptions(options: LoopOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`LoopOptions must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== "clock" && key !== "slowStepMs" && key !== "onSlowStep" && key !== "timerPrecision" && key !== "debug") {
      throw new TypeError(`LoopOptions: unknown option ${JSON.stringify(key)}; the options are clock, slowStepMs, onSlowStep, timerPrecision and debug`);
    }
  }
  const { clock, slowStepMs, onSlowStep, timerPrecision, debug } = options;
  if (debug !== undefined && typeof debug !== "boolean") throw new TypeError(`LoopOptions.debug must be a boolean, got ${describeValue(debug)}`);
  if (clock !== undefined && clock !== "real" && clock !== "virtual") {
    throw new TypeError(`LoopOptions.clock must be "real" or "virtual", got ${describeValue(clock)}`);
  }
  if (slowStepMs !== undefined && !(typeof slowStepMs === "number" && slowStepMs >= 0)) {
    throw new RangeError(`LoopOptions.slowStepMs must be a number of milliseconds >= 0, got ${describeValue(slowStepMs)}`);
  }
  if (timerPrecision !== undefined && timerPrecision !== "efficient" && timerPrecision !== "precise") {
    throw new TypeError(`LoopOptions.timerPrecision must be "efficient" or "precise", got ${describeValue(timerPrecision)}`);
  }
  if (onSlowStep !== undefined) checkCallback(onSlowStep, "LoopOptions.onSlowStep", "called with { task, durationMs }");
}

/** `createTask(coro, options)`: a generator object, and options like `{ name: "worker", signal }`. */
export function checkCreateTask(coro: unknown, options: TaskOptions | undefined): void {
  if (!isCoroutine(coro)) {
    throw new TypeError(`coroutine expected: createTask(coro) takes a generator object, got ${describeValue(coro)}${createTaskHint(coro)}`);
  }
  // Only a call with options pays for looking at them: the hot path is createTask(coro).
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`createTask(coro, options): options must be an object like { name: "worker" }, got ${describeValue(options)}`);
  }
  const name = options.name;
  if (name !== undefined && typeof name !== "string") throw new TypeError(`createTask: options.name must be a string, got ${describeValue(name)}`);
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`createTask: options.signal must be an AbortSignal (from new AbortController().signal), got ${describeValue(signal)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== "name" && key !== "signal")
      throw new TypeError(`createTask(coro, options): unknown option ${JSON.stringify(key)}; the options are name and signal`);
  }
}

/** What to write instead, for the usual wrong arguments of createTask. */
function createTaskHint(coro: unknown): string {
  if (typeof coro === "function") {
    const name = coro.name || "main";
    const kind = functionKind(coro);
    if (kind === "generator function") {
      return `: call it, createTask(${name}()), not createTask(${name}) (run() takes either; a task needs the coroutine itself, so that its arguments are given)`;
    }
    if (kind === "async function")
      return `: a task runs a generator function (function* ${name}() { … }); for async work inside a task use \`yield* until(${name}())\``;
    return "";
  }
  if (isThenable(coro)) {
    return ": a promise is not a coroutine; inside a task wait for it with `yield* until(promise)`, or `yield* call((signal) => fetch(url, { signal }))` so that cancelling the task aborts it";
  }
  return "";
}
