/**
 * Callbacks the loop runs (internal). A `Timer` waits in the timer heap: what
 * `waitFor` uses for its deadline and `schedule` for its ticks (sleeping tasks
 * need none: a task is its own timer entry). A `SoonCall` waits in the ready
 * queue, so it runs in turn with the tasks, as CPython's `call_soon` does.
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

/** `heapIndex` of a SoonCall: the scheduler tells it from a task by this one field. */
export const SOON = -3;

export class SoonCall {
  readonly heapIndex = SOON;
  constructor(readonly fn: () => void) {}
}
