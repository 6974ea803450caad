/**
 * The loop's unfinished tasks, oldest first: a list linked through the tasks
 * themselves (`livePrev`, `liveNext`), so adding and removing allocate
 * nothing. `loop.tasks()`, the deadlock report and `run()`'s shutdown read it.
 */
import { RUNNING, SLEEPING, WAITING, type Task } from "./task.ts";
import type { TaskInfo } from "./types.ts";

export class LiveTasks {
  head: Task | null = null;
  private tail: Task | null = null;
  count = 0;

  add(task: Task): void {
    task.livePrev = this.tail;
    if (this.tail) this.tail.liveNext = task;
    else this.head = task;
    this.tail = task;
    this.count++;
  }

  remove(task: Task): void {
    const { livePrev, liveNext } = task;
    if (livePrev) livePrev.liveNext = liveNext;
    else this.head = liveNext;
    if (liveNext) liveNext.livePrev = livePrev;
    else this.tail = livePrev;
    task.livePrev = task.liveNext = null;
    this.count--;
  }

  /** What `loop.tasks()` shows. */
  infos(): TaskInfo[] {
    const list: TaskInfo[] = [];
    for (let t = this.head; t; t = t.liveNext) list.push(taskInfo(t));
    return list;
  }
}

/** @internal what `loop.tasks()` shows of one unfinished task. */
export function taskInfo(t: Task): TaskInfo {
  const state = t.state === RUNNING ? "running" : t.state === SLEEPING ? "sleeping" : t.state === WAITING ? "waiting" : "ready";
  return {
    id: t.id,
    name: t.name,
    state,
    waitingOn: t.waitingOn ? t.waitingOn.describe(t) : null,
    steps: t.steps,
    busyMs: t.busyUs / 1000,
    maxStepMs: t.maxStepUs / 1000,
    lateMs: t.lateUs / 1000,
    maxLateMs: t.maxLateUs / 1000,
  };
}
