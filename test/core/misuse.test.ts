import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, newEventLoop, getEventLoop, sleep, gather, type Coro, type Task } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("LoopOptions are checked: an unknown clock is a TypeError, a negative slowStepMs a RangeError", () => {
  assert.throws(() => newEventLoop({ clock: "fast" as "real" }), /LoopOptions.clock must be "real" or "virtual"/);
  assert.throws(() => newEventLoop({ slowStepMs: -1 }), RangeError);
  assert.throws(() => newEventLoop({ onSlowStep: 3 as unknown as () => void }), /onSlowStep must be a function/);
});

test("task methods check their arguments", async () => {
  await run(function* () {
    const t: Task<void> = createTask(function* () { yield* sleep(1); }());
    assert.throws(() => t.cancel(5 as unknown as string), /msg must be a string/);
    assert.throws(() => t.addDoneCallback("x" as unknown as () => void), /cb must be a function/);
    assert.throws(() => createTask(function* () {}(), { name: 7 as unknown as string }), /options.name must be a string/);
    yield* t;
  }, virtual);
});

test("setExceptionHandler takes a function or null", () => {
  assert.throws(() => getEventLoop().setExceptionHandler("log" as unknown as null), /handler must be a function or null/);
});

test("gather names the argument that is not awaitable", () => {
  function* ok(): Coro<number> { return 1; }
  assert.throws(() => gather(ok(), 5 as unknown as Coro<number>), /argument 2 must be a coroutine/);
  assert.throws(() => gather(ok as unknown as Coro<number>), /a function \(call it first\)/);
});

test("sleep(Infinity) is a RangeError that suggests waiting on an Event", () => {
  assert.throws(() => sleep(Infinity), /must be finite/);
});

test("an error thrown by a task's cleanup during run() shutdown is reported, not lost", async () => {
  const seen: string[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_l, ctx) => seen.push(`${ctx.message}: ${(ctx.exception as Error).message}`));
    createTask(function* () { try { yield* sleep(100); } finally { throw new Error("cleanup broke"); } }());
    yield* sleep(1);
  }, virtual);
  assert.deepEqual(seen, ["unhandled exception during run() shutdown: cleanup broke"]);
});
