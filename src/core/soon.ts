/**
 * Callbacks the loop runs itself (internal). `callSoon` callbacks wait in the
 * ready queue, so they run in turn with the tasks, as CPython's `call_soon`
 * does: done callbacks of a finished task, task groups and `shield` use them.
 * `callAt` callbacks wait in the timer heap beside the sleeping tasks and run
 * when their deadline comes, as CPython's `call_at` does: timeout scopes,
 * `wait` and `asCompleted` use them.
 */
import { SOON } from "./task.ts";
import { keepShape } from "./shapes.ts";

export { SOON };

/** A SoonCall's `heapIndex` is SOON: the scheduler tells it from a task by that one field (see Task.heapIndex). */
export class SoonCall {
  readonly heapIndex = SOON;
  constructor(readonly fn: () => void) {}
}

/** `state` of a TimerCall: the timer heap tells it from a sleeping task (states 0-4) by this one field. */
export const TIMER_CALL = -1;

/** A callback in the timer heap (a TimerEntry); `loop.cancelTimer` takes it out. */
export class TimerCall {
  readonly state = TIMER_CALL;
  /** Its slot in the timer heap, -1 when not in it. */
  heapIndex = -1;
  /** Set by cancelTimer: a call already handed to callSoon must not run either. */
  cancelled = false;
  constructor(readonly fn: () => void) {}
}

// See shapes.ts.
keepShape(new SoonCall(() => {}));
keepShape(new TimerCall(() => {}));
