import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { newEventLoop, sleepMs, type Coro } from "taskloop";
import { ReadyQueue } from "../../src/core/readyqueue.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

test("the ready queue gives its slots back once a burst has drained (compact), keeping the order of what is left", () => {
  const q = new ReadyQueue<number>();
  for (let i = 0; i < 100_000; i++) q.push(i);
  assert.ok(q.capacity >= 100_000);
  for (let i = 0; i < 99_990; i++) q.shift();
  q.compact();
  assert.equal(q.capacity, 64);
  assert.deepEqual([...q], [99_990, 99_991, 99_992, 99_993, 99_994, 99_995, 99_996, 99_997, 99_998, 99_999]);
});

test("after 200,000 tasks ran and slept, the idle loop holds no more than a few MB more than before", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  function* sleeper(): Coro<void> {
    yield* sleepMs(1);
  }
  await loop.runUntilComplete(
    (function* () {
      yield* sleepMs(1);
    })(),
  );
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const before = process.memoryUsage().heapUsed;
  await loop.runUntilComplete(
    (function* () {
      const tasks = [];
      for (let i = 0; i < 200_000; i++) tasks.push(loop.createTask(sleeper()));
      for (const t of tasks) yield* t;
      yield* sleepMs(1); // the loop goes idle: it compacts
    })(),
  );
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
  // Without compaction the ready-queue ring (262,144 slots) and the timer-heap array keep ~4 MB.
  assert.ok(grownMb < 2, `the idle loop kept ${grownMb.toFixed(1)} MB`);
});
