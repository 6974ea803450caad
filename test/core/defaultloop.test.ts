import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, currentTask, getEventLoop, newEventLoop, RuntimeError } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("currentTask gives the running task, and throws RuntimeError outside a task", async () => {
  assert.throws(
    () => currentTask(),
    (e: unknown) => e instanceof RuntimeError && /no running event loop/.test(e.message),
  );
  await run(function* () {
    const t = createTask(
      (function* () {
        return currentTask();
      })(),
      { name: "me" },
    );
    const seen = yield* t;
    assert.equal(seen, t);
  }, virtual);
});

test("getEventLoop gives the default loop and newEventLoop makes a fresh default", () => {
  const a = getEventLoop();
  assert.equal(getEventLoop(), a);
  const b = newEventLoop();
  assert.notEqual(a, b);
  assert.equal(getEventLoop(), b);
});
