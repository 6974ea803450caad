/**
 * The FIFO of what is ready to run: a ring buffer whose capacity is a power of
 * two, so push and shift are a mask and an index, and nothing is allocated
 * per switch once the buffer has grown to the number of runnable tasks.
 * The same FIFO holds a `Queue`'s items and an MQTT subscription's messages.
 */
/** A drained FIFO keeps up to this many slots (see drained). */
const KEEP_SLOTS = 1024;

/** Tasks, and the loop's `callSoon` callbacks, which take their turn among them. */
export class ReadyQueue<T> {
  private items: (T | undefined)[] = new Array(64);
  private head = 0;
  private mask = 63;
  length = 0;

  push(task: T): void {
    if (this.length > this.mask) this.grow();
    this.items[(this.head + this.length) & this.mask] = task;
    this.length++;
  }

  shift(): T {
    const task = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return task;
  }

  /** The queued tasks in order, for inspection. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.items[(this.head + i) & this.mask]!;
  }

  /**
   * Gives memory back after a burst: a ring that grew to a million slots
   * keeps them otherwise. Called when the loop goes idle, off the hot path.
   */
  compact(): void {
    const size = this.mask + 1;
    if (size <= 64 || this.length * 4 > size) return;
    let next = 64;
    while (next < this.length * 2) next *= 2;
    this.resize(next);
  }

  /**
   * The FIFO has just emptied (a `Queue` whose items were all taken): give
   * back a buffer a burst left large, but keep a small one. Shrinking every
   * time would make a `Queue(100)` that fills and drains shrink and regrow
   * its ring on every hundred items.
   */
  drained(): void {
    if (this.mask >= KEEP_SLOTS) this.compact();
  }

  /** Slots allocated, for tests. */
  get capacity(): number {
    return this.mask + 1;
  }

  private grow(): void {
    this.resize((this.mask + 1) * 2);
  }

  private resize(size: number): void {
    const old = this.items;
    const next: (T | undefined)[] = new Array(size);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size - 1;
  }
}
