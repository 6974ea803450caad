/**
 * `Queue<T>`: a FIFO queue for passing items between tasks, with CPython
 * 3.12's semantics.
 *
 * An item put while getters wait stays in the queue and the longest getter is
 * woken to take it when it runs (so `qsize()` counts it meanwhile, as in
 * CPython). A getter cancelled after it was woken but before it ran takes
 * nothing: the item stays and the next getter is woken instead. A putter
 * cancelled while it waits never inserts its item. The same hand-on rule holds
 * for putters woken by a freed slot.
 */
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { context, runningTask } from "../core/context.ts";
import { QueueEmpty, QueueFull, RuntimeError } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import { ReadyQueue } from "../core/readyqueue.ts";
import { HANDED, type Task } from "../core/task.ts";
import type { Awaitable } from "../core/types.ts";
import { keepShape } from "../core/shapes.ts";

/**
 * `get()` and `put()`. A get is stateless, so each queue hands out one shared
 * get; a put carries its item. Whether a waiter was woken for an item (a
 * slot) is kept on its task (HANDED) until it runs, so a waiter cancelled in
 * between passes the item (slot) on to the next one.
 */
abstract class QueueOp<R> extends Parking<R> implements Waitable {
  constructor(protected readonly queue: Queue<unknown>) {
    super();
  }

  override next(): IteratorResult<unknown, R> {
    const task = context.task;
    if (task !== null) task.flags &= ~HANDED;
    if (this.ready()) return this.complete();
    // Not yet (first call), or another task took the item (slot) first: queue up (again) at the back.
    const waiter = task ?? runningTask(`${this.describe()}()`);
    this.waiters().park(waiter);
    waiter.waitingOn = this;
    return PARKED;
  }

  override throw(error: unknown): never {
    const task = context.task;
    if (task !== null && task.flags & HANDED) {
      // Woken for an item (a slot) but cancelled before taking it: wake the next waiter instead.
      task.flags &= ~HANDED;
      if (this.ready()) this.queue.wakeNext(this.waiters());
    }
    throw error;
  }

  /** Cancelled while parked: leave the wait, take (insert) nothing. */
  cancelWait(task: Task, error: unknown): void {
    this.waiters().remove(task);
    task.loop.wakeThrow(task, error);
  }

  abstract describe(): string;
  protected abstract ready(): boolean;
  protected abstract complete(): IteratorResult<unknown, R>;
  protected abstract waiters(): WaitQueue;
}

class QueueGet<T> extends QueueOp<T> {
  protected override get what(): string {
    return "queue.get()";
  }
  describe(): string {
    return "Queue.get";
  }
  protected ready(): boolean {
    return this.queue.qsize() > 0;
  }
  protected complete(): IteratorResult<unknown, T> {
    return { value: this.queue.getNowait() as T, done: true };
  }
  protected waiters(): WaitQueue {
    return this.queue.getters;
  }
}

class QueuePut extends QueueOp<void> {
  constructor(
    queue: Queue<unknown>,
    private readonly item: unknown,
  ) {
    super(queue);
  }

  protected override get what(): string {
    return "queue.put()";
  }
  describe(): string {
    return "Queue.put";
  }
  protected ready(): boolean {
    return !this.queue.full();
  }
  protected complete(): IteratorResult<unknown, void> {
    this.queue.putNowait(this.item);
    return DONE_VOID;
  }
  protected waiters(): WaitQueue {
    return this.queue.putters;
  }
}

/** `join()`: shared and stateless, since every joiner is woken at once. */
class QueueJoin extends Parking<void> {
  constructor(private readonly queue: Queue<unknown>) {
    super();
  }

  protected override get what(): string {
    return "queue.join()";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME || this.queue.unfinished === 0) return DONE_VOID;
    this.queue.joiners.park(runningTask("Queue.join()"));
    return PARKED;
  }
}

