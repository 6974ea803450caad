import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, RuntimeError, type Coro, type Task, newEventLoop, Event } from "taskloop";

const virtual = { clock: "virtual" } as const;

/** Two tasks, A awaiting B and B awaiting A. */
function cycle(log: string[]): { a: Task<void>; b: Task<void> } {
  const tasks: { a?: Task<void>; b?: Task<void> } = {};
  tasks.a = createTask(
    (function* (): Coro<void> {
      try {
        yield* tasks.b!;
      } finally {
        log.push("A ends");
      }
    })(),
    { name: "task-alpha" },
  );
  tasks.b = createTask(
    (function* (): Coro<void> {
      try {
        yield* tasks.a!;
      } finally {
        log.push("B ends");
      }
    })(),
    { name: "task-beta" },
  );
  return tasks as { a: Task<void>; b: Task<void> };
}

test("an await cycle (A awaits B awaits A) is a deadlock: run rejects with a RuntimeError naming the cycle and both tasks, not a RangeError", {
  timeout: 5000,
}, async () => {
  const log: string[] = [];
  let error: unknown = null;
  try {
    await run(function* () {
      const { a } = cycle(log);
      yield* a;
    }, virtual);
  } catch (e) {
    error = e;
  }
  assert.ok(!(error instanceof RangeError), `the report overflowed the stack: ${String(error)}`);
  assert.ok(error instanceof RuntimeError, `expected a RuntimeError, got ${String(error)}`);
  const message = (error as Error).message;
  assert.match(message, /deadlock/);
  assert.match(message, /cycle/);
  assert.match(message, /task-alpha/);
  assert.match(message, /task-beta/);
});

test("cancelling a task of an await cycle ends both tasks and run settles", { timeout: 5000 }, async () => {
  const log: string[] = [];
  await run(function* () {
    const { a, b } = cycle(log);
    yield* sleep(0.01);
    assert.equal(a.cancel(), true);
    yield* sleep(0.01);
    assert.equal(a.done(), true);
    assert.equal(b.done(), true);
  }, virtual);
  assert.deepEqual([...log].sort(), ["A ends", "B ends"]);
});

test("runForever rejects with the deadlock report once the stuck tasks' cleanup has run", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.createTask(
    (function* () {
      try {
        yield* new Event().wait();
      } finally {
        log.push("cleanup ran");
      }
    })(),
    { name: "stuck" },
  );
  await assert.rejects(loop.runForever(), (e: unknown) => e instanceof RuntimeError && /deadlock/.test(e.message) && /stuck/.test(e.message));
  assert.deepEqual(log, ["cleanup ran"]);
});
