/**
 * A FIFO of parked tasks, linked through the tasks themselves (`qPrev`,
 * `qNext`): a task waits on one thing at a time, so it needs one pair of
 * links, and a cancelled waiter leaves the middle of the queue in O(1)
 * without any allocation. Event, Lock and the other primitives build on it.
 */
import type { Task } from "./task.ts";
import type { Waitable } from "./protocol.ts";
import { taskLabel } from "./deadlock.ts";
import { RuntimeError } from "./errors.ts";

export class WaitQueue implements Waitable {
  head: Task | null = null;
  tail: Task | null = null;
  length = 0;

  /** @param label how the wait is named in `loop.tasks()` ("Event", "Lock", …) */
  constructor(readonly label: string) {}

  /**
   * Parks `task` at the back of the queue. Its waiters must all belong to one
   * loop: a task of another loop parked beside them could only be woken by
   * code that loop's deadlock detection cannot see (CPython refuses it too).
   * An empty queue takes waiters from any loop, so a primitive outlives a run.
   */
  park(task: Task): void {
    const head = this.head;
    if (head !== null && head.loop !== task.loop) {
      throw new RuntimeError(
        `${this.label} is bound to a different event loop: its waiters belong to loop ${head.loop.id}, and ${task} runs on loop ${task.loop.id}; make one ${this.label} per loop`,
      );
    }
    task.qPrev = this.tail;
    task.qNext = null;
    if (this.tail) this.tail.qNext = task;
    else this.head = task;
    this.tail = task;
    this.length++;
    task.park(this);
  }

  /** Takes the longest waiter out, or null. */
  shift(): Task | null {
    const task = this.head;
    if (task) this.remove(task);
    return task;
  }

  remove(task: Task): void {
    const { qPrev, qNext } = task;
    if (qPrev) qPrev.qNext = qNext;
    else this.head = qNext;
    if (qNext) qNext.qPrev = qPrev;
    else this.tail = qPrev;
    task.qPrev = task.qNext = null;
    this.length--;
  }

  /** Wakes every waiter, oldest first, with a normal resume. */
  wakeAll(): void {
    for (let task = this.shift(); task; task = this.shift()) task.loop.wake(task);
  }

  cancelWait(task: Task, error: unknown): void {
    this.remove(task);
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return this.label;
  }

  /** Who holds what the queue waits for (a Lock's owner), for the deadlock report. */
  holders: (() => readonly Task[]) | null = null;

  detail(): string {
    const holders = this.holders?.() ?? [];
    return holders.length === 0 ? "" : ` held by ${holders.map(taskLabel).join(", ")}`;
  }
}
