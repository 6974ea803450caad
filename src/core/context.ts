/**
 * Which loop is stepping which task right now. Module-level on purpose: the
 * awaitables (`sleep`, `Event.wait`, …) are shared objects and find the task
 * they park here, as MicroPython's `cur_task` does.
 */
import type { Task } from "./task.ts";
import type { Loop } from "./loop.ts";
import { RuntimeError } from "./errors.ts";

export const context: { loop: Loop | null; task: Task | null } = { loop: null, task: null };

export function currentTaskOrNull(): Task | null {
  return context.task;
}

/** The running task, for awaitables that must park it. */
export function runningTask(what: string): Task {
  const task = context.task;
  if (!task) throw new RuntimeError(`no running event loop: ${what} must be awaited inside a task (yield* it in a coroutine run by createTask or run)`);
  return task;
}
