/**
 * The two waits the loop itself parks tasks on: a sleep (the task sits in the
 * timer heap) and a host promise. Each knows how to take a cancelled task out.
 */
import type { Waitable } from "./protocol.ts";
import { cancellation, isCancelled } from "./errors.ts";
import type { Task } from "./task.ts";

/**
 * What a sleeping task waits on: cancelling a sleep takes the task out of the
 * heap. `sleep()` objects extend it to describe themselves ("sleep 500 ms").
 */
export class SleepWait implements Waitable {
  cancelWait(task: Task, error: unknown): void {
    task.loop.timers.remove(task);
    task.loop.wakeThrow(task, error);
  }
  describe(task: Task): string {
    return `sleep until ${Math.round(task.deadline * 1000) / 1000} ms`;
  }
}
export const sleepUntil = new SleepWait();

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
    loop.hostWaits--;
    if (ok) loop.wakeWith(task, value);
    else loop.wakeThrow(task, value);
  }
  cancelWait(task: Task, error: unknown): void {
    const controller = this.controller;
    this.task = this.controller = null;
    task.loop.hostWaits--;
    // A fresh reason: the thrown error names the task, and the signal may outlive it.
    controller?.abort(cancellation(isCancelled(error) ? error.message || undefined : undefined));
    task.loop.wakeThrow(task, error);
  }
  describe(): string {
    return "promise";
  }
}
