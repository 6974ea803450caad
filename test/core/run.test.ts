import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { run, createTask, currentTask, sleep, CancelledError } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("when run() rejects because main was cancelled, the error as printed names the task (main) and where it was waiting", { timeout: 5000 }, async () => {
  let error: unknown = null;
  try {
    await run(function* () {
      const main = currentTask();
      createTask(function* () {
        yield* sleep(0.01);
        main.cancel();
      }(), { name: "canceller" });
      yield* sleep(0.5);
    }, virtual);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CancelledError, `expected CancelledError, got ${String(error)}`);
  const printed = inspect(error);
  assert.notEqual(printed, "[CancelledError]");
  assert.match(printed, /\bmain\b/);
  assert.match(printed, /sleep 500 ms/);
});
