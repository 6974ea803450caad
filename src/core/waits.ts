/**
 * The two waits the loop itself parks tasks on: a sleep (the task sits in the
 * timer heap) and a host promise. Each knows how to take a cancelled task out.
 */
import type { Waitable } from "./protocol.ts";
import { cancellation, isCancelled } from "./errors.ts";
import type { Task } from "./task.ts";

/** Takes a sleeping task out of the timer heap and throws `error` at it. */
export function cancelSleep(task: Task, error: unknown): void {
  task.loop.scheduler.unsleep(task);
  task.loop.wakeThrow(task, error);
}

/**
 * @internal @deprecated what a sleeping task waited on before parking.ts:
 * kept for code that extends it; new awaitables extend Parking and call
 * `cancelSleep` in their `cancelWait`.
 */
export class SleepWait implements Waitable {
  cancelWait(task: Task, error: unknown): void {
    cancelSleep(task, error);
  }
  describe(task: Task): string {
    return sleepUntil.describe(task);
  }
}

/** Words for a sleep until `deadline` on the loop's clock. */
export function describeSleepUntil(deadline: number): string {
  return `sleep until ${Math.round(deadline * 1000) / 1000} ms`;
}

/** What a task sleeping until an absolute time waits on, when the caller gives no wait of its own. */
export const sleepUntil: Waitable = {
  cancelWait: cancelSleep,
  describe(task: Task): string {
    return task.heapIndex >= 0 ? describeSleepUntil(task.loop.scheduler.timers.deadlineOf(task)) : "sleep until a deadline";
  },
};

/** Parks `task` until `thenable` settles; `controller` is aborted if it is cancelled. */
export function waitHost(task: Task, thenable: PromiseLike<unknown>, controller: AbortController | null): void {
  const wait = new HostWait(task, controller);
  task.park(wait);
  task.loop.deadlock.hostWaitBegins();
  try {
    thenable.then(
      (v) => wait.settle(true, v),
      (e) => wait.settle(false, e),
    );
  } catch (error) {
    wait.settle(false, error);
  }
}

/**
 * A task parked on a host promise (`yield promise`, `until`, `call`). The
 * promise's reactions keep this object alive for as long as the promise lives
 * (a shared shutdown promise may live forever), so once the wait is over it
 * lets go of the task and the AbortController: a cancelled wait leaves only
 * this small husk behind.
 */
export class HostWait implements Waitable {
  readonly hostWait = true;
  constructor(
    private task: Task | null,
    private controller: AbortController | null,
  ) {}
  settle(ok: boolean, value: unknown): void {
    const task = this.task;
    if (task === null) return; // cancelled meanwhile
    this.task = this.controller = null;
    const loop = task.loop;
    loop.deadlock.hostWaitEnds();
    if (ok) loop.wakeWith(task, value);
    else loop.wakeThrow(task, value);
  }
  cancelWait(task: Task, error: unknown): void {
    const controller = this.controller;
    this.task = this.controller = null;
    task.loop.deadlock.hostWaitEnds();
    // A fresh reason: the thrown error names the task, and the signal may outlive it.
    controller?.abort(cancellation(isCancelled(error) ? error.message || undefined : undefined));
    task.loop.wakeThrow(task, error);
  }
  describe(): string {
    return "promise";
  }
}