/**
 * A first-in, first-out queue of items between tasks. With `maxsize > 0`,
 * `put()` waits while the queue is full; `get()` waits while it is empty.
 * Waiting getters and putters are served in FIFO order, and a cancelled one
 * takes or inserts nothing. `taskDone()` and `join()` let a producer wait
 * until every item has been processed.
 *
 * @example
 * ```ts
 * const q = new Queue<number>(10);
 * function* producer() { for (let i = 0; i < 3; i++) yield* q.put(i); }
 * function* consumer() {
 *   for (;;) { const n = yield* q.get(); console.log("got", n); q.taskDone(); }
 * }
 * createTask(consumer());
 * yield* producer();
 * yield* q.join(); // every item was processed
 * ```
 */
export class Queue<T> {
  /** The most items it holds; 0 (or less) means no limit. */
  readonly maxsize: number;
  /** @internal items not yet marked done with `taskDone()` */ unfinished = 0;
  /** @internal */ readonly getters = new WaitQueue("Queue.get");
  /** @internal */ readonly putters = new WaitQueue("Queue.put");
  /** @internal */ readonly joiners = new WaitQueue("Queue.join");
  private readonly items = new ReadyQueue<T>();
  private readonly joinOp = new QueueJoin(this as Queue<unknown>);
  private readonly getOp = new QueueGet<T>(this as Queue<unknown>);

  /** @param maxsize the most items it may hold: an integer, 0 or less (default 0) for no limit */
  constructor(maxsize = 0) {
    if (typeof maxsize !== "number") throw new TypeError(`Queue(maxsize): maxsize must be an integer, got ${describeValue(maxsize)}`);
    if (!Number.isInteger(maxsize) && maxsize !== Infinity) {
      throw new RangeError(`Queue(maxsize): maxsize must be an integer (0 for no limit), got ${describeValue(maxsize)}`);
    }
    this.maxsize = maxsize;
  }

  /** The number of items in the queue. */
  qsize(): number {
    return this.items.length;
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True if the queue holds `maxsize` items (never, without a limit). */
  full(): boolean {
    return this.maxsize > 0 && this.qsize() >= this.maxsize;
  }

  /** Puts `item` at the back, waiting for a free slot while the queue is full. */
  put(item: T): Awaitable<void> {
    return new QueuePut(this as Queue<unknown>, item);
  }

  /** Takes the item at the front, waiting for one while the queue is empty. */
  get(): Awaitable<T> {
    return this.getOp;
  }

  /** Puts `item` at the back without waiting; throws `QueueFull` if there is no free slot. */
  putNowait(item: T): void {
    if (this.full()) throw new QueueFull(`Queue.putNowait(): the queue is full (maxsize ${this.maxsize})`);
    this.items.push(item);
    this.unfinished++;
    this.wakeNext(this.getters);
  }

  /** Takes the item at the front without waiting; throws `QueueEmpty` if there is none. */
  getNowait(): T {
    if (this.items.length === 0) throw new QueueEmpty("Queue.getNowait(): the queue is empty");
    const item = this.items.shift();
    if (this.items.length === 0) this.items.drained();
    this.wakeNext(this.putters);
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed. When every item put has
   * been marked, `join()` returns. Throws `RuntimeError` if called more times
   * than items were put.
   */
  taskDone(): void {
    if (this.unfinished <= 0) throw new RuntimeError("Queue.taskDone(): called more times than there were items put in the queue");
    if (--this.unfinished === 0) this.joiners.wakeAll();
  }

  /** Waits until every item put has been marked processed with `taskDone()`. */
  join(): Awaitable<void> {
    return this.joinOp;
  }

  /** @internal wakes the longest waiter of `waiters`, if any. */
  wakeNext(waiters: WaitQueue): void {
    const task = waiters.shift();
    if (task === null) return;
    task.flags |= HANDED;
    task.loop.wake(task);
  }
}

// See shapes.ts.
keepShape(new QueuePut(new Queue(), undefined));
