/**
 * The scheduler: the ready queue, the rounds that step what it holds, and
 * what one step does. Everything else a loop does (timing steps, pacing the
 * host, starting and stopping, finding deadlocks, reporting errors) lives in
 * a file of its own and is reached from here through one call.
 *
 * A round steps the entries that were ready when it began; whatever is made
 * ready meanwhile waits for the next round. Between two rounds (and only
 * there) the loop reports errors nobody retrieved, takes a requested stop,
 * and fires the timers that are due.
 */
import { type CancelledError, isCancelled } from "./errors.ts";
import { context } from "./context.ts";
import { PARK, RESUME, YIELD, type Waitable } from "./protocol.ts";
import { ReadyQueue } from "./readyqueue.ts";
import { TimerHeap } from "./timerheap.ts";
import { SOON, SoonCall, TIMER_CALL, type TimerCall } from "./soon.ts";
import { CANCELLED, FAILED, NOT_QUEUED, READY, RUNNING, SLEEPING, SUCCEEDED, THROW, TIMER_WOKEN, type Task } from "./task.ts";
import { describeValue, isCoroutine, isThenable } from "./host.ts";
import { resumeNext, resumeThrow } from "./coroutine.ts";
import { waitHost } from "./waits.ts";
import type { Loop } from "./loop.ts";

export class Scheduler {
  /** What runs next, oldest first: tasks, and `callSoon` callbacks taking their turn among them. */
  readonly ready = new ReadyQueue<Task | SoonCall>();
  /** The sleeping tasks, soonest deadline first (each task is its own timer entry), and `callAt` callbacks. */
  readonly timers = new TimerHeap<Task | TimerCall>();
  /** A cancellation asked for while its task ran (one task runs at a time); thrown at its next suspension. */
  selfCancel: CancelledError | null = null;
  /** Tasks a ThreadSafeFlag woke during the current step; they join the ready queue when it ends. */
  private readonly afterStep: Task[] = [];
  /**
   * The deadlines of the timer-woken tasks in the ready queue, in queue order
   * (from `wokenHead` on), so their lateness is measured as they run.
   */
  private readonly wokenDeadlines: number[] = [];
  private wokenHead = 0;
  /** How many entries of the current round are still to run (a slice ended in its middle). */
  private roundLeft = 0;

  constructor(private readonly loop: Loop) {}

  // ---- making tasks ready ----

  /** Queues a task made by createTask. */
  add(task: Task): void {
    this.ready.push(task);
    this.loop.pacing.kick();
  }

  /** Makes a parked task ready; `value` is what its `yield` evaluates to. */
  wakeWith(task: Task, value: unknown): void {
    task.state = READY;
    task.waitingOn = null;
    task.data = value;
    task.flags &= ~THROW;
    this.ready.push(task);
    this.loop.pacing.kick();
  }

  /** Makes a parked task ready to have `error` thrown at its suspension point. */
  wakeThrow(task: Task, error: unknown): void {
    this.wakeWith(task, error);
    task.flags |= THROW;
  }

  /** Makes `task` ready once the current step has ended (see Loop.wakeSoon). */
  wakeSoon(task: Task): void {
    if (!(this.loop.pacing.inSlice && context.task !== null)) {
      this.wakeWith(task, RESUME);
      return;
    }
    // Ready from now on (a cancel() meanwhile turns the resume into a throw); queued after the step.
    task.state = READY;
    task.waitingOn = null;
    task.data = RESUME;
    task.flags &= ~THROW;
    this.afterStep.push(task);
  }

  /** Queues `fn` behind the entries ready now. */
  callSoon(fn: () => void): void {
    this.ready.push(new SoonCall(fn));
    this.loop.pacing.kick();
  }

  /** Parks the running task in the timer heap until `deadline`. */
  sleep(task: Task, deadline: number, wait: Waitable): void {
    task.state = SLEEPING;
    task.waitingOn = wait;
    this.timers.push(task, deadline);
  }

  /** Takes a sleeping task out of the timer heap (its sleep was cancelled). */
  unsleep(task: Task | TimerCall): void {
    this.timers.remove(task);
  }

  // ---- the rounds ----

  /**
   * This 'for' loop is the scheduler; a run slice (pacing.ts) calls it. A
   * slice may end in the middle of a round (its time budget is wall-clock
   * time), so what is left of the round is kept in `roundLeft` and the next
   * slice goes on with it: since everything that decides what runs happens
   * between rounds, slicing never changes the order of task steps.
   */
  rounds(start: number): number {
    const { ready, loop } = this;
    const { timing, pacing, lifecycle } = loop;
    timing.startSlice(start);
    let last: Task | null = null;
    let n = this.roundLeft;
    outer: for (;;) {
      if (n === 0) {
        if (!this.betweenRounds()) break;
        n = ready.length;
      }
      while (n > 0) {
        n--;
        const entry = ready.shift();
        // One field tells the rare entries apart (see Task.heapIndex): a callSoon, and a task its timer woke.
        if (entry.heapIndex < NOT_QUEUED) {
          if (entry.heapIndex === SOON) {
            this.runSoon(entry as SoonCall);
            if ((this.afterStep.length !== 0 || lifecycle.state === "stopping") && this.afterInterrupt()) break outer;
            continue;
          }
          timing.recordLateness(entry as Task, this.nextWokenDeadline());
        }
        const task = entry as Task;
        this.step(task);
        last = task;
        // The step-timing hook: a clock read once per window of steps, which also paces the slice.
        if (--timing.left === 0 && pacing.outOfTime(timing.closeWindow(task))) {
          // Give way to the host; the next slice goes on with the rest of this round.
          this.afterInterrupt();
          if (lifecycle.state !== "stopping") pacing.schedule(true);
          break outer;
        }
        if ((this.afterStep.length !== 0 || lifecycle.state === "stopping") && this.afterInterrupt()) break outer;
      }
    }
    this.roundLeft = n;
    return timing.endSlice(last);
  }

