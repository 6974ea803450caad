/**
 * The deadlock report: every task is waiting and nothing can wake any of
 * them. It names what each task waits on, who holds what it waits for (a
 * holder that has finished without releasing is the usual bug), and every
 * await cycle (A awaits B awaits A), which can never end by itself.
 */
import { RuntimeError } from "./errors.ts";
import type { Task } from "./task.ts";

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
