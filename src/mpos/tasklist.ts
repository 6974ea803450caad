/**
 * The live tasks of one owner (TaskManager, an Activity): a task leaves the
 * list the moment it ends, so the list never outgrows what is running.
 */
import { isCancelled } from "../core/errors.ts";
import { taskInfo } from "../core/livetasks.ts";
import type { Task } from "../core/task.ts";
import type { Coro, TaskInfo } from "../core/types.ts";

/** @internal */
export class TaskList {
  private readonly live = new Set<Task>();
  private readonly forget = (task: Task): void => void this.live.delete(task);

  get size(): number {
    return this.live.size;
  }

  /** Tracks `task` until it ends. An observer, not a done callback: its error is still reported if nobody awaits it. */
  add<T>(task: Task<T>): Task<T> {
    if (task.done()) return task;
    this.live.add(task);
    task.observe(this.forget);
    return task;
  }

  has(task: Task): boolean {
    return this.live.has(task);
  }

  infos(): TaskInfo[] {
    return [...this.live].sort((a, b) => a.id - b.id).map(taskInfo);
  }

  /**
   * Cancels every live task and waits until each has ended (its `finally`
   * blocks ran). Their errors stay theirs: a task that fails during cleanup
   * is reported by the loop if nobody else awaits it.
   */
  *cancelAll(): Coro<void> {
    const tasks = [...this.live];
    for (const task of tasks) task.cancel();
    for (const task of tasks) {
      try {
        yield* task;
      } catch (error) {
        if (!isCancelled(error)) {
          task.loop.callExceptionHandler({ message: `${task} failed while it was being cancelled`, exception: error, future: task });
        }
      }
    }
  }
}
