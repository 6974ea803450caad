/** Checking `LoopOptions`, and the default slow-step report. */
import { checkCallback, describeValue, report } from "./host.ts";
import type { LoopOptions, SlowStepInfo } from "./types.ts";

export function defaultSlowStep(info: SlowStepInfo): void {
  report("error", `taskloop: slow step: ${info.task} ran ${info.durationMs.toFixed(1)} ms without yielding`);
}

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
