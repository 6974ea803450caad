/**
 * A callback on the loop's clock (internal): what `waitFor` uses for its
 * deadline and `schedule` for its ticks. Sleeping tasks do not need one: a
 * task is its own timer entry.
 */
import type { TimerEntry } from "./timerheap.ts";

export class Timer implements TimerEntry {
  deadline = 0;
  seq = 0;
  heapIndex = -1;
  constructor(
    readonly fire: () => void,
    private readonly unlink: (timer: Timer) => void,
  ) {}

  /** Stops the timer if it has not fired; harmless afterwards. */
  cancel(): void {
    this.unlink(this);
  }
}
