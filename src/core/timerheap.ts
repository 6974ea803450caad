/**
 * The timer queue: a binary min-heap ordered by (deadline, sequence), so
 * equal deadlines fire in the order they were set. Entries are the sleeping
 * tasks themselves (no allocation per sleep); each entry remembers its slot,
 * so a cancelled sleep leaves the heap in O(log n). The deadlines and
 * sequence numbers live here, in arrays of plain numbers beside the entries,
 * not on the tasks: a double field on every task would cost it a heap box.
 */
export interface TimerEntry {
  /** Position in the heap, -1 when not in it (a Task uses the negative values as tags: see Task.heapIndex). */
  heapIndex: number;
}

export class TimerHeap<E extends TimerEntry> {
  private items: E[] = [];
  private deadlines: number[] = [];
  private seqs: number[] = [];
  private nextSeq = 0;
  /** The most entries held since the last compact(): a JS array keeps its peak storage after pops. */
  private peak = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  /** The soonest deadline (the heap must not be empty). */
  peekDeadline(): number {
    return this.deadlines[0]!;
  }

  /** The deadline of an entry in the heap. */
  deadlineOf(entry: E): number {
    return this.deadlines[entry.heapIndex]!;
  }

  push(entry: E, deadline: number): void {
    const i = this.items.length;
    this.items.push(entry);
    this.deadlines.push(deadline);
    this.seqs.push(this.nextSeq++);
    if (i >= this.peak) this.peak = i + 1;
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
      this.deadlines = this.deadlines.slice();
      this.seqs = this.seqs.slice();
      this.peak = this.items.length;
    }
  }

  private removeAt(i: number): void {
    const { items, deadlines, seqs } = this;
    items[i]!.heapIndex = -1;
    const last = items.pop()!;
    const lastDeadline = deadlines.pop()!;
    const lastSeq = seqs.pop()!;
    if (i < items.length) {
      items[i] = last;
      deadlines[i] = lastDeadline;
      seqs[i] = lastSeq;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  private before(i: number, j: number): boolean {
    const a = this.deadlines[i]!;
    const b = this.deadlines[j]!;
    return a < b || (a === b && this.seqs[i]! < this.seqs[j]!);
  }

  private swap(i: number, j: number): void {
    const { items, deadlines, seqs } = this;
    const e = items[i]!;
    const d = deadlines[i]!;
    const s = seqs[i]!;
    items[i] = items[j]!;
    deadlines[i] = deadlines[j]!;
    seqs[i] = seqs[j]!;
    items[j] = e;
    deadlines[j] = d;
    seqs[j] = s;
    items[i]!.heapIndex = i;
    e.heapIndex = j;
  }

  private up(i: number): void {
    this.items[i]!.heapIndex = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(child + 1, child)) child++;
      if (!this.before(child, i)) break;
      this.swap(i, child);
      i = child;
    }
  }
}
