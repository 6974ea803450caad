/**
 * The deadlock report: every task is waiting and nothing can wake any of
 * them. It names what each task waits on, who holds what it waits for (a
 * holder that has finished without releasing is the usual bug), and every
 * await cycle (A awaits B awaits A), which can never end by itself.
 */
import { RuntimeError } from "./errors.ts";
import { DONE, type Task } from "./task.ts";

/** `task 3 (worker)` */
export function taskLabel(task: Task): string {
  return `task ${task.id} (${task.name})${task.state === DONE ? ", which has finished" : ""}`;
}

/** The report for the live tasks `first`, `first.liveNext`, … */
export function deadlockError(first: Task | null): RuntimeError {
  const lines: string[] = [];
  for (let t = first; t !== null; t = t.liveNext) {
    const wait = t.waitingOn;
    const what = wait === null ? "nothing (ready)" : wait.describe(t) + (wait.detail ? wait.detail(t) : "");
    lines.push(`  task ${t.id} (${t.name}): waiting on ${what}`);
  }
  for (const cycle of awaitCycles(first)) lines.push(`  await cycle: ${cycle.map((t) => `task ${t.id} (${t.name})`).join(" → ")}`);
  return new RuntimeError(`deadlock: every task is waiting and nothing can wake them (no timer, no host wait):\n${lines.join("\n")}`);
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
