import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { newEventLoop, run, sleep, sleepMs, type Coro, type ExceptionContext } from "taskloop";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Collects garbage until `done()` or 50 rounds, letting finalizers run between rounds. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("debug mode: a sleep made but never awaited is reported, naming the line that made it", async () => {
  const reports: ExceptionContext[] = [];
  const loop = newEventLoop({ clock: "virtual", debug: true });
  loop.setExceptionHandler((_l, context) => void reports.push(context));
  await loop.runUntilComplete(
    (function* forgetful(): Coro<void> {
      sleep(1); // the mistake: no yield*
      yield* sleep(0.5);
    })(),
  );
  await collectUntil(() => reports.length > 0);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.message, "sleep(1) was never awaited");
  const error = reports[0]!.exception as Error;
  assert.match(error.message, /did you forget `yield\*`\?/);
  assert.match(error.stack!.split("\n")[1]!, /forgetful .*debug\.test\.ts/, error.stack);
});

test("debug mode: sleeps that are awaited are never reported", async () => {
  const reports: ExceptionContext[] = [];
  const loop = newEventLoop({ clock: "virtual", debug: true });
  loop.setExceptionHandler((_l, context) => void reports.push(context));
  await loop.runUntilComplete(
    (function* (): Coro<void> {
      for (let i = 0; i < 100; i++) yield* sleepMs(10);
    })(),
  );
  let collected = false;
  const probe = new FinalizationRegistry(() => void (collected = true));
  probe.register({}, 0);
  await collectUntil(() => collected);
  assert.deepEqual(reports, []);
});

test("debug mode: `yield sleep(1)` (the star forgotten) throws a TypeError whose stack starts at the user's line", async () => {
  let caught: unknown;
  await run(
    function* starless(): Coro<void> {
      try {
        yield sleep(1);
      } catch (error) {
        caught = error;
      }
    },
    { clock: "virtual", debug: true },
  );
  assert.ok(caught instanceof TypeError);
  assert.match(caught.message, /yield\* sleep\(1\)/);
  assert.match(caught.stack!.split("\n")[1]!, /starless .*debug\.test\.ts/, caught.stack);
});

test("without debug mode a sleep is the shared awaitable: nothing is captured", async () => {
  const made: unknown[] = [];
  await run(
    function* (): Coro<void> {
      made.push(sleep(1), sleep(1));
    },
    { clock: "virtual" },
  );
  assert.equal(made[0], made[1]);
});

test("LoopOptions.debug must be a boolean", () => {
  assert.throws(() => newEventLoop({ debug: "yes" as unknown as boolean }), /LoopOptions.debug must be a boolean/);
});
