import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { run, createTask, currentTask, sleep, CancelledError, Event, RuntimeError, type Awaitable } from "taskloop";

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

test("run() rejects with the deadlock report when the leftover tasks' cleanup deadlocks too, naming what stayed stuck", async () => {
  const never = new Event();
  let error: unknown = null;
  try {
    await run(function* () {
      const mk = (other: () => Awaitable<unknown>) => function* () {
        try { yield* other(); } finally { yield* never.wait(); }
      };
      const a: Awaitable<unknown> = createTask(mk(() => b)(), { name: "a" });
      const b: Awaitable<unknown> = createTask(mk(() => a)(), { name: "b" });
      yield* sleep(0.01);
    }, virtual);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RuntimeError, `expected the deadlock report, got ${String(error)}`);
  assert.match(error.message, /cleanup deadlocked too[\s\S]*waiting on Event/);
});
