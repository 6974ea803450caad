/**
 * The little that every example shares: how it prints, how it knows it was
 * started by itself (`npx tsx examples/<file>.ts`), and a simulated finger for
 * the examples that wait for a button.
 */
import { pathToFileURL } from "node:url";
import { getEventLoop, sleep, type Coro } from "taskloop";
import type { Pin } from "taskloop/device";

/** Where an example prints; tests pass their own to capture a transcript. */
export type Log = (line: string) => void;

/** Prints like MicroPython's `print`. */
export const print: Log = (line) => console.log(line);

/** Whether the module with this `import.meta` is the program being run, not an import. */
export function isMain(meta: ImportMeta): boolean {
  const script = process.argv[1];
  return script !== undefined && meta.url === pathToFileURL(script).href;
}

/** Seconds since the loop started, for "uptime" lines. */
export function uptime(): number {
  return Math.floor(getEventLoop().time() / 1000);
}

/**
 * A finger on a button wired to ground (pin pulled up): presses at each of
 * `atSeconds` (loop time) and holds for `holdSeconds`. Run it as a task.
 */
export function* finger(pin: Pin, atSeconds: number[], holdSeconds = 0.1): Coro<void> {
  for (const at of atSeconds) {
    yield* sleep(at - getEventLoop().time() / 1000);
    pin.drive(0);
    yield* sleep(holdSeconds);
    pin.drive(1);
  }
}
