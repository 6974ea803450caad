/**
 * The event loop's public face. The work is done by its parts, one file each:
 *
 * - scheduler.ts: the ready queue, the rounds, one step (the hot loop);
 * - steptiming.ts: step timing for inspection, and the slow-step report;
 * - pacing.ts: run slices, giving way to the host, the host timer;
 * - lifecycle.ts: running and stopping, as one state;
 * - deadlock.ts: deadlock detection and its report;
 * - unhandled.ts: the exception handler, the unretrieved-error report;
 * - livetasks.ts: the unfinished tasks, for `tasks()`;
 * - clock.ts: real or virtual time.
 */
import { RESUME } from "./protocol.ts";
import { Task } from "./task.ts";
import { checkCallback, realNow } from "./host.ts";
import { Clock } from "./clock.ts";
import { Scheduler } from "./scheduler.ts";
import { StepTiming, defaultSlowStep } from "./steptiming.ts";
import { HostPacing } from "./pacing.ts";
import { Lifecycle } from "./lifecycle.ts";
import { DeadlockWatch } from "./deadlock.ts";
import { Unhandled, printException } from "./unhandled.ts";
import { LiveTasks } from "./livetasks.ts";
import { checkCreateTask, checkLoopOptions } from "./options.ts";
import { nativeCoroutine } from "./coroutine.ts";
import { RuntimeError } from "./errors.ts";
import { sleepUntil, waitHost } from "./waits.ts";
import { linkSignal } from "./outsidesignal.ts";
import { TimerCall } from "./soon.ts";
import type { Waitable } from "./protocol.ts";
import type { Awaitable, Coro, ExceptionContext, ExceptionHandler, LoopOptions, TaskInfo, TaskOptions } from "./types.ts";

let nextLoopId = 1;

/**
 * An event loop. Most programs never touch it: `run(main())` uses the default
 * loop. Use it for `runForever`/`stop`, the exception handler, the clock and
 * inspection.
 *
 * @example
 * ```ts
 * const loop = getEventLoop();
 * loop.createTask(blink());
 * await loop.runUntilComplete(main());
 * ```
 */
export class Loop {
  /** A number that tells loops apart in messages. */
  readonly id = nextLoopId++;
  /** @internal */ readonly clock: Clock;
  /** @internal */ readonly scheduler: Scheduler;
  /** @internal */ readonly timing: StepTiming;
  /** @internal */ readonly pacing: HostPacing;
  /** @internal */ readonly lifecycle: Lifecycle;
  /** @internal */ readonly deadlock: DeadlockWatch;
  /** @internal */ readonly errors: Unhandled;
  /** @internal */ readonly live = new LiveTasks();
  private nextTaskId = 1;
  /** @internal debug mode (LoopOptions.debug; see debug.ts) */
  readonly debug: boolean;

  /** @internal use `newEventLoop()` or `getEventLoop()` */
  constructor(options: LoopOptions = {}) {
    checkLoopOptions(options);
    this.debug = options.debug === true;
    this.clock = new Clock(options.clock === "virtual");
    this.scheduler = new Scheduler(this);
    this.timing = new StepTiming(this, options.slowStepMs ?? Infinity, options.onSlowStep ?? defaultSlowStep);
    this.pacing = new HostPacing(this, options.timerPrecision ?? "efficient");
    this.lifecycle = new Lifecycle(this);
    this.deadlock = new DeadlockWatch(this);
    this.errors = new Unhandled(this);
  }

  /** Milliseconds on the loop's clock: virtual time, or real time since the loop was made. */
  time(): number {
    return this.clock.now();
  }

  /**
   * Schedules `coro` as a new task on this loop; it starts after the current
   * task yields. `options.signal`: an outside AbortSignal that cancels the
   * task when it aborts (its reason becomes the cancel message).
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    checkCreateTask(coro, options);
    if (this.lifecycle.state === "closed") throw new RuntimeError("createTask: the event loop is closed");
    const task = new Task<T>(this, nativeCoroutine(coro), this.nextTaskId++, options?.name);
    this.live.add(task);
    this.scheduler.add(task);
    const signal = options?.signal;
    if (signal !== undefined) linkSignal(task, signal);
    return task;
  }

  // ---- running and stopping (lifecycle.ts) ----

  /** Runs the loop until `stop()` is called. */
  runForever(): Promise<void> {
    return this.lifecycle.runForever();
  }

  /**
   * Runs the loop until `aw` finishes and returns its result. The tasks that
   * were ready when it finished take one more turn (as in CPython); the rest
   * stay where they are, for the next run.
   */
  runUntilComplete<T>(aw: Coro<T> | Task<T> | Awaitable<T>): Promise<T> {
    return this.lifecycle.runUntilComplete(aw);
  }

  /** @internal `run()`: main, then cancel whatever is left and wait for its cleanup. */
  runMain<T>(main: Coro<T>, signal?: AbortSignal): Promise<T> {
    return this.lifecycle.runMain(main, signal);
  }

  /**
   * Stops `runForever` (or `runUntilComplete`). Called from a task, the tasks
   * already ready in this round still take their turn first, as in
   * MicroPython and CPython; the rest stay queued for the next run.
   */
  stop(): void {
    this.lifecycle.stop();
  }

  /** Whether `runForever` or `runUntilComplete` is driving this loop now. */
  isRunning(): boolean {
    return this.lifecycle.running;
  }

  /** Closes the loop: it cannot run again. */
  close(): void {
    this.lifecycle.close();
  }

