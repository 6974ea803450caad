// toThread runs in this process: the test runner's --import tsx reaches the
// worker threads too, so the jobs are the TypeScript functions of fixtures/jobs.ts.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, schedule, isCancelled, getEventLoop, type Coro } from "taskloop";
import { toThread, closeThreads, configureThreads, jobSignal } from "taskloop/node";
import { hashMegabytes } from "./fixtures/jobs.ts";

const JOBS = new URL("./fixtures/jobs.ts", import.meta.url);

after(() => closeThreads());

test("toThread gives the exported function's result to the task", async () => {
  const sum = await run(function* (): Coro<number> {
    return yield* toThread<number>(JOBS, "add", 2, 3);
  });
  assert.equal(sum, 5);
  const text = await run(function* (): Coro<string> {
    return yield* toThread<Promise<string>>(JOBS, "later", 10, "async result");
  });
  assert.equal(text, "async result");
});

test("a CPU-bound hash of 50 MB runs in a worker while a 100 Hz schedule keeps ticking", async () => {
  let ticks = 0;
  let ticksDuringJob = 0;
  let jobRunning = false;
  const digest = await run(function* (): Coro<number> {
    const ticker = schedule(100, () => {
      ticks++;
      if (jobRunning) ticksDuringJob++;
    });
    yield* sleep(0.05);
    jobRunning = true;
    const h = yield* toThread<number>(JOBS, "hashMegabytes", 50);
    jobRunning = false;
    ticker.cancel();
    return h;
  });
  assert.equal(digest, hashMegabytes(50));
  // Generating and hashing 50 MB takes well over 30 ms on any machine; the loop was free meanwhile.
  assert.ok(ticksDuringJob >= 3, `only ${ticksDuringJob} of ${ticks} ticks ran while the job did`);
});

test("cancelling the task aborts the job through jobSignal(), and the pool stays usable", async () => {
  await run(function* () {
    const job = createTask(toThread<number>(JOBS, "spinUntilAborted")[Symbol.iterator]() as Coro<number>);
    yield* sleep(0.1);
    assert.equal(yield* job.stop(), true);
    assert.equal(yield* toThread<number>(JOBS, "add", 1, 1), 2);
  });
});

test("a job that ignores its signal is stopped by terminating its worker after the grace period", async () => {
  await closeThreads();
  configureThreads({ abortGraceMs: 50 });
  try {
    await run(function* () {
      const job = createTask(toThread(JOBS, "spinForever")[Symbol.iterator]() as Coro<unknown>);
      yield* sleep(0.1);
      job.cancel();
      try {
        yield* job;
        assert.fail("the job should have been cancelled");
      } catch (e) {
        assert.ok(isCancelled(e));
      }
      assert.equal(yield* toThread<number>(JOBS, "add", 2, 2), 4);
    });
  } finally {
    await closeThreads();
    configureThreads({});
  }
});

test("an error thrown in the worker reaches the task with the worker's stack", async () => {
  await assert.rejects(
    run(function* () {
      yield* toThread(JOBS, "failDeep");
    }),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal(e.message, "bad calibration table");
      assert.match(e.stack ?? "", /failDeep/);
      assert.match(e.stack ?? "", /jobs\.ts/);
      return true;
    },
  );
});

test("toThread checks its arguments", () => {
  assert.throws(() => toThread("./jobs.ts", "add"), /write new URL\("\.\/jobs\.ts", import\.meta\.url\)/);
  assert.throws(() => toThread(JOBS, ""), /exportName must be the name of an exported function/);
  assert.throws(() => configureThreads({ size: 0 }), RangeError);
});

test("a missing export is named, with the module's exported functions", async () => {
  await assert.rejects(
    run(function* () {
      yield* toThread(JOBS, "nope");
    }),
    /has no exported function "nope" \(its exported functions: .*add/,
  );
});

test("jobSignal() outside a job never aborts", () => {
  assert.equal(jobSignal().aborted, false);
  void getEventLoop;
});
