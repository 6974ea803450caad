/**
 * A loop's run/stop lifecycle, as one explicit state:
 *
 * - `idle`: nothing drives the loop; tasks stay where they are.
 * - `running`: `runForever`/`runUntilComplete` drive it, slice after slice.
 * - `stop-at-round-end`: `stop()` was called during a slice; the tasks ready in
 *   this round still take their turn (as in MicroPython and CPython), then it
 *   stops.
 * - `stopping`: it stops right after the current step (the deadlock report
 *   gave up on the cleanup); the scheduler checks this after every step.
 * - `closed`: `close()` was called; it can never run again.
 *
 * `runUntilComplete` and `run()`'s shutdown are built on that here too.
 */
import { RuntimeError, isCancelled } from "./errors.ts";
import { isDeadlockReport } from "./deadlock.ts";
import { Task } from "./task.ts";
import { checkHost, describeValue, isAwaitable, isCoroutine } from "./host.ts";
import { wrap } from "./promote.ts";
import type { Loop } from "./loop.ts";
import type { Awaitable, Coro } from "./types.ts";

export type LoopState = "idle" | "running" | "stop-at-round-end" | "stopping" | "closed";

export class Lifecycle {
  state: LoopState = "idle";
  /** Resolves the promise of the current drive. */
  private finishDrive: (() => void) | null = null;

  constructor(private readonly loop: Loop) {}

  /** Whether `runForever` or `runUntilComplete` is driving the loop. */
  get running(): boolean {
    const state = this.state;
    return state === "running" || state === "stop-at-round-end" || state === "stopping";
  }

  /** Drives the loop until it stops; the promise resolves then. */
  drive(): Promise<void> {
    if (this.state === "closed") return Promise.reject(new RuntimeError("the event loop is closed"));
    if (this.running) return Promise.reject(new RuntimeError("this event loop is already running"));
    // A missing host hook must be this error, not a ReferenceError lost in a microtask (a hang).
    const missing = checkHost(!this.loop.clock.virtual);
    if (missing !== null) return Promise.reject(new RuntimeError(missing));
    this.state = "running";
    this.loop.deadlock.forget();
    return new Promise<void>((resolve) => {
      this.finishDrive = resolve;
      this.loop.pacing.schedule(false);
    });
  }

  /** The drive is over: the loop is idle again. */
  end(): void {
    this.state = "idle";
    this.loop.pacing.clearHostTimer();
    const finish = this.finishDrive;
    this.finishDrive = null;
    finish?.();
  }

  /** `loop.stop()`: at the end of the current round inside a slice, at once outside one. */
  stop(): void {
    if (!this.running) return;
    if (!this.loop.pacing.inSlice) this.end();
    else if (this.state === "running") this.state = "stop-at-round-end";
  }

  /** Stops right after the current step. */
  stopNow(): void {
    if (!this.running) return;
    this.state = "stopping";
    if (!this.loop.pacing.inSlice) this.end();
  }

  /** Between two rounds: whether the loop stops here (a stop asked for during the round takes effect). */
  stopsAtRoundEnd(): boolean {
    if (this.state === "stop-at-round-end") this.state = "stopping";
    return this.state === "stopping";
  }

  close(): void {
    if (this.running) throw new RuntimeError("cannot close a running event loop");
    this.state = "closed";
  }

  /** Whether `run()`/`runUntilComplete()` was called while this loop drives tasks: that would wreck the outer run. */
  checkNotRunning(what: string): void {
    if (this.running) {
      throw new RuntimeError(`${what} cannot be called while the event loop is running: inside a task, use \`yield* task\` or \`yield* main()\` instead`);
    }
  }

  /** See Loop.runForever. */
  async runForever(): Promise<void> {
    await this.drive();
    this.loop.deadlock.throwIfFound();
  }

  /** See Loop.runUntilComplete. */
  async runUntilComplete<T>(aw: Coro<T> | Task<T> | Awaitable<T>): Promise<T> {
    const loop = this.loop;
    this.checkNotRunning("runUntilComplete()");
    if (!(aw instanceof Task) && !isAwaitable(aw)) {
      throw new TypeError(`runUntilComplete(aw): expected a coroutine, a task or an awaitable, got ${describeValue(aw)}`);
    }
    const task = aw instanceof Task ? (aw as Task<T>) : loop.createTask(isCoroutine(aw) ? (aw as Coro<T>) : wrap(aw));
    if (task.loop !== loop) throw new RuntimeError(`${task} belongs to another event loop`);
    task.retrieved = true;
    if (!task.done()) {
      // As CPython's run_until_complete: the stop is itself a callback, queued behind the
      // tasks ready now, and then the round it lands in is finished.
      const stop = (): void => loop.callSoon(() => loop.stop());
      task.addDoneCallback(stop);
      try {
        await this.drive();
      } finally {
        task.removeDoneCallback(stop);
      }
      if (!task.done()) {
        loop.deadlock.throwIfFound();
        throw new RuntimeError("the event loop stopped before the task completed");
      }
    }
    loop.deadlock.throwIfFound();
    return task.result();
  }

  /** `run()`: main, then cancel whatever is left and wait for its cleanup. */
  async runMain<T>(main: Coro<T>, signal?: AbortSignal): Promise<T> {
    this.checkNotRunning("run()");
    const task = this.loop.createTask(main, signal === undefined ? { name: "main" } : { name: "main", signal });
    try {
      return await this.runUntilComplete(task);
    } finally {
      await this.shutdown();
    }
  }

  private async shutdown(): Promise<void> {
    const loop = this.loop;
    if (loop.live.count === 0) return;
    const leftover: Task[] = [];
    for (let t = loop.live.head; t; t = t.liveNext) {
      t.retrieved = true; // the shutdown task awaits it and reports its error
      leftover.push(t);
    }
    for (const t of leftover) t.cancel();
    function* waitAll(): Coro<void> {
      for (const t of leftover) {
        try {
          yield* t;
        } catch (error) {
          if (!isCancelled(error)) {
            loop.callExceptionHandler({ message: "unhandled exception during run() shutdown", exception: error, future: t });
          }
        }
      }
    }
    const waiter = loop.createTask(waitAll(), { name: "shutdown" });
    await this.runUntilComplete(waiter).catch((error: unknown) => {
      // Cleanup that can never end is the program's bug: run() rejects with the report.
      // (A loop.stop() from some cleanup just ends the shutdown early.)
      if (isDeadlockReport(error)) throw error;
    });
  }
}
