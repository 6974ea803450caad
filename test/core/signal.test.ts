import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, isCancelled, getEventLoop, newEventLoop, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("an outside AbortSignal cancels the task when it aborts, with the reason as the cancel message", async () => {
  const controller = new AbortController();
  let seen = "";
  await run(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (isCancelled(e)) seen = e.message;
          throw e;
        }
      })(),
      { signal: controller.signal },
    );
    yield* sleep(1);
    controller.abort("user pressed stop");
    try {
      yield* t;
    } catch (e) {
      assert.ok(isCancelled(e));
    }
    assert.equal(t.cancelled(), true);
  }, virtual);
  assert.equal(seen, "user pressed stop");
});

test("a task given an already aborted signal never runs its body", async () => {
  let ran = false;
  await run(function* () {
    const t = createTask(
      (function* () {
        ran = true;
      })(),
      { signal: AbortSignal.abort(new Error("too late")) },
    );
    try {
      yield* t;
    } catch (e) {
      assert.ok(isCancelled(e));
      assert.equal((e as Error).message, "too late");
    }
  }, virtual);
  assert.equal(ran, false);
});

test("a finished task lets go of the outside signal (no listener left behind)", async () => {
  const controller = new AbortController();
  let added = 0;
  let removed = 0;
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    added++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    removed++;
    remove(...args);
  }) as typeof remove;
  await run(function* () {
    for (let i = 0; i < 10; i++)
      yield* createTask(
        (function* () {
          yield* sleep(0);
        })(),
        { signal },
      );
  }, virtual);
  assert.equal(added, 10);
  assert.equal(removed, 10);
  controller.abort(); // nobody left to cancel
});

test("run(main, { signal }) cancels the main task; run rejects with CancelledError carrying the reason", async () => {
  newEventLoop();
  const controller = new AbortController();
  let cleanup = false;
  setTimeout(() => controller.abort("shutting down"), 5);
  await assert.rejects(
    run(
      function* (): Coro<void> {
        try {
          yield* sleep(60);
        } finally {
          cleanup = true;
        }
      },
      { signal: controller.signal },
    ),
    (e: unknown) => e instanceof CancelledError && e.message === "shutting down",
  );
  assert.equal(cleanup, true);
});

test("run(main, { signal }) alone keeps the current default loop", async () => {
  const loop = newEventLoop(virtual);
  await run(
    function* () {
      assert.equal(getEventLoop(), loop);
    },
    { signal: new AbortController().signal },
  );
});

test("the signal option is checked", async () => {
  await run(function* () {
    assert.throws(() => createTask((function* () {})(), { signal: {} as AbortSignal }), /options\.signal must be an AbortSignal/);
    assert.throws(
      () => createTask((function* () {})(), { sginal: 1 } as unknown as { name: string }),
      /unknown option "sginal"; the options are name and signal/,
    );
  }, virtual);
  await assert.rejects(
    run(function* () {}, { signal: "stop" as unknown as AbortSignal }),
    /run\(main, options\): options\.signal must be an AbortSignal/,
  );
});
