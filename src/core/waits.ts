/**
 * The two waits the loop itself parks tasks on: a sleep (the task sits in the
 * timer heap) and a host promise. Each knows how to take a cancelled task out.
 */
import type { Waitable } from "./protocol.ts";
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

/** A task parked on a host promise (`yield promise`, `until`, `call`). */
export class HostWait implements Waitable {
  readonly hostWait = true;
  private settled = false;
  constructor(
    private readonly task: Task,
    private readonly controller: AbortController | null,
  ) {}
  settle(ok: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    const loop = this.task.loop;
    loop.hostWaits--;
    if (ok) loop.wake(this.task, value);
    else loop.wakeThrow(this.task, value);
  }
  cancelWait(task: Task, error: unknown): void {
    this.settled = true;
    task.loop.hostWaits--;
    this.controller?.abort(error);
    task.loop.wakeThrow(task, error);
  }
  describe(): string {
    return "promise";
  }
}
