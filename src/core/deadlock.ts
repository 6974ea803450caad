/**
 * Deadlock detection and its report, on the virtual clock: every task is
 * waiting and nothing can wake any of them (no timer, no host wait).
 *
 * The watch counts the waits only the host can end, so that it knows when
 * nothing can. Once the loop is idle with live tasks and no such wait, it
 * gives host callbacks one macrotask to wake someone; if still nobody is
 * ready, it reports. The report names what each task waits on, who holds
 * what it waits for (a holder that has finished without releasing is the
 * usual bug), and every await cycle (A awaits B awaits A), which can never
 * end by itself. Every task is then cancelled so its cleanup runs, and the
 * run rejects with the report once that cleanup is over (or has deadlocked
 * too: then the report says what stayed stuck).
 */
import { RuntimeError } from "./errors.ts";
import type { Task } from "./task.ts";
import type { Loop } from "./loop.ts";

export class DeadlockWatch {
  /** Tasks parked on a host promise: only the host can wake them, and virtual time stands still for them. */
  hostWaits = 0;
  /** Tasks parked on a ThreadSafeFlag: only the host can wake them; virtual time runs on. */
  private flagWaits = 0;
  /** The loop went idle with everyone waiting: one macrotask for the host before it is called a deadlock. */
  private suspected = false;
  /** The report of this run's deadlock: the stuck tasks' cleanup is running, then the run rejects with it. */
  private found: RuntimeError | null = null;

  constructor(private readonly loop: Loop) {}

  hostWaitBegins(): void {
    this.hostWaits++;
  }
  hostWaitEnds(): void {
    this.hostWaits--;
  }
  flagWaitBegins(): void {
    this.flagWaits++;
  }
  flagWaitEnds(): void {
    this.flagWaits--;
  }

  /** A round has something to run: whatever was suspected was not a deadlock. */
  progress(): void {
    this.suspected = false;
  }

  /** A new drive forgets the last run's report. */
  forget(): void {
    this.found = null;
  }

  /** The scheduler is idle with no timer pending: is this a deadlock? */
  idle(): void {
    const loop = this.loop;
    if (this.found !== null && loop.live.count === 0) {
      loop.lifecycle.stopNow(); // the stuck tasks' cleanup is over: the run rejects with the report
      return;
    }
    if (!loop.clock.virtual || this.hostWaits > 0 || this.flagWaits > 0 || loop.live.count === 0) return;
    if (!this.suspected) {
      // Give host callbacks one macrotask to wake someone before calling it a deadlock.
      this.suspected = true;
      loop.pacing.schedule(true);
      return;
    }
    this.suspected = false;
    this.report();
  }

  /** Throws this run's report, once. */
  throwIfFound(): void {
    const error = this.found;
    if (error) {
      this.found = null;
      throw error;
    }
  }

  private report(): void {
    const loop = this.loop;
    if (this.found) {
      // Their cleanup deadlocked too: give up on it, and say so.
      this.found = cleanupDeadlockError(this.found, loop.live.head);
      loop.lifecycle.stopNow(); // between rounds already: no round to finish
      return;
    }
    this.found = deadlockError(loop.live.head);
    // Cancel everyone so their cleanup runs; the run then rejects with this report.
    for (let t = loop.live.head; t; t = t.liveNext) t.cancel("deadlock");
    loop.pacing.schedule(true);
  }
}

/** `task 3 (worker)` */
export function taskLabel(task: Task): string {
  return `task ${task.id} (${task.name})${task.done() ? ", which has finished" : ""}`;
}

const HEADLINE = "deadlock: every task is waiting and nothing can wake them (no timer, no host wait):";

/** The report for the live tasks `first`, `first.liveNext`, … */
export function deadlockError(first: Task | null): RuntimeError {
  return new RuntimeError(`${HEADLINE}\n${deadlockLines(first).join("\n")}`);
}

/**
 * The report when the cleanup that the first report's cancellation started
 * deadlocked too: both, so the user sees what stayed stuck.
 */
export function cleanupDeadlockError(first: RuntimeError, stuck: Task | null): RuntimeError {
  return new RuntimeError(`${first.message}\nthen their cleanup deadlocked too, and was given up on:\n${deadlockLines(stuck).join("\n")}`);
}

/** Whether `error` is one of these reports. */
export function isDeadlockReport(error: unknown): boolean {
  return error instanceof RuntimeError && error.message.startsWith(HEADLINE);
}

function deadlockLines(first: Task | null): string[] {
  const lines: string[] = [];
  for (let t = first; t !== null; t = t.liveNext) {
    const wait = t.waitingOn;
    const what = wait === null ? "nothing (ready)" : wait.describe(t) + (wait.detail ? wait.detail(t) : "");
    lines.push(`  task ${t.id} (${t.name}): waiting on ${what}`);
  }
  for (const cycle of awaitCycles(first)) lines.push(`  await cycle: ${cycle.map((t) => `task ${t.id} (${t.name})`).join(" → ")}`);
  return lines;
}

/** Each task awaits at most one other, so the cycles are found by walking each chain once. */
function awaitCycles(first: Task | null): Task[][] {
  const cycles: Task[][] = [];
  const visited = new Set<Task>();
  for (let start = first; start !== null; start = start.liveNext) {
    const path: Task[] = [];
    const onPath = new Set<Task>();
    let t: Task | undefined = start;
    while (t !== undefined && !visited.has(t)) {
      visited.add(t);
      onPath.add(t);
      path.push(t);
      t = t.waitingOn?.awaiting;
    }
    if (t !== undefined && onPath.has(t)) {
      const cycle = path.slice(path.indexOf(t));
      cycles.push([...cycle, t]);
    }
  }
  return cycles;
}
