/**
 * The FIFO of what is ready to run: a ring buffer whose capacity is a power of
 * two, so push and shift are a mask and an index, and nothing is allocated
 * per switch once the buffer has grown to the number of runnable tasks.
 */
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

  private grow(): void {
    const old = this.items;
    const size = old.length;
    const next: (T | undefined)[] = new Array(size * 2);
    for (let i = 0; i < size; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size * 2 - 1;
  }
}
