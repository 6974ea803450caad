import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "taskloop";
import { Pin } from "taskloop/device";
import { changes, transcript, virtual } from "./_transcript.ts";
import * as hello from "../../examples/pico/01-hello-task.ts";
import * as twoTasks from "../../examples/pico/02-two-tasks.ts";
import * as fireAndWait from "../../examples/pico/03-fire-and-wait.ts";
import * as blinkForever from "../../examples/pico/04-blink-forever.ts";
import * as grouped from "../../examples/pico/05-grouped-tasks.ts";
import * as cancelWorker from "../../examples/pico/06-cancel-worker.ts";
import * as taskError from "../../examples/pico/07-task-error.ts";

test("hello task: the task prints, sleeps 1 s, and main ends after it", async () => {
  const { log, lines } = transcript();
  await run(hello.main(log), virtual);
  assert.deepEqual(lines, ["0 Hello from a task!", "1000 Task finished after 1 second", "1000 Main is done"]);
});

test("two tasks: task 1 every 1 s three times and task 2 every 0.5 s five times interleave in time order", async () => {
  const { log, lines } = transcript();
  await run(twoTasks.main(log), virtual);
  assert.deepEqual(lines, [
    "0 Task 1: step 1",
    "0 Task 2: step 1",
    "500 Task 2: step 2",
    "1000 Task 1: step 2",
    "1000 Task 2: step 3",
    "1500 Task 2: step 4",
    "2000 Task 1: step 3",
    "2000 Task 2: step 5",
    "3000 Both tasks finished",
  ]);
});

test("fire and wait: main works while the fired task runs, then gets its result", async () => {
  const { log, lines } = transcript();
  await run(fireAndWait.main(log), virtual);
  assert.deepEqual(lines, [
    "0 Main keeps working (1)",
    "0 Reading started",
    "500 Main keeps working (2)",
    "1000 Main keeps working (3)",
    "2000 Reading done",
    "2000 Result: 23.5",
  ]);
});

test("blink forever: 0.5 s on / 0.5 s off for 5 s gives exactly 10 transitions at the right times", async () => {
  const led = new Pin("LED", Pin.OUT);
  const { log, lines } = transcript();
  await run(blinkForever.main({ led, log, seconds: 5 }), virtual);
  assert.deepEqual(changes(led.history), ["0:1", "500:0", "1000:1", "1500:0", "2000:1", "2500:0", "3000:1", "3500:0", "4000:1", "4500:0"]);
  assert.equal(lines.length, 11);
  assert.equal(lines[0], "0 LED on");
  assert.equal(lines.at(-1), "5000 Stopped after 5 s");
  assert.equal(led.value(), 0);
});

test("grouped tasks: blink, heartbeat and monitor run together until the group is cancelled", async () => {
  const led = new Pin("LED", Pin.OUT);
  const { log, lines } = transcript();
  await run(grouped.main({ led, log, seconds: 6.5 }), virtual);
  assert.deepEqual(lines, [
    "0 heartbeat",
    "1000 heartbeat",
    "2000 heartbeat",
    "3000 monitor: up 3 s", // its 3 s sleep began at 0, before heartbeat's at 2000
    "3000 heartbeat",
    "4000 heartbeat",
    "5000 heartbeat",
    "6000 monitor: up 6 s",
    "6000 heartbeat",
    "6500 All tasks stopped",
  ]);
  // Toggles at 0, 500, ..., 6500: blink's 6.5 s wake-up is due with the timeout, and a
  // cancelled gather lets children already ready take their turn first (MicroPython's order).
  assert.equal(led.history.length, 14);
  assert.equal(led.history.at(-1)!.time, 6500);
});

test("cancel worker: the worker ticks for 2 s, then cleans up before main sees it cancelled", async () => {
  const { log, lines } = transcript();
  await run(cancelWorker.main(log), virtual);
  assert.deepEqual(lines, [
    "0 Worker: tick 1",
    "500 Worker: tick 2",
    "1000 Worker: tick 3",
    "1500 Worker: tick 4",
    "2000 Main: cancelling the worker",
    "2000 Worker: cleaning up",
    "2000 Main: worker was cancelled",
  ]);
});

test("task error: the error a task throws is caught by the task awaiting it", async () => {
  const { log, lines } = transcript();
  await run(taskError.main(log), virtual);
  assert.deepEqual(lines, ["0 Sensor task: reading...", "1000 Caught error from task: sensor not responding", "1000 Main carries on"]);
});
