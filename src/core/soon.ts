/**
 * `callSoon` callbacks (internal): they wait in the ready queue, so they run
 * in turn with the tasks, as CPython's `call_soon` does. Done callbacks of a
 * finished task, task groups and `shield` use them.
 */

/** `heapIndex` of a SoonCall: the scheduler tells it from a task by this one field. */
export const SOON = -3;

export class SoonCall {
  readonly heapIndex = SOON;
  constructor(readonly fn: () => void) {}
}
