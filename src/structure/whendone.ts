/**
 * Hearing of a task's end the way a CPython future callback does: one turn
 * after the task ends (`call_soon`), or one turn after registering if it has
 * already ended. `wait` and `asCompleted` use it, so they wake their waiter
 * in the same round as CPython's do.
 */
import type { Task } from "../core/task.ts";

/**
 * @internal calls `fn(task)` one turn after `task` ends; gives the function
 * to stop it (a no-op once the call is on its way: `fn` must check that it is
 * still wanted).
 */
export function whenDone(task: Task, fn: (task: Task) => void): () => void {
  const loop = task.loop;
  if (task.done()) {
    loop.callSoon(() => fn(task));
    return () => {};
  }
  const callback = (t: Task): void => loop.callSoon(() => fn(t));
  task.addDoneCallback(callback);
  return () => void task.removeDoneCallback(callback);
}
