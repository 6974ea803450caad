// The event-loop blog: an exception handled inside the task, which keeps going.
// Run: npx tsx examples/blog/03-exception-in-task.ts
import { sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

/** Pretends to parse a reading; "bad" input throws, like a corrupt frame would. */
function parse(raw: string): number {
  const value = Number(raw);
  if (Number.isNaN(value)) throw new Error(`cannot parse ${JSON.stringify(raw)}`);
  return value;
}

export function* main(log: Log = print): Coro<void> {
  for (const raw of ["21.5", "bad", "22.0"]) {
    try {
      log(`Reading: ${parse(raw)}`);
    } catch (e) {
      log(`Error handled in the task: ${e instanceof Error ? e.message : String(e)}`);
    }
    yield* sleep(1);
  }
  log("Task finished normally");
}

if (isMain(import.meta)) await runMain(main());