  // ---- errors nobody caught (unhandled.ts) ----

  /** Sets the handler for errors nobody retrieved; `null` restores the default. */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null) checkCallback(handler, "setExceptionHandler(handler): handler", "or null (called as handler(loop, context))");
    this.errors.handler = handler;
  }

  /** The handler set with `setExceptionHandler`, or `null` for the default one. */
  getExceptionHandler(): ExceptionHandler | null {
    return this.errors.handler;
  }

  /** Prints the message, the task and the error's stack to stderr. */
  defaultExceptionHandler(context: ExceptionContext): void {
    printException(context);
  }

  /** Calls the handler set with `setExceptionHandler`, or the default one. */
  callExceptionHandler(context: ExceptionContext): void {
    this.errors.call(context);
  }

  // ---- inspection (livetasks.ts) ----

  /** The unfinished tasks, oldest first, with what each is doing. */
  tasks(): TaskInfo[] {
    return this.live.infos();
  }

  // ---- what awaitables and primitives ask of the loop (internal) ----

  /** @internal makes a parked task ready; its awaitable sees the resume (`RESUME`). */
  wake(task: Task): void {
    this.scheduler.wakeWith(task, RESUME);
  }

  /**
   * @internal makes a parked task ready; `value` is what its `yield` evaluates
   * to. No default parameter: a promise resolved with `undefined` must give
   * `undefined`, not the resume marker.
   */
  wakeWith(task: Task, value: unknown): void {
    this.scheduler.wakeWith(task, value);
  }

  /** @internal makes a parked task ready to have `error` (any value, `undefined` too) thrown at its suspension point. */
  wakeThrow(task: Task, error: unknown): void {
    this.scheduler.wakeThrow(task, error);
  }

  /**
   * @internal wakes `task` once the current step has ended, as MicroPython's
   * I/O poll does for a ThreadSafeFlag: a task that sets the flag and then
   * yields runs again before the task it woke.
   */
  wakeSoon(task: Task): void {
    this.scheduler.wakeSoon(task);
  }

  /** @internal calls `fn` from the loop, after the tasks that are ready now (FIFO, as CPython's `call_soon`). */
  callSoon(fn: () => void): void {
    this.scheduler.callSoon(fn);
  }

  /**
   * @internal calls `fn` from the loop when its clock reaches `deadline` (ms),
   * in deadline order with the sleeping tasks, as CPython's `call_at`; a
   * deadline already past runs it soon (`callSoon`), as CPython's timeout
   * scope does. `cancelTimer` withdraws it.
   */
  callAt(deadline: number, fn: () => void): TimerCall {
    const call = new TimerCall(fn);
    if (deadline <= this.time()) {
      this.callSoon(() => {
        if (!call.cancelled) fn();
      });
    } else {
      this.scheduler.timers.push(call, deadline);
      this.pacing.kick(); // an idle loop re-arms its host timer for the earlier deadline
    }
    return call;
  }

  /** @internal withdraws a `callAt` callback that has not run yet. */
  cancelTimer(call: TimerCall): void {
    call.cancelled = true;
    this.scheduler.timers.remove(call);
  }

  /** @internal parks the running task in the timer heap for `ms`; `wait` describes the sleep. */
  sleepTask(task: Task, ms: number, wait: Waitable): void {
    this.scheduler.sleep(task, this.clock.now() + ms, wait);
  }

  /** @internal parks the running task in the timer heap until the absolute `deadline` (`schedule`: no drift); `wait` describes the sleep. */
  sleepTaskUntil(task: Task, deadline: number, wait: Waitable = sleepUntil): void {
    this.scheduler.sleep(task, deadline, wait);
  }

  /** @internal parks `task` until `thenable` settles; `controller` is aborted if it is cancelled. */
  waitHost(task: Task, thenable: PromiseLike<unknown>, controller: AbortController | null): void {
    waitHost(task, thenable, controller);
  }

  /**
   * A simulated blocking call (a sensor's bit-banged read) that holds the loop
   * for `ms`. On the real clock it spins for that long; on the virtual clock
   * the clock moves on by `ms` instead, and the step is charged `ms`, so other
   * tasks see themselves woken late and the slow-step report fires, as on the
   * device, without burning real time. Use it to test how a program copes with
   * a step that blocks.
   *
   * @example
   * ```ts
   * getEventLoop().blockFor(150); // this step holds the loop 150 ms
   * ```
   */
  blockFor(ms: number): void {
    if (!this.clock.virtual) {
      const end = realNow() + ms;
      while (realNow() < end) {
        // The real device holds the CPU too.
      }
      return;
    }
    this.clock.advance(ms);
    this.timing.blocked(ms);
  }

  // ---- forwarding for code written before the loop was split (internal) ----

  /** @internal @deprecated use `loop.scheduler.ready` */
  get ready(): Scheduler["ready"] {
    return this.scheduler.ready;
  }

  /** @internal @deprecated ask `loop.deadlock` (hostWaitBegins, hostWaitEnds) */
  get hostWaits(): number {
    return this.deadlock.hostWaits;
  }
  /** @internal */
  set hostWaits(count: number) {
    this.deadlock.hostWaits = count;
  }

  /** @internal @deprecated use `loop.scheduler.timers`, or `loop.scheduler.unsleep(task)` to cancel a sleep */
  get timers(): Scheduler["timers"] {
    return this.scheduler.timers;
  }
}
