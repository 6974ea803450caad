import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, type Coro } from "taskloop";
import { DHT22, Pin } from "taskloop/device";
import { changes, transcript, virtual } from "./_transcript.ts";
import { finger } from "../../examples/_runner.ts";
import * as exercise1 from "../../examples/pico/08-exercise1-blinker-status.ts";
import * as exercise2 from "../../examples/pico/09-exercise2-button-cancels-blink.ts";
import * as exercise3 from "../../examples/pico/10-exercise3-dht22.ts";
import * as challenge from "../../examples/pico/11-mini-challenge.ts";
import * as toggleBlink from "../../examples/pico/12-press-toggles-blink.ts";
import * as debounced from "../../examples/pico/13-debounced-button.ts";
import * as manager from "../../examples/pico/14-task-manager.ts";

test("exercise 1: the LED toggles every 0.5 s while the status reporter prints every 2 s", async () => {
  const led = new Pin("LED", Pin.OUT);
  const { log, lines } = transcript();
  await run(exercise1.main({ led, log, seconds: 6 }), virtual);
  // At 2000 ms the reporter (asleep since 0) runs before the blinker (asleep since 1500): the LED is still off.
  assert.deepEqual(lines, ["2000 Status: up 2 s, LED is OFF", "4000 Status: up 4 s, LED is OFF", "6000 Status: up 6 s, LED is OFF"]);
  assert.deepEqual(
    led.history.map((c) => c.time),
    // ... and 6000: tasks due in the round where main ends take that turn before run() stops (CPython's asyncio.run).
    [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000],
  );
});

test("exercise 2: a button press cancels the blink task and leaves the LED off", async () => {
  const led = new Pin("LED", Pin.OUT);
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(finger(button, [2.01]));
    yield* exercise2.main({ led, button, log });
  }, virtual);
  assert.deepEqual(lines, ["0 Blinking; press the button to stop", "2020 Button pressed: stopping the blink task", "2020 Blink task cancelled, LED is off"]);
  assert.deepEqual(changes(led.history), ["0:1", "250:0", "500:1", "750:0", "1000:1", "1250:0", "1500:1", "1750:0", "2000:1", "2020:0"]);
});

test("exercise 3: the sensor is read every 2 s, a failed read is reported and the next one works", async () => {
  const sensor = new DHT22(new Pin(15), { readMs: 0 });
  const led = new Pin("LED", Pin.OUT);
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(
      (function* (): Coro<void> {
        yield* sleep(3);
        sensor.failNext();
      })(),
    );
    yield* exercise3.main({ sensor, led, log, seconds: 7 });
  }, virtual);
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^0 Temperature: \d+\.\d C, humidity: \d+\.\d %$/);
  assert.match(lines[1]!, /^2000 Temperature: /);
  assert.equal(lines[2], "4000 Sensor read failed: [Errno 110] ETIMEDOUT");
  assert.match(lines[3]!, /^6000 Temperature: /);
});

test("exercise 3: the heartbeat LED is on for 100 ms every second", async () => {
  const led = new Pin("LED", Pin.OUT);
  await run(exercise3.main({ sensor: new DHT22(new Pin(15), { readMs: 0 }), led, log: () => {}, seconds: 3 }), virtual);
  // 3000:1 too: the heartbeat due as main ends takes that round's turn before run() stops.
  assert.deepEqual(changes(led.history), ["0:1", "100:0", "1000:1", "1100:0", "2000:1", "2100:0", "3000:1"]);
});

test("mini challenge: blink, uptime every 5 s and a count of button presses run together", async () => {
  const led = new Pin("LED", Pin.OUT);
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(finger(button, [2, 4.5, 7]));
    yield* challenge.main({ led, button, log, seconds: 11 });
  }, virtual);
  assert.deepEqual(lines, [
    "2000 Button pressed (1 so far)",
    "4500 Button pressed (2 so far)",
    "5000 Uptime: 5 s",
    "7000 Button pressed (3 so far)",
    "10000 Uptime: 10 s",
  ]);
  assert.equal(led.history.length, 23); // toggles at 0, 500, ..., 11000 (the last in the round where main ends)
});

test("press toggles blink: the first press starts blinking, the second stops it with the LED off", async () => {
  const led = new Pin("LED", Pin.OUT);
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(finger(button, [1, 3.2]));
    yield* toggleBlink.main({ led, button, log, seconds: 5 });
  }, virtual);
  assert.deepEqual(lines, ["1000 Blinking started", "3200 Blinking stopped"]);
  assert.deepEqual(changes(led.history), ["1000:1", "1500:0", "2000:1", "2500:0", "3000:1", "3200:0"]);
});

test("debounced button: a bouncy press and release count once each", async () => {
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(
      (function* (): Coro<void> {
        yield* sleep(1);
        yield* debounced.bouncyPress(button, 300);
        yield* sleep(1);
        yield* debounced.bouncyPress(button, 300);
      })(),
    );
    yield* debounced.main({ button, log, presses: 2 });
  }, virtual);
  assert.deepEqual(
    lines.map((l) => l.replace(/^\d+ /, "")),
    ["Press 1", "Release 1", "Press 2", "Release 2"],
  );
  // Each change is confirmed 50 ms after the 5 ms poll first sees it: bounces start at 1000, 1310, 2320, 2630.
  assert.deepEqual(
    lines.map((l) => Number(l.split(" ")[0])),
    [1050, 1360, 2370, 2680],
  );
});

test("task manager: a short press toggles blink, a long press toggles the reporter", async () => {
  const led = new Pin("LED", Pin.OUT);
  const button = new Pin(14, Pin.IN, Pin.PULL_UP);
  const sensor = new DHT22(new Pin(15), { readMs: 0 });
  const { log, lines } = transcript();
  await run(function* (): Coro<void> {
    createTask(
      (function* (): Coro<void> {
        const press = function* (holdSeconds: number): Coro<void> {
          button.drive(0);
          yield* sleep(holdSeconds);
          button.drive(1);
        };
        yield* sleep(1);
        yield* press(0.1); // 1.0-1.1 short
        yield* sleep(0.9);
        yield* press(1.5); // 2.0-3.5 long
        yield* sleep(0.5);
        yield* press(0.1); // 4.0-4.1 short
      })(),
    );
    yield* manager.main({ led, button, sensor, log, seconds: 5 });
  }, virtual);
  assert.deepEqual(
    lines.filter((l) => !l.includes("sensor:")),
    ["1100 started blink", "1100 running: blink", "3000 started reporter", "3000 running: blink, reporter", "4100 stopped blink", "4100 running: reporter"],
  );
  assert.deepEqual(
    lines.filter((l) => l.includes("sensor:")).map((l) => l.split(" ")[0]),
    ["3000", "5000"],
  );
  assert.equal(led.value(), 0);
});
