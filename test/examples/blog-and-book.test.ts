import { test } from "node:test";
import assert from "node:assert/strict";
import { run, newEventLoop } from "taskloop";
import { Pin } from "taskloop/device";
import { changes, transcript, virtual } from "./_transcript.ts";
import * as hello from "../../examples/blog/01-hello-every-second.ts";
import * as twoTasks from "../../examples/blog/02-two-tasks.ts";
import * as exception from "../../examples/blog/03-exception-in-task.ts";
import * as contextManager from "../../examples/blog/04-context-manager.ts";
import * as railroad from "../../examples/railroad-blinky.ts";

test("blog hello: says hello once a second", async () => {
  const { log, lines } = transcript();
  await run(hello.main(log, 4), virtual);
  assert.deepEqual(lines, ["0 Hello, world!", "1000 Hello, world!", "2000 Hello, world!", "3000 Hello, world!"]);
});

test("blog two tasks: task1 ticks every second and task2 every two seconds", async () => {
  const { log, lines } = transcript();
  await run(twoTasks.main(log, 4), virtual);
  assert.deepEqual(lines, [
    "0 task1: tick (every 1 s)",
    "0 task2: tick (every 2 s)",
    "1000 task1: tick (every 1 s)",
    "2000 task2: tick (every 2 s)", // its sleep began at 0, task1's at 1000: equal deadlines fire in the order they were set
    "2000 task1: tick (every 1 s)",
    "3000 task1: tick (every 1 s)",
    "4000 task2: tick (every 2 s)", // main's last sleep began at 3000, after task2's;
    "4000 task1: tick (every 1 s)", // the round where main ends still runs, as in CPython's asyncio.run
  ]);
});

test("blog exception: the task handles a bad reading itself and finishes normally", async () => {
  const { log, lines } = transcript();
  await run(exception.main(log), virtual);
  assert.deepEqual(lines, ["0 Reading: 21.5", '1000 Error handled in the task: cannot parse "bad"', "2000 Reading: 22", "3000 Task finished normally"]);
});

test("blog context manager: `using` releases the resource on normal end and on cancellation", async () => {
  const { log, lines } = transcript();
  await run(contextManager.main(log), virtual);
  assert.deepEqual(lines, [
    "0 bus A: acquired",
    "0 bus A: working for 1 s",
    "1000 bus A: done",
    "1000 bus A: released",
    "1000 bus B: acquired",
    "1000 bus B: working for 10 s",
    "1500 bus B: released",
    "1500 bus B: task cancelled",
  ]);
});

test("railroad blinky: the two LEDs toggle every 150 ms and are always opposite", async () => {
  newEventLoop({ clock: "virtual" });
  const green = new Pin("GREEN", Pin.OUT);
  const red = new Pin("RED", Pin.OUT);
  await railroad.main({ green, red, seconds: 0.6 });
  // green is switched on at 0, then both toggle at 0, 150, ..., 600: at 600 the stopper (asleep
  // since 0) runs first, and stop() lets the LEDs due in the same round take their turn (MicroPython).
  assert.deepEqual(changes(green.history), ["0:1", "0:0", "150:1", "300:0", "450:1", "600:0"]);
  assert.deepEqual(changes(red.history), ["0:1", "150:0", "300:1", "450:0", "600:1"]);
  assert.notEqual(green.value(), red.value());
});
