import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, newEventLoop, RuntimeError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("loop.runForever runs until loop.stop(), and the stopped tasks carry on in the next runForever", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  loop.createTask(
    (function* () {
      for (let i = 0; i < 4; i++) {
        log.push(`tick ${i}`);
        yield* sleep(1);
        if (i === 1 || i === 3) loop.stop();
      }
    })(),
  );
  await loop.runForever();
  log.push("stopped");
  await loop.runForever();
  log.push("stopped again");
  // stop() takes effect when the current step ends, so "tick 2" is logged before the loop stops.
  assert.deepEqual(log, ["tick 0", "tick 1", "tick 2", "stopped", "tick 3", "stopped again"]);
});

test("loop.runUntilComplete returns the result and leaves other tasks queued for the next run", async () => {
  const loop = newEventLoop(virtual);
  const log: string[] = [];
  loop.createTask(
    (function* () {
      for (;;) {
        log.push(`bg ${loop.time()}`);
        yield* sleep(1);
      }
    })(),
  );
  const v = await loop.runUntilComplete(
    (function* () {
      yield* sleep(1.5);
      return "done";
    })(),
  );
  assert.equal(v, "done");
  assert.deepEqual(log, ["bg 0", "bg 1000"]);
  await loop.runUntilComplete(
    (function* () {
      yield* sleep(1);
    })(),
  );
  assert.deepEqual(log, ["bg 0", "bg 1000", "bg 2000"]);
});

test("loop.stop ends runForever and a closed loop refuses to run", async () => {
  const loop = newEventLoop(virtual);
  loop.createTask(
    (function* () {
      yield* sleep(5);
      loop.stop();
    })(),
  );
  await loop.runForever();
  assert.equal(loop.time(), 5000);
  loop.close();
  await assert.rejects(loop.runForever(), RuntimeError);
  assert.throws(() => loop.createTask((function* () {})()), RuntimeError);
});

test("running a loop that is already running is a RuntimeError", async () => {
  const loop = newEventLoop(virtual);
  const first = loop.runUntilComplete(
    (function* () {
      yield* sleep(1);
    })(),
  );
  await assert.rejects(loop.runForever(), /already running/);
  await first;
});

test("runUntilComplete names its argument when it is not awaitable", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  await assert.rejects(loop.runUntilComplete(42 as unknown as Coro<void>), (e: unknown) => e instanceof TypeError && /runUntilComplete\(aw\)/.test(e.message));
  assert.equal(loop.tasks().length, 0);
});

test("loop.stop() from a task lets the tasks already ready in that round take their turn", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.createTask(
    (function* () {
      yield* sleep(0);
      log.push("A stops");
      loop.stop();
      yield* sleep(0);
      log.push("A again");
    })(),
  );
  loop.createTask(
    (function* () {
      yield* sleep(0);
      log.push("B same round");
      yield* sleep(0);
      log.push("B again");
    })(),
  );
  await loop.runForever();
  log.push("runForever returned");
  loop.createTask(
    (function* () {
      yield* sleep(1);
      loop.stop();
    })(),
  );
  await loop.runForever();
  assert.deepEqual(log, ["A stops", "B same round", "runForever returned", "A again", "B again"]);
});
