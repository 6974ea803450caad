/**
 * Helpers for the ports of CPython 3.12's own tests (test_timeouts.py, the
 * wait and as_completed cases of test_tasks.py). Each port is a program in
 * cpython/*.py whose output CPython 3.12 recorded in the .exp file beside it
 * (`bash test/structure/cpython/check.sh` re-runs them and compares); a
 * TypeScript test runs the same case on taskloop's virtual clock and must
 * print the same lines.
 */
import { readFileSync } from "node:fs";
import { run, getEventLoop, type Coro } from "taskloop";

/** The lines CPython printed for `caseName` in cpython/<program>.exp. */
export function expected(program: string, caseName: string): string[] {
  const text = readFileSync(new URL(`./cpython/${program}.exp`, import.meta.url), "utf8");
  const lines = text.split("\n");
  const start = lines.indexOf(`== ${caseName}`);
  if (start < 0) throw new Error(`no case ${caseName} in cpython/${program}.exp`);
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith("== ") && lines[end] !== "") end++;
  return lines.slice(start + 1, end);
}

/** Python's str() for what the programs print. */
function pyStr(x: unknown): string {
  if (x === true) return "True";
  if (x === false) return "False";
  if (x === null || x === undefined) return "None";
  if (typeof x === "number" && !Number.isInteger(x)) return String(x);
  return String(x);
}

/** Python's str() of a float (1.0, not 1). */
export function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

export type Print = (...xs: unknown[]) => void;

/** Runs one case on a fresh virtual-clock loop and gives what it printed. */
export async function runCase(body: (print: Print, clock: () => string) => Coro<void>): Promise<string[]> {
  const lines: string[] = [];
  const print: Print = (...xs) => void lines.push(xs.map(pyStr).join(" "));
  let t0 = 0;
  // Seconds since the case began, to 1 decimal, as cpython/_cases.py's clock().
  const clock = (): string => pyFloat(Math.round((getEventLoop().time() - t0) / 100) / 10);
  await run(
    function* () {
      t0 = getEventLoop().time();
      yield* body(print, clock);
    },
    { clock: "virtual" },
  );
  return lines;
}

/** A time `seconds` from now on the loop's clock, in its milliseconds (for timeoutAt, reschedule). */
export function inSeconds(seconds: number): number {
  return getEventLoop().time() + seconds * 1000;
}

/** Names of a set of tasks, sorted and joined, as cpython/_cases.py's names(). */
export function names(tasks: Iterable<{ name: string }>): string {
  return (
    [...tasks]
      .map((t) => t.name)
      .sort()
      .join(",") || "-"
  );
}
