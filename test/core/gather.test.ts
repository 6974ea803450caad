import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleepMs, gather, getEventLoop, Queue } from "taskloop";

const virtual = { clock: "virtual" } as const;

// CPython 3.12 (gather of a task waiting in Queue.get, the gatherer cancelled twice
// in a row): "child cleanup", "gatherer ends", and no task left.
test("a task cancelled twice before it resumes from gather still cancels and awaits its children", async () => {
  const log: string[] = [];
  await run(function* () {
    const q = new Queue<number>();
    function* child() {
      try { yield* q.get(); } finally { log.push("child cleanup"); }
    }
    const g = createTask(function* () {
      try { yield* gather(createTask(child())); } finally { log.push("gatherer ends"); }
    }());
    yield* sleepMs(10);
    g.cancel();
    g.cancel();
    yield* sleepMs(10);
    log.push(`left: ${getEventLoop().tasks().map((t) => t.name).join(",")}`);
  }, virtual);
  assert.deepEqual(log, ["child cleanup", "gatherer ends", "left: main"]);
});