  /**
   * Between two rounds: report unretrieved errors, take a stop, fire due
   * timers. Returns false when the slice ends here (stopped, or idle).
   */
  private betweenRounds(): boolean {
    const { loop, ready, timers } = this;
    for (;;) {
      loop.errors.reportUnretrieved();
      if (loop.lifecycle.stopsAtRoundEnd()) return false;
      if (timers.size > 0) this.fireDueTimers();
      if (ready.length !== 0) {
        loop.deadlock.progress();
        return true;
      }
      // Nothing ready: a good moment to give back what a burst left allocated (a few compares).
      ready.compact();
      timers.compact();
      if (timers.size > 0 && loop.clock.virtual && loop.deadlock.hostWaits === 0) {
        loop.clock.jumpTo(timers.peekDeadline()); // and begin again, as a new round
        continue;
      }
      this.idle();
      return false;
    }
  }

  /** Nothing is ready: wait for the next timer (host timer), for the host, or report a deadlock. */
  private idle(): void {
    if (this.timers.size > 0) {
      // On the virtual clock a host wait is pending (else the clock would have jumped); its settlement wakes the loop.
      if (!this.loop.clock.virtual) this.loop.pacing.waitForTimer(this.timers.peekDeadline() - this.loop.clock.now());
      return;
    }
    this.loop.deadlock.idle();
  }

  private fireDueTimers(): void {
    const timers = this.timers;
    const now = this.loop.clock.now();
    while (timers.size > 0) {
      const deadline = timers.peekDeadline();
      if (deadline > now) break;
      const entry = timers.pop();
      if (entry.state === TIMER_CALL) {
        // Run at once, in deadline order with the sleepers woken here: a task
        // it cancels joins the ready queue where CPython's would.
        this.runSoon(entry as TimerCall);
        continue;
      }
      const task = entry as Task;
      task.heapIndex = TIMER_WOKEN; // its lateness is measured when it actually runs
      this.wokenDeadlines.push(deadline);
      this.wakeWith(task, RESUME);
    }
  }

  /** The deadline of the timer-woken task the ready queue gives next. */
  private nextWokenDeadline(): number {
    const deadlines = this.wokenDeadlines;
    const deadline = deadlines[this.wokenHead++]!;
    if (this.wokenHead === deadlines.length) {
      deadlines.length = 0;
      this.wokenHead = 0;
    }
    return deadline;
  }

  /**
   * Something must be handled right after the step: deferred wakes join the
   * ready queue; returns true when the loop must stop now.
   */
  private afterInterrupt(): boolean {
    const afterStep = this.afterStep;
    if (afterStep.length !== 0) {
      for (const task of afterStep) this.ready.push(task);
      afterStep.length = 0;
    }
    return this.loop.lifecycle.state === "stopping";
  }

  // ---- one step ----

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
        r = resumeThrow.call(task.coro!, arg);
      } else {
        r = resumeNext.call(task.coro!, arg);
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
        waitHost(task, y, null);
        return;
      }
      const hint = isCoroutine(y)
        ? ": did you mean `yield*`?"
        : "; a task may `yield` nothing (to give way) or a promise, and `yield*` an awaitable such as sleep(1)";
      error = new TypeError(`${task} yielded ${describeValue(y)}${hint}`);
    } catch (e) {
      error = e;
    }
    task.state = READY;
    task.flags |= THROW;
    task.data = error;
    this.ready.push(task);
  }

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

  /** The task's coroutine has ended: settle it, and keep a failure nobody awaits for the report. */
  private finish(task: Task, outcome: number, value: unknown): void {
    if (this.selfCancel !== null) {
      // Cancelled right before its coroutine ended: it ends cancelled, as in CPython.
      if (outcome === SUCCEEDED) {
        outcome = CANCELLED;
        value = this.selfCancel;
      }
      this.selfCancel = null;
    }
    this.loop.live.remove(task);
    const awaited = (task.waiters !== null && task.waiters.length > 0) || task.hasDoneCallbacks() || task.retrieved;
    task.settle(outcome, value);
    // Nobody waits for it yet: the rest of the round may still retrieve the error.
    if (outcome === FAILED && !awaited) this.loop.errors.unretrieved.push(task);
  }

  private runSoon(call: SoonCall | TimerCall): void {
    try {
      call.fn();
    } catch (error) {
      this.loop.callExceptionHandler({ message: "Exception in a callback", exception: error });
    }
  }
}
