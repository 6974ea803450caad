/**
 * `callSoon` callbacks (internal): they wait in the ready queue, so they run
 * in turn with the tasks, as CPython's `call_soon` does. Done callbacks of a
 * finished task, task groups and `shield` use them.
 */
import { SOON } from "./task.ts";

export { SOON };

/** A SoonCall's `heapIndex` is SOON: the scheduler tells it from a task by that one field (see Task.heapIndex). */
export class SoonCall {
  readonly heapIndex = SOON;
  constructor(readonly fn: () => void) {}
}
