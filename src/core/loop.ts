/**
 * The event loop: a ready queue, a timer heap and a step function.
 *
 * A run slice repeats one round after another: fire the timers that are due,
 * then step every task that was ready when the round began. When nothing is
 * ready the loop either jumps the virtual clock to the next timer, or arms one
 * host timer and returns to the host. After a few milliseconds of rounds it
 * gives way to the host (a macrotask) so host I/O keeps flowing even while
 * tasks spin on `sleep(0)`.
 */
import { CancelledError, RuntimeError, isCancelled } from "./errors.ts";
import { context } from "./context.ts";
import { PARK, RESUME, YIELD } from "./protocol.ts";
import { ReadyQueue } from "./readyqueue.ts";
import { TimerHeap } from "./timerheap.ts";
import { SOON, SoonCall, TIMER_CALL, TimerCall } from "./soon.ts";
import { isAbortSignal, linkSignal } from "./outsidesignal.ts";
import { CANCELLED, FAILED, READY, RUNNING, SLEEPING, SUCCEEDED, THROW, Task, WAITING } from "./task.ts";
import { checkCallback, checkHost, describeValue, isAwaitable, isCoroutine, isThenable, macrotask, microtask, realNow, report } from "./host.ts";
import { HostWait, SleepWait, sleepUntil } from "./waits.ts";
import { HostTimer } from "./hosttimer.ts";
import { checkLoopOptions, defaultSlowStep } from "./options.ts";
import { cleanupDeadlockError, deadlockError, isDeadlockReport } from "./deadlock.ts";
import type { Awaitable, Coro, ExceptionContext, ExceptionHandler, LoopOptions, SlowStepInfo, TaskInfo, TaskOptions } from "./types.ts";

/** How long a run slice may hold the host thread before giving way. */
const SLICE_MS = 4;
/** Step timing aims at one clock read per this much work (reading the clock costs ~60 ns). */
const TIMING_WINDOW_MS = 0.05;
const MAX_WINDOW = 1024;
/** A window of several steps that took longer than this held a long step we cannot place. */
const LONG_WINDOW_MS = 1;
/**
 * After a window longer than this (a blocking step, more than a GC pause) every
 * step is timed alone for EXACT_FOR_MS, so that the next long step is placed.
 */
const EXACT_AFTER_MS = 5;
const EXACT_FOR_MS = 5_000;
/**
 * The first steps of every slice are timed alone: a loop that wakes for a few
 * steps at a time (most device programs) is timed exactly, while a busy one
 * pays a handful of clock reads per 4 ms slice.
 */
