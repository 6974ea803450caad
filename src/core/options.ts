/** Checking `LoopOptions`, and the default slow-step report. */
import { describeValue } from "./host.ts";
import type { LoopOptions, SlowStepInfo } from "./types.ts";

export function defaultSlowStep(info: SlowStepInfo): void {
  console.error(`taskloop: slow step: ${info.task} ran ${info.durationMs.toFixed(1)} ms without yielding`);
}

export function checkLoopOptions(options: LoopOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`LoopOptions must be an object, got ${describeValue(options)}`);
  const { clock, slowStepMs, onSlowStep } = options;
  if (clock !== undefined && clock !== "real" && clock !== "virtual") {
    throw new TypeError(`LoopOptions.clock must be "real" or "virtual", got ${describeValue(clock)}`);
  }
  if (slowStepMs !== undefined && !(typeof slowStepMs === "number" && slowStepMs >= 0)) {
    throw new RangeError(`LoopOptions.slowStepMs must be a number of milliseconds >= 0, got ${describeValue(slowStepMs)}`);
  }
  if (onSlowStep !== undefined && typeof onSlowStep !== "function") {
    throw new TypeError(`LoopOptions.onSlowStep must be a function, got ${describeValue(onSlowStep)}`);
  }
}
