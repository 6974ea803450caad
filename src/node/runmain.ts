/**
 * `runMain(main, options)`: `run` for a Node program's entry point. It does
 * what CPython's `asyncio.run` does for a script, and what a device program
 * needs from Ctrl-C: the first SIGINT or SIGTERM cancels the main task, so
 * its `finally` blocks run (the LEDs go off); a second one exits at once.
 */
import { CancelledError, getEventLoop, isCancelled, run, type Coro, type RunOptions } from "../index.ts";
import { closeThreads, configureThreads, type ThreadPoolOptions } from "./tothread.ts";

/**
 * Options of `runMain`: those of `run`, and the `toThread` pool's.
 *
 * @example
 * ```ts
 * await runMain(main, { threads: { size: 2 } });
 * ```
 */
export interface RunMainOptions extends RunOptions {
  /** Options of the `toThread` pool (see `configureThreads`); the pool is closed when main ends. */
  threads?: ThreadPoolOptions;
}

const STATUS: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

/** The live tasks, as the deadlock report lists them. */
function stuckTasks(): string {
  return getEventLoop()
    .tasks()
    .map((t) => `  task ${t.id} (${t.name}): waiting on ${t.waitingOn ?? "nothing (ready)"}`)
    .join("\n");
}

/**
 * Runs `main` as the program's main task, as `run` does, and owns the
 * process around it:
 * - The first SIGINT (Ctrl-C) or SIGTERM cancels the main task: its cleanup
 *   runs (`finally` blocks, `task.stop()` of its children), then the other
 *   tasks' (as `run` cancels them), and the exit status is 130 (SIGINT) or
 *   143 (SIGTERM). A second signal exits at once with that status.
 * - An error that ends main is printed to stderr with the task's name, and
 *   the exit status is 1.
 * - If the process is about to exit while tasks still wait (nothing can ever
 *   wake them: the deadlock of a real-clock program), the deadlock report is
 *   printed, the tasks are cancelled so their cleanup runs, and the exit
 *   status is 1.
 * - The `toThread` pool is closed when main has ended.
 * It sets `process.exitCode` and resolves (it never rejects), so code after
 * `await runMain(…)` runs; the process then exits as usual.
 *
 * @example
 * ```ts
 * import { runMain } from "taskloop/node";
 * function* main() {
 *   try { for (;;) { led.toggle(); yield* sleep(0.5); } }
 *   finally { led.off(); console.log("LED off"); } // Ctrl-C runs this
 * }
 * await runMain(main);
 * ```
 */
export async function runMain<T>(main: Coro<T> | (() => Coro<T>), options: RunMainOptions = {}): Promise<void> {
  if (typeof options !== "object" || options === null) throw new TypeError(`runMain(main, options): options must be an object, got ${String(options)}`);
  const { threads, signal: outside, ...runOptions } = options;
  if (threads !== undefined) configureThreads(threads);
  const controller = new AbortController();
  let received: "SIGINT" | "SIGTERM" | null = null;
  let deadlocked = false;
  const onSignal = (name: "SIGINT" | "SIGTERM"): void => {
    if (received !== null) {
      process.stderr.write(`\n${name} again: exiting at once\n`);
      process.exit(STATUS[name]);
    }
    received = name;
    process.stderr.write(`\n${name}: cancelling the main task so its cleanup runs (${name === "SIGINT" ? "Ctrl-C" : "send it"} again to exit at once)\n`);
    controller.abort(name);
  };
  const onInt = (): void => onSignal("SIGINT");
  const onTerm = (): void => onSignal("SIGTERM");
  // beforeExit: Node's event loop is empty, yet main has not ended: every task waits for something nobody can do.
  const onBeforeExit = (): void => {
    const report = `deadlock: the process is about to exit, but its tasks still wait and nothing can wake them:\n${stuckTasks()}`;
    if (deadlocked) {
      process.stderr.write(`${report}\n(their cleanup deadlocked too; giving up)\n`);
      process.exit(1);
    }
    deadlocked = true;
    process.stderr.write(`${report}\n`);
    controller.abort("deadlock");
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  process.on("beforeExit", onBeforeExit);
  outside?.addEventListener("abort", () => controller.abort(outside.reason), { once: true });
  if (outside?.aborted) controller.abort(outside.reason);
  try {
    await run(main, { ...runOptions, signal: controller.signal });
  } catch (error) {
    if (deadlocked) {
      process.exitCode = 1;
    } else if (received !== null && isCancelled(error)) {
      process.exitCode = STATUS[received];
    } else {
      const what = error instanceof Error ? (error.stack ?? String(error)) : `${String(error)} (thrown value, not an Error)`;
      const cancelled = error instanceof CancelledError ? " (cancelled)" : "";
      process.stderr.write(`taskloop: task main failed${cancelled}:\n${what}\n`);
      process.exitCode = 1;
    }
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    process.off("beforeExit", onBeforeExit);
    await closeThreads();
  }
  if (deadlocked) process.exitCode = 1;
}