const EXACT_STEPS_PER_SLICE = 16;
/** `heapIndex` of a task its timer has woken and that has not run since (its lateness is still to be measured). */
const TIMER_WOKEN = -2;

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
  readonly id = nextLoopId++;
  /** @internal */ readonly ready = new ReadyQueue<Task | SoonCall>();
  /** @internal the sleeping tasks (each task is its own timer entry), and `callAt` callbacks */ readonly timers = new TimerHeap<Task | TimerCall>();
  /** @internal tasks parked on a host promise: virtual time stands still for them */ hostWaits = 0;
  /** @internal tasks parked on a ThreadSafeFlag: only the host can wake them, so no deadlock */ flagWaits = 0;
  private readonly virtual: boolean;
  private virtualNow = 0;
  private readonly origin = realNow();
  private nextTaskId = 1;
  private liveHead: Task | null = null;
  private liveTail: Task | null = null;
  private liveCount = 0;
  private exceptionHandler: ExceptionHandler | null = null;
  private readonly slowStepMs: number;
  private readonly onSlowStep: (info: SlowStepInfo) => void;
  private closed = false;
  // Host scheduling: `active` while runForever/runUntilComplete drive the loop.
  private active = false;
  private stopping = false;
  /** Set when something must be handled right after the current step (stop, a deferred wake): one check per step. */
  private interrupted = false;
  /** Failed tasks nobody awaited yet; reported at the end of the round unless retrieved by then. */
  private readonly unretrieved: Task[] = [];
  private inSlice = false;
  private slicePending = false;
  private hostTimer: ReturnType<typeof setTimeout> | null = null;
  private budgetStart = 0;
  private lastSliceEnd = -Infinity;
  private finishDrive: (() => void) | null = null;
  private deadlockSuspected = false;
  private deadlockError: RuntimeError | null = null;
  /** `stop()` was called during a slice: stop once the current round is over. */
  private stopAtRoundEnd = false;
  /** How many entries of the current round are still to run (a slice ended in its middle). */
  private roundLeft = 0;
  /** Steps per clock read (see chargeWindow). */
  private window = 1;
  /** Until this real time every step is timed alone (see chargeWindow). */
  private exactUntil = -Infinity;
  /** Virtual milliseconds `blockFor` added to the steps not yet charged (see chargeWindow). */
  private blockedMs = 0;

  /** Arms the host timer a real-clock loop waits on (see hosttimer.ts). */
  private readonly waitTimer: HostTimer;

  /** @internal use `newEventLoop()` or `getEventLoop()` */
  constructor(options: LoopOptions = {}) {
    checkLoopOptions(options);
    this.virtual = options.clock === "virtual";
    this.slowStepMs = options.slowStepMs ?? Infinity;
    this.onSlowStep = options.onSlowStep ?? defaultSlowStep;
    this.waitTimer = new HostTimer(options.timerPrecision ?? "efficient", this.runFromHost);
  }

  /** Milliseconds on the loop's clock: virtual time, or real time since the loop was made. */
  time(): number {
    return this.virtual ? this.virtualNow : realNow() - this.origin;
  }

  /**
   * Schedules `coro` as a new task on this loop; it starts after the current
   * task yields. `options.signal`: an outside AbortSignal that cancels the
   * task when it aborts (its reason becomes the cancel message).
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    if (!isCoroutine(coro)) {
      const hint = typeof coro === "function" ? " (call the generator function: createTask(main()), not createTask(main))" : "";
      throw new TypeError(`coroutine expected: createTask(coro) takes a generator object, got ${describeValue(coro)}${hint}`);
    }
    let name: string | undefined;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      // Only a call with options pays for looking at them: the hot path is createTask(coro).
      if (typeof options !== "object" || options === null) {
        throw new TypeError(`createTask(coro, options): options must be an object like { name: "worker" }, got ${describeValue(options)}`);
      }
      name = options.name;
      if (name !== undefined && typeof name !== "string") throw new TypeError(`createTask: options.name must be a string, got ${describeValue(name)}`);
      signal = options.signal;
      if (signal !== undefined && !isAbortSignal(signal)) {
        throw new TypeError(`createTask: options.signal must be an AbortSignal (from new AbortController().signal), got ${describeValue(signal)}`);
      }
      for (const key of Object.keys(options)) {
        if (key !== "name" && key !== "signal") throw new TypeError(`createTask(coro, options): unknown option ${JSON.stringify(key)}; the options are name and signal`);
      }
    }
    if (this.closed) throw new RuntimeError("createTask: the event loop is closed");
    const task = new Task<T>(this, coro, this.nextTaskId++, name);
    task.livePrev = this.liveTail;
    if (this.liveTail) this.liveTail.liveNext = task;
    else this.liveHead = task;
    this.liveTail = task;
    this.liveCount++;
    this.ready.push(task);
    this.kick();
    if (signal !== undefined) linkSignal(task, signal);
    return task;
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
      this.timers.push(call, deadline);
      if (!this.inSlice) this.kick(); // an idle loop re-arms its host timer for the earlier deadline
    }
    return call;
  }

  /** @internal withdraws a `callAt` callback that has not run yet. */
  cancelTimer(call: TimerCall): void {
    call.cancelled = true;
    this.timers.remove(call);
  }

  // ---- waking tasks (called by awaitables and primitives) ----

  /** @internal makes a parked task ready; its awaitable sees the resume (`RESUME`). */
  wake(task: Task): void {
    this.wakeWith(task, RESUME);
  }

  /**
   * @internal makes a parked task ready; `value` is what its `yield` evaluates
   * to. No default parameter: a promise resolved with `undefined` must give
   * `undefined`, not the resume marker.
   */
  wakeWith(task: Task, value: unknown): void {
    task.state = READY;
    task.waitingOn = null;
    task.data = value;
    task.flags &= ~THROW;
    this.ready.push(task);
    if (!this.inSlice) this.kick();
  }

  /** @internal makes a parked task ready to have `error` (any value, `undefined` too) thrown at its suspension point. */
  wakeThrow(task: Task, error: unknown): void {
    this.wakeWith(task, error);
    task.flags |= THROW;
  }

  /** Tasks woken by a ThreadSafeFlag during the current step; see `wakeSoon`. */
  private readonly afterStep: Task[] = [];

  /**
   * @internal wakes `task` once the current step has ended, as MicroPython's
   * I/O poll does for a ThreadSafeFlag: a task that sets the flag and then
   * yields runs again before the task it woke.
   */
  wakeSoon(task: Task): void {
    if (!(this.inSlice && context.task !== null)) {
      this.wake(task);
      return;
    }
    // Ready from now on (a cancel() meanwhile turns the resume into a throw); queued after the step.
    task.state = READY;
    task.waitingOn = null;
    task.data = RESUME;
    task.flags &= ~THROW;
    this.afterStep.push(task);
    this.interrupted = true;
  }

  /**
   * @internal a simulated blocking call (a sensor's bit-banged read) that holds
   * the loop for `ms`. On the real clock it spins for that long; on the
   * virtual clock the clock moves on by `ms` instead, and the step is charged
   * `ms`, so other tasks see themselves woken late and the slow-step report
   * fires, as on the device, without burning real time.
   */
  blockFor(ms: number): void {
    if (!this.virtual) {
      const end = realNow() + ms;
      while (realNow() < end) {
        // The real device holds the CPU too.
      }
      return;
    }
    this.virtualNow += ms;
    this.blockedMs += ms;
  }

  /** @internal parks the running task in the timer heap; `wait` describes the sleep. */
  sleepTask(task: Task, ms: number, wait: SleepWait): void {
    task.state = SLEEPING;
    task.waitingOn = wait;
    this.timers.push(task, this.time() + ms);
  }

  /** @internal parks the running task in the timer heap until the absolute `deadline` (`schedule`: no drift). */
  sleepTaskUntil(task: Task, deadline: number): void {
    task.state = SLEEPING;
    task.waitingOn = sleepUntil;
    this.timers.push(task, deadline);
  }

  /** @internal parks `task` until `thenable` settles; `controller` is aborted if it is cancelled. */
  waitHost(task: Task, thenable: PromiseLike<unknown>, controller: AbortController | null): void {
    const wait = new HostWait(task, controller);
    task.park(wait);
    this.hostWaits++;
    try {
      thenable.then(
        (v) => wait.settle(true, v),
        (e) => wait.settle(false, e),
      );
    } catch (error) {
      wait.settle(false, error);
    }
  }

  /** @internal calls `fn` from the loop, after the tasks that are ready now (FIFO, as CPython's `call_soon`). */
  callSoon(fn: () => void): void {
    this.ready.push(new SoonCall(fn));
    if (!this.inSlice) this.kick();
  }

  // ---- the scheduler ----

  /** Steps one task: resume its coroutine, then act on what it yielded. */
  private step(task: Task): void {
    task.state = RUNNING;
    task.steps++;
    context.task = task;
    let r: IteratorResult<unknown, unknown>;
    try {
      const arg = task.data;
      task.data = undefined;
      if (task.flags & THROW) {
        task.flags &= ~THROW;
        r = task.coro.throw(arg);
      } else {
        r = task.coro.next(arg);
      }
    } catch (error) {
      context.task = null;
      this.finish(task, isCancelled(error) ? CANCELLED : FAILED, error);
      return;
    }
    context.task = null;
    if (r.done) {
      this.finish(task, SUCCEEDED, r.value);
      return;
    }
    const y = r.value;
    if (y === PARK) {
      // The awaitable has registered the task where it will be woken.
    } else if (y === YIELD || y === undefined) {
      task.state = READY;
      task.data = y === YIELD ? RESUME : undefined;
      this.ready.push(task);
    } else {
      this.yielded(task, y);
    }
    if (this.selfCancel !== null) this.deliverSelfCancel(task);
  }

  /**
   * The task yielded a value of its own: a promise to wait for, or a mistake.
   * Inspecting it runs user code (a `then` getter, Proxy traps) that may
   * throw; whatever it throws goes back into the task, never out of the loop.
   */
  private yielded(task: Task, y: unknown): void {
    let error: unknown;
    try {
      if (isThenable(y)) {
        this.waitHost(task, y, null);
        return;
      }
      const hint = isCoroutine(y) ? ": did you mean `yield*`?" : "; a task may `yield` nothing (to give way) or a promise, and `yield*` an awaitable such as sleep(1)";
      error = new TypeError(`${task} yielded ${describeValue(y)}${hint}`);
    } catch (e) {
      error = e;
    }
    task.state = READY;
    task.flags |= THROW;
    task.data = error;
    this.ready.push(task);
  }

  /** @internal a cancel asked for while the task ran; thrown at its next suspension */
  selfCancel: CancelledError | null = null;

  /** A cancel asked for while the task ran is thrown at the suspension it just reached. */
  private deliverSelfCancel(task: Task): void {
    const error = this.selfCancel!;
    this.selfCancel = null;
    if (task.state === READY) {
      task.flags |= THROW;
      task.data = error;
    } else {
      task.waitingOn!.cancelWait(task, error);
    }
  }

  private finish(task: Task, outcome: number, value: unknown): void {
    if (this.selfCancel !== null) {
      // Cancelled right before its coroutine ended: it ends cancelled, as in CPython.
      if (outcome === SUCCEEDED) {
        outcome = CANCELLED;
        value = this.selfCancel;
      }
      this.selfCancel = null;
    }
    const { livePrev, liveNext } = task;
    if (livePrev) livePrev.liveNext = liveNext;
    else this.liveHead = liveNext;
    if (liveNext) liveNext.livePrev = livePrev;
    else this.liveTail = livePrev;
    task.livePrev = task.liveNext = null;
    this.liveCount--;
    const awaited = (task.waiters !== null && task.waiters.length > 0) || task.extras?.callbacks != null || task.retrieved;
    task.settle(outcome, value);
    // Nobody waits for it yet: the rest of the round may still retrieve the error.
    if (outcome === FAILED && !awaited) this.unretrieved.push(task);
  }

  private reportUnretrieved(): void {
    for (const task of this.unretrieved.splice(0)) {
      if (!task.retrieved) {
        task.retrieved = true;
        this.callExceptionHandler({ message: "Task exception wasn't retrieved", exception: task.value, future: task });
      }
    }
  }

  /** One run slice; see the comment at the top of this file. */
  private readonly runSlice = (fromHost: boolean): void => {
    this.slicePending = false;
    if (this.hostTimer !== null) {
      clearTimeout(this.hostTimer);
      this.hostTimer = null;
    }
    if (!this.active || this.inSlice) return;
    const start = realNow();
    if (fromHost || start - this.lastSliceEnd > SLICE_MS) this.budgetStart = start;
    const outerLoop = context.loop;
    const outerTask = context.task;
    context.loop = this;
    this.inSlice = true;
    try {
      this.rounds();
    } finally {
      this.inSlice = false;
      context.loop = outerLoop;
      context.task = outerTask;
      this.lastSliceEnd = realNow();
    }
    if (this.stopping) this.endDrive();
  };

  /**
   * This 'for' loop is the scheduler. A round steps the tasks that were ready
   * when it began; tasks made ready meanwhile wait for the next round. A slice
   * may end in the middle of a round (its time budget is wall-clock time), so
   * what is left of the round is kept in `roundLeft` and the next slice goes on
   * with it: everything that decides what runs (a stop, timers, the error
   * report) happens only between rounds, so slicing never changes the order
   * of task steps, on the virtual clock above all.
   */
  private rounds(): void {
    const ready = this.ready;
    const timers = this.timers;
    // Step timing reads the clock once per window of `size` steps (see chargeWindow);
    // the window also paces the slice budget, so short steps cost no clock reads.
    let t0 = realNow();
    let w = 0;
    let exactSteps = EXACT_STEPS_PER_SLICE;
    let size = 1;
    let last: Task | null = null;
    let n = this.roundLeft;
    outer: for (;;) {
      if (n === 0) {
        // Between two rounds.
        if (this.unretrieved.length !== 0) this.reportUnretrieved();
        if (this.stopAtRoundEnd) {
          this.stopAtRoundEnd = false;
          this.stopping = true;
        }
        if (this.stopping) break;
        if (timers.size > 0) this.fireDueTimers();
        n = ready.length;
        if (n === 0) {
          // Nothing ready: a good moment to give back what a burst left allocated (a few compares).
          ready.compact();
          timers.compact();
          if (timers.size > 0 && this.virtual && this.hostWaits === 0) {
            this.virtualNow = Math.max(this.virtualNow, timers.peek()!.deadline);
            continue;
          }
          this.idle();
          break;
        }
        this.deadlockSuspected = false;
      }
      while (n > 0) {
        n--;
        const entry = ready.shift();
        // One field tells the rare entries apart: a task its timer woke (its lateness is measured now) and a callSoon.
        if (entry.heapIndex < -1) {
          if (entry.heapIndex === SOON) {
            this.runSoon(entry as SoonCall);
            if (this.interrupted && this.handleInterrupt()) break outer;
            continue;
          }
          this.recordLateness(entry as Task);
        }
        const task = entry as Task;
        this.step(task);
        last = task;
        if (++w >= size) {
          const t1 = realNow();
          this.chargeWindow(task, w, t0, t1);
          t0 = t1;
          w = 0;
          size = --exactSteps > 0 ? 1 : this.window;
          if (t1 - this.budgetStart >= SLICE_MS) {
            // Give way to the host; the next slice goes on with the rest of this round.
            if (this.interrupted) this.handleInterrupt();
            if (!this.stopping) this.schedule(true);
            break outer;
          }
        }
        if (this.interrupted && this.handleInterrupt()) break outer;
      }
    }
    this.roundLeft = n;
    if (w > 0 && last !== null) this.chargeWindow(last, w, t0, realNow());
  }

  private runSoon(call: SoonCall | TimerCall): void {
    try {
      call.fn();
    } catch (error) {
      this.callExceptionHandler({ message: "Exception in a callback", exception: error });
    }
  }

  /** Deferred wakes join the ready queue; returns true when the loop must stop now. */
  private handleInterrupt(): boolean {
    for (const task of this.afterStep) this.ready.push(task);
    this.afterStep.length = 0;
    this.interrupted = this.stopping;
    return this.stopping;
  }

  /**
   * Charges a window of `count` steps, from `start` to `end` (real ms), the
   * last of them by `task`, then sizes the next window so that it lasts about
   * TIMING_WINDOW_MS.
   *
   * A window of one step is exact: that is every step once steps are slow,
   * and always with slowStepMs. A longer window (steps of a few hundred ns,
   * where a clock read would cost as much as the step) is charged to the task
   * that ended it, like a sampling profiler; the window length is jittered so
   * that tasks taking turns in a fixed order are all sampled, each in
   * proportion to its steps. But a long window of several steps held one long
   * step (or a GC pause), and we cannot tell whose: it is charged to nobody
   * (blaming the last task would point at an innocent one), and after a
   * blocking step every step is timed alone for a while, so that the next
   * one is charged where it belongs.
   */
  private chargeWindow(task: Task, count: number, start: number, end: number): void {
    let elapsed = end - start;
    if (this.blockedMs !== 0) {
      elapsed += this.blockedMs;
      this.blockedMs = 0;
    }
    if (count > 1 && elapsed > LONG_WINDOW_MS) {
      if (elapsed > EXACT_AFTER_MS) this.exactUntil = end + EXACT_FOR_MS;
      this.window = 1;
      return;
    }
    // Whole microseconds stay small integers (Smis), so the stats take no heap boxes per task.
    const us = Math.round(elapsed * 1000);
    task.busyUs += us;
    const perStepUs = count === 1 ? us : Math.round(us / count);
    if (perStepUs > task.maxStepUs) task.maxStepUs = perStepUs;
    if (count === 1 && elapsed > this.slowStepMs) this.reportSlowStep(task, elapsed);
    if (this.slowStepMs !== Infinity || elapsed > 1 || end < this.exactUntil) {
      this.window = 1;
    } else {
      const target = (TIMING_WINDOW_MS * count) / Math.max(elapsed, 1e-6);
      const jittered = target * (0.75 + 0.5 * Math.random());
      this.window = jittered >= MAX_WINDOW ? MAX_WINDOW : jittered < 1 ? 1 : jittered | 0;
    }
  }

  private reportSlowStep(task: Task, durationMs: number): void {
    try {
      this.onSlowStep({ task, durationMs });
    } catch (error) {
      this.callExceptionHandler({ message: "Exception in onSlowStep", exception: error });
    }
  }

  /**
   * How late a timer-woken task runs after its deadline, measured as its step
   * starts: a task woken on time but stuck behind a slow step still ran late.
   */
  private recordLateness(task: Task): void {
    task.heapIndex = -1;
    const lateUs = Math.round((this.time() - task.deadline) * 1000);
    task.lateUs = lateUs;
    if (lateUs > task.maxLateUs) task.maxLateUs = lateUs;
  }

  private fireDueTimers(): void {
    const timers = this.timers;
    const now = this.time();
    let top = timers.peek();
    while (top !== undefined && top.deadline <= now) {
      timers.pop();
      if (top.state === TIMER_CALL) {
        // Run at once, in deadline order with the sleepers woken here: a task
        // it cancels joins the ready queue where CPython's would.
        this.runSoon(top as TimerCall);
      } else {
        top.heapIndex = TIMER_WOKEN; // its lateness is measured when it actually runs
        this.wake(top as Task);
      }
      top = timers.peek();
    }
  }

  /** Nothing is ready: arm a host timer, wait for the host, or report a deadlock. */
  private idle(): void {
    const next = this.timers.peek();
    if (next !== undefined) {
      if (this.virtual) return; // a host wait is pending; its settlement wakes the loop
      // Too close for the host timer: poll (give way to the host and look again).
      this.hostTimer = this.waitTimer.arm(next.deadline - this.time());
      if (this.hostTimer === null) this.schedule(true);
      return;
    }
    if (this.deadlockError !== null && this.liveCount === 0) {
      this.stopNow(); // the stuck tasks' cleanup is over: runForever rejects with the report
      return;
    }
    if (!this.virtual || this.hostWaits > 0 || this.flagWaits > 0 || this.liveCount === 0) return;
    if (!this.deadlockSuspected) {
      // Give host callbacks one macrotask to wake someone before calling it a deadlock.
      this.deadlockSuspected = true;
      this.schedule(true);
      return;
    }
    this.deadlockSuspected = false;
    this.reportDeadlock();
  }

  private reportDeadlock(): void {
    if (this.deadlockError) {
      // Their cleanup deadlocked too: give up on it, and say so.
      this.deadlockError = cleanupDeadlockError(this.deadlockError, this.liveHead);
      this.stopNow(); // between rounds already: no round to finish
      return;
    }
    this.deadlockError = deadlockError(this.liveHead);
    // Cancel everyone so their cleanup runs; the run then rejects with this report.
    for (let t = this.liveHead; t; t = t.liveNext) t.cancel("deadlock");
    this.schedule(true);
  }

  /** Makes sure a slice will run soon, if the loop is being driven. */
  private kick(): void {
    if (this.active && !this.inSlice && !this.slicePending) this.schedule(false);
  }

  private schedule(macro: boolean): void {
    if (this.slicePending) return;
    this.slicePending = true;
    if (macro) macrotask(this.runFromHost);
    else microtask(() => this.runSlice(false));
  }

  /**
   * A slice started by a host macrotask still runs as a microtask: V8 makes a
   * throw cheap only inside a microtask (there it records no message for an
   * uncaught-exception report), and every cancellation is a throw or two, so
   * this makes cancelling ~1.3x faster at the cost of one microtask per slice.
   */
  private readonly runFromHost = (): void => {
    microtask(() => this.runSlice(true));
  };

  // ---- driving the loop ----

  private drive(): Promise<void> {
    if (this.closed) return Promise.reject(new RuntimeError("the event loop is closed"));
    if (this.active) return Promise.reject(new RuntimeError("this event loop is already running"));
    // A missing host hook must be this error, not a ReferenceError lost in a microtask (a hang).
    const missing = checkHost(!this.virtual);
    if (missing !== null) return Promise.reject(new RuntimeError(missing));
    this.active = true;
    this.stopping = false;
    this.stopAtRoundEnd = false;
    this.interrupted = this.afterStep.length !== 0;
    this.deadlockError = null;
    return new Promise<void>((resolve) => {
      this.finishDrive = resolve;
      this.schedule(false);
    });
  }

  private endDrive(): void {
    this.active = false;
    this.stopping = false;
    if (this.hostTimer !== null) {
      clearTimeout(this.hostTimer);
      this.hostTimer = null;
    }
    const finish = this.finishDrive;
    this.finishDrive = null;
    finish?.();
  }

  /** Runs the loop until `stop()` is called. */
  async runForever(): Promise<void> {
    await this.drive();
    this.throwDeadlock();
  }

  /**
   * Runs the loop until `aw` finishes and returns its result. The tasks that
   * were ready when it finished take one more turn (as in CPython); the rest
   * stay where they are, for the next run.
   */
  async runUntilComplete<T>(aw: Coro<T> | Task<T> | Awaitable<T>): Promise<T> {
    this.checkNotRunning("runUntilComplete()");
    if (!(aw instanceof Task) && !isAwaitable(aw)) {
      throw new TypeError(`runUntilComplete(aw): expected a coroutine, a task or an awaitable, got ${describeValue(aw)}`);
    }
    const task = aw instanceof Task ? (aw as Task<T>) : this.createTask(isCoroutine(aw) ? (aw as Coro<T>) : wrap(aw));
    if (task.loop !== this) throw new RuntimeError(`${task} belongs to another event loop`);
    task.retrieved = true;
    if (!task.done()) {
      // As CPython's run_until_complete: the stop is itself a callback, queued behind the
      // tasks ready now, and then the round it lands in is finished.
      const stop = (): void => this.callSoon(() => this.stop());
      task.addDoneCallback(stop);
      try {
        await this.drive();
      } finally {
        task.removeDoneCallback(stop);
      }
      if (!task.done()) {
        this.throwDeadlock();
        throw new RuntimeError("the event loop stopped before the task completed");
      }
    }
    this.throwDeadlock();
    return task.result();
  }

  /** Whether `run()`/`runUntilComplete()` was called while this loop drives tasks: that would wreck the outer run. */
  private checkNotRunning(what: string): void {
    if (this.active) {
      throw new RuntimeError(`${what} cannot be called while the event loop is running: inside a task, use \`yield* task\` or \`yield* main()\` instead`);
    }
  }

  private throwDeadlock(): void {
    const error = this.deadlockError;
    if (error) {
      this.deadlockError = null;
      throw error;
    }
  }

  /** @internal `run()`: main, then cancel whatever is left and wait for its cleanup. */
  async runMain<T>(main: Coro<T>, signal?: AbortSignal): Promise<T> {
    this.checkNotRunning("run()");
    const task = this.createTask(main, signal === undefined ? { name: "main" } : { name: "main", signal });
    try {
      return await this.runUntilComplete(task);
    } finally {
      await this.shutdown();
    }
  }

  private async shutdown(): Promise<void> {
    if (this.liveCount === 0) return;
    const leftover: Task[] = [];
    for (let t = this.liveHead; t; t = t.liveNext) {
      t.retrieved = true; // the shutdown task awaits it and reports its error
      leftover.push(t);
    }
    for (const t of leftover) t.cancel();
    const loop = this;
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
    const waiter = this.createTask(waitAll(), { name: "shutdown" });
    await this.runUntilComplete(waiter).catch((error: unknown) => {
      // Cleanup that can never end is the program's bug: run() rejects with the report.
      // (A loop.stop() from some cleanup just ends the shutdown early.)
      if (isDeadlockReport(error)) throw error;
    });
  }

  /**
   * Stops `runForever` (or `runUntilComplete`). Called from a task, the tasks
   * already ready in this round still take their turn first, as in
   * MicroPython and CPython; the rest stay queued for the next run.
   */
  stop(): void {
    if (!this.active) return;
    if (this.inSlice) this.stopAtRoundEnd = true;
    else this.endDrive();
  }

  /** Stops right after the current step. */
  private stopNow(): void {
    if (!this.active) return;
    this.stopping = true;
    this.interrupted = true;
    if (!this.inSlice) this.endDrive();
  }

  /** Whether `runForever` or `runUntilComplete` is driving this loop now. */
  isRunning(): boolean {
    return this.active;
  }

  /** Closes the loop: it cannot run again. */
  close(): void {
    if (this.active) throw new RuntimeError("cannot close a running event loop");
    this.closed = true;
  }

  // ---- errors nobody caught ----

  /** Sets the handler for errors nobody retrieved; `null` restores the default. */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null) checkCallback(handler, "setExceptionHandler(handler): handler", "or null (called as handler(loop, context))");
    this.exceptionHandler = handler;
  }

  getExceptionHandler(): ExceptionHandler | null {
    return this.exceptionHandler;
  }

  /** Prints the message, the task and the error's stack to stderr. */
  defaultExceptionHandler(context: ExceptionContext): void {
    const parts = [context.message];
    if (context.future) parts.push(`task: ${context.future}`);
    const e = context.exception;
    if (e !== undefined) parts.push(e instanceof Error ? (e.stack ?? String(e)) : String(e));
    report("error", parts.join("\n"));
  }

  /** Calls the handler set with `setExceptionHandler`, or the default one. */
  callExceptionHandler(context: ExceptionContext): void {
    if (typeof context !== "object" || context === null || typeof context.message !== "string") {
      throw new TypeError(`callExceptionHandler(context): context must be an object with a message string, like { message: "sensor failed", exception }, got ${describeValue(context)}`);
    }
    try {
      if (this.exceptionHandler) this.exceptionHandler(this, context);
      else this.defaultExceptionHandler(context);
    } catch (error) {
      report("error", "Unhandled error in the exception handler:", error);
    }
  }

  // ---- inspection ----

  /** The unfinished tasks, oldest first, with what each is doing. */
  tasks(): TaskInfo[] {
    const list: TaskInfo[] = [];
    for (let t = this.liveHead; t; t = t.liveNext) list.push(taskInfo(t));
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

/** Turns any awaitable into a coroutine, so a task can drive it. */
export function* wrap<T>(aw: Awaitable<T>): Coro<T> {
  return yield* aw;
}
