/**
 * The two ways a task waits on an MQTT client. Both are host waits, like a
 * task parked on a promise: only a socket callback can end them, so while a
 * task is parked here the loop counts it as a host wait (`loop.deadlock.hostWaitBegins`; it never calls
 * that a deadlock, and the virtual clock stands still: messages come in real
 * time). Both describe themselves for `loop.tasks()` and the deadlock report
 * ("MQTT receive sensors/+/temp", "MQTT publish a/b (QoS 1)").
 *
 * Kept here rather than in src/core: they use only the core's parking
 * protocol (`Task.park`, `Waitable`, `loop.wake*`, `loop.deadlock.hostWaitBegins`).
 */
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { context, runningTask } from "../core/context.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Task } from "../core/task.ts";

/**
 * @internal a FIFO of tasks woken by host callbacks (a message arrived, the
 * client connected). It only wakes: the woken task looks again at what it
 * waits for and parks again if it is not there, so a task cancelled here
 * takes nothing with it.
 */
export class HostQueue extends WaitQueue {
  readonly hostWait = true;

  /** @param label how the wait reads in `loop.tasks()` */
  constructor(label: string) {
    super(label);
  }

  override park(task: Task): void {
    super.park(task);
    task.loop.deadlock.hostWaitBegins();
  }

  /** Every way out of the queue (a wake, a cancellation) passes here. */
  override remove(task: Task): void {
    super.remove(task);
    task.loop.deadlock.hostWaitEnds();
  }

  /** Wakes the longest waiter, if any; returns it. */
  wakeOne(): Task | null {
    const task = this.shift();
    if (task !== null) task.loop.wake(task);
    return task;
  }

  /** Wakes every waiter with `error` thrown at its wait. */
  failAll(error: unknown): void {
    for (let task = this.shift(); task; task = this.shift()) task.loop.wakeThrow(task, error);
  }
}

/**
 * @internal one task waiting for one acknowledgement (PUBACK, SUBACK, the end
 * of a close). `start` runs when the task parks and hands the host operation
 * `done(error?)` (the wait itself, as a callback); a cancelled task leaves the
 * wait at once, and a later `done` is ignored. Its words for `loop.tasks()`
 * are `label` + `words`, joined only when asked (publish is a hot path).
 */
export class AckWait<T = void> extends Parking<T> implements Waitable {
  readonly hostWait = true;
  private task: Task | null = null;
  private started = false;
  private settled = false;
  private value: T | undefined = undefined;
  private error: unknown = undefined;
  private failed = false;

  constructor(
    private readonly label: string,
    private readonly words: string,
    private readonly start: (wait: AckWait<T>) => void,
    private readonly onCancel: (() => void) | null = null,
  ) {
    super();
  }

  protected override get what(): string {
    return this.label;
  }

  override next(arg?: unknown): IteratorResult<unknown, T> {
    if (!this.started) {
      this.started = true;
      const task = context.task ?? runningTask(`${this.describe()}()`);
      this.start(this);
      if (this.settled) return this.result();
      this.task = task;
      task.park(this);
      task.loop.deadlock.hostWaitBegins();
      return PARKED;
    }
    if (arg === RESUME) return this.result();
    throw new Error(`${this.describe()}: awaited twice`);
  }

  private result(): IteratorResult<unknown, T> {
    if (this.failed) throw this.error;
    return this.value === undefined ? (DONE_VOID as IteratorResult<unknown, T>) : { value: this.value, done: true };
  }

  /** Ends the wait: with `error` (anything but null/undefined), or with `value`. Later calls do nothing. */
  done(error: unknown, value?: T): void {
    if (this.settled) return;
    this.settled = true;
    if (error !== null && error !== undefined) {
      this.failed = true;
      this.error = error;
    } else {
      this.value = value;
    }
    const task = this.task;
    if (task === null) return; // settled before it parked, or cancelled
    this.task = null;
    task.loop.deadlock.hostWaitEnds();
    task.loop.wake(task);
  }

  cancelWait(task: Task, error: unknown): void {
    this.task = null;
    this.settled = true;
    task.loop.deadlock.hostWaitEnds();
    this.onCancel?.();
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    return this.label + this.words;
  }
}
