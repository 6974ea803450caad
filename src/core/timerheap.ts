/**
 * The timer queue: a binary min-heap ordered by (deadline, sequence), so
 * equal deadlines fire in the order they were set. Entries are the sleeping
 * tasks themselves (no allocation per sleep); each entry
 * remembers its slot, so a cancelled sleep leaves the heap in O(log n).
 */
export interface TimerEntry {
  deadline: number;
  seq: number;
  /** Position in the heap array, -1 when not in it (a Task uses the negative values as tags: see Task.heapIndex). */
  heapIndex: number;
}

export class TimerHeap<E extends TimerEntry> {
  private items: E[] = [];
  private nextSeq = 0;
  /** The most entries held since the last compact(): a JS array keeps its peak storage after pops. */
  private peak = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E, deadline: number): void {
    entry.deadline = deadline;
    entry.seq = this.nextSeq++;
    const i = this.items.length;
    this.items.push(entry);
    if (i >= this.peak) this.peak = i + 1;
    entry.heapIndex = i;
    this.up(i);
  }

  pop(): E {
    const top = this.items[0]!;
    this.removeAt(0);
    return top;
  }

  remove(entry: E): void {
    if (entry.heapIndex >= 0) this.removeAt(entry.heapIndex);
  }

  /** Gives memory back after a burst of sleepers (called when the loop goes idle). */
  compact(): void {
    if (this.peak > 1024 && this.items.length * 4 < this.peak) {
      this.items = this.items.slice();
      this.peak = this.items.length;
    }
  }

  entries(): readonly E[] {
    return this.items;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i]!;
    removed.heapIndex = -1;
    const last = items.pop()!;
    if (i < items.length) {
      items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  private static before(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!TimerHeap.before(entry, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && TimerHeap.before(items[child + 1]!, items[child]!)) child++;
      const c = items[child]!;
      if (!TimerHeap.before(c, entry)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}
