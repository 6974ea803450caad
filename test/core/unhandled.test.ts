import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, type Coro, type ExceptionContext } from "taskloop";

const virtual = { clock: "virtual" } as const;

test("a failed task nobody awaits makes the loop call the exception handler once", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    const loop = getEventLoop();
    loop.setExceptionHandler((l, ctx) => {
      assert.equal(l, loop);
      seen.push(ctx);
    });
    assert.equal(typeof loop.getExceptionHandler(), "function");
    const t = createTask(
      (function* (): Coro<void> {
        yield;
        throw new Error("lost");
      })(),
    );
    yield* sleep(1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.message, "Task exception wasn't retrieved");
    assert.equal((seen[0]!.exception as Error).message, "lost");
    assert.equal(seen[0]!.future, t);
    loop.setExceptionHandler(null);
    assert.equal(loop.getExceptionHandler(), null);
  }, virtual);
});

test("an error retrieved by an awaiter is not reported to the exception handler", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    const t = createTask(
      (function* (): Coro<void> {
        yield;
        throw new Error("handled");
      })(),
    );
    try {
      yield* t;
    } catch {
      /* retrieved */
    }
    yield* sleep(1);
  }, virtual);
  assert.equal(seen.length, 0);
});

test("the default exception handler prints the message, the task and the stack to stderr", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    lines.push(args.join(" "));
  };
  try {
    await run(function* () {
      createTask(
        (function* (): Coro<void> {
          yield;
          throw new Error("printed");
        })(),
        { name: "failing" },
      );
      yield* sleep(1);
    }, virtual);
  } finally {
    console.error = original;
  }
  const text = lines.join("\n");
  assert.match(text, /Task exception wasn't retrieved/);
  assert.match(text, /failing/);
  assert.match(text, /Error: printed/);
});

test("the loop calls callExceptionHandler with a custom context and keeps running", async () => {
  const seen: string[] = [];
  await run(function* () {
    const loop = getEventLoop();
    loop.setExceptionHandler((_l, ctx) => seen.push(ctx.message));
    loop.callExceptionHandler({ message: "custom" });
    yield* sleep(1);
    seen.push("still running");
  }, virtual);
  assert.deepEqual(seen, ["custom", "still running"]);
});

test("an error retrieved later in the same round is not reported, even when a slice ends between the two steps", async () => {
  const seen: string[] = [];
  await run(
    function* () {
      getEventLoop().setExceptionHandler((_l, ctx) => seen.push(ctx.message));
      const t = createTask(
        (function* (): Coro<void> {
          const end = performance.now() + 8; // longer than a slice: the loop gives way to the host right after this step
          while (performance.now() < end) {
            /* busy */
          }
          throw new Error("retrieved below");
        })(),
      );
      yield* sleep(0);
      try {
        yield* t;
      } catch {
        /* retrieved */
      }
    },
    { clock: "real", slowStepMs: 1000, onSlowStep: () => {} },
  );
  assert.deepEqual(seen, []);
});
