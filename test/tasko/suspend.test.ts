import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, suspend, sleepMs, getEventLoop, CancelledError, RuntimeError } from "taskloop";

const virtual = { clock: "virtual" } as const;
const now = (): number => getEventLoop().time();

test("a task waiting on suspend() carries on when another task calls the resumer", async () => {
  const log: string[] = [];
  await run(function* () {
    const [wait, resume] = suspend();
    const waiter = createTask(
      (function* () {
        yield* wait;
        log.push(`resumed at ${now()}`);
      })(),
    );
    yield* sleepMs(30);
    log.push("resume");
    resume();
    yield* waiter;
  }, virtual);
  assert.deepEqual(log, ["resume", "resumed at 30"]);
});

test("calling the resumer before the task waits makes the wait return at once", async () => {
  await run(function* () {
    const [wait, resume] = suspend();
    resume();
    const before = now();
    yield* wait;
    assert.equal(now(), before);
  }, virtual);
});

test("calling the resumer twice is harmless", async () => {
  let resumed = 0;
  await run(function* () {
    const [wait, resume] = suspend();
    const waiter = createTask(
      (function* () {
        yield* wait;
        resumed++;
      })(),
    );
    yield* sleepMs(1);
    resume();
    resume();
    yield* waiter;
    resume();
    yield* sleepMs(1);
  }, virtual);
  assert.equal(resumed, 1);
});

test("the resumer may be called from a host callback outside any task, waking an idle loop", async () => {
  const result = await run(
    function* () {
      const [wait, resume] = suspend();
      setTimeout(resume, 10);
      const t0 = now();
      yield* wait;
      return now() - t0;
    },
    { clock: "real" },
  );
  assert.ok(result >= 5, `waited ${result} ms`);
});

test("a task cancelled while suspended sees CancelledError, and a later resume is harmless", async () => {
  const log: string[] = [];
  await run(function* () {
    const [wait, resume] = suspend();
    const waiter = createTask(
      (function* () {
        try {
          yield* wait;
          log.push("not reached");
        } catch (e) {
          log.push((e as Error).name);
          throw e;
        }
      })(),
    );
    yield* sleepMs(1);
    waiter.cancel();
    yield* sleepMs(1);
    resume();
    yield* sleepMs(1);
    assert.equal(waiter.cancelled(), true);
    assert.throws(() => waiter.result(), CancelledError);
  }, virtual);
  assert.deepEqual(log, ["CancelledError"]);
});

test("a suspended task shows as waiting on suspend in loop.tasks()", async () => {
  await run(function* () {
    const [wait, resume] = suspend();
    const waiter = createTask(
      (function* () {
        yield* wait;
      })(),
      { name: "waiter" },
    );
    yield* sleepMs(1);
    const info = getEventLoop()
      .tasks()
      .find((t) => t.name === "waiter");
    assert.equal(info?.waitingOn, "suspend");
    resume();
    yield* waiter;
  }, virtual);
});

test("waiting on suspend() outside a task throws RuntimeError", () => {
  const [wait] = suspend();
  assert.throws(() => wait[Symbol.iterator]().next(), RuntimeError);
});
