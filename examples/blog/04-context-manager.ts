// The event-loop blog: a resource released by a context manager. Python's
// `async with` becomes `using`: the resource is released when the block ends,
// however it ends, even when the task is cancelled in the middle.
// Run: npx tsx examples/blog/04-context-manager.ts
import { createTask, sleep, CancelledError, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

/** A shared bus: acquired on creation, released by `using` at block end. */
export class Bus implements Disposable {
  constructor(
    private readonly name: string,
    private readonly log: Log,
  ) {
    log(`${name}: acquired`);
  }
  [Symbol.dispose](): void {
    this.log(`${this.name}: released`);
  }
}

function* useBus(name: string, seconds: number, log: Log): Coro<void> {
  // biome-ignore lint/correctness/noUnusedVariables: `using` releases the bus at block end; the name is never read
  using bus = new Bus(name, log);
  log(`${name}: working for ${seconds} s`);
  yield* sleep(seconds);
  log(`${name}: done`);
}

export function* main(log: Log = print): Coro<void> {
  yield* useBus("bus A", 1, log); // ends normally
  const task = createTask(useBus("bus B", 10, log));
  yield* sleep(0.5);
  task.cancel(); // cancelled in the middle: still released
  try {
    yield* task;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    log("bus B: task cancelled");
  }
}

if (isMain(import.meta)) await runMain(main());
