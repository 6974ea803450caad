/** Checking `LoopOptions` and `createTask`'s arguments. */
import { checkCallback, describeValue, isCoroutine } from "./host.ts";
import { isAbortSignal } from "./outsidesignal.ts";
import type { LoopOptions, TaskOptions } from "./types.ts";

export function checkLoopOptions(options: LoopOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`LoopOptions must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== "clock" && key !== "slowStepMs" && key !== "onSlowStep" && key !== "timerPrecision") {
      throw new TypeError(`LoopOptions: unknown option ${JSON.stringify(key)}; the options are clock, slowStepMs, onSlowStep and timerPrecision`);
    }
  }
  const { clock, slowStepMs, onSlowStep, timerPrecision } = options;
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
    const hint = typeof coro === "function" ? " (call the generator function: createTask(main()), not createTask(main))" : "";
    throw new TypeError(`coroutine expected: createTask(coro) takes a generator object, got ${describeValue(coro)}${hint}`);
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
