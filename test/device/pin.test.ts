import { test } from "node:test";
import assert from "node:assert/strict";
import { run, sleep, sleepMs } from "taskloop";
import { Pin } from "taskloop/device";

const virtual = { clock: "virtual" } as const;

test("an output starts at 0 and on, off and toggle set its level", () => {
  const led = new Pin("LED", Pin.OUT);
  assert.equal(led.value(), 0);
  led.on();
  assert.equal(led.value(), 1);
  led.off();
  assert.equal(led.value(), 0);
  led.toggle();
  assert.equal(led.value(), 1);
  led.value(0);
  assert.equal(led.value(), 0);
});

test("an undriven input reads its pull level", () => {
  assert.equal(new Pin(14, Pin.IN, Pin.PULL_UP).value(), 1);
  assert.equal(new Pin(15, Pin.IN, Pin.PULL_DOWN).value(), 0);
});

test("history records each change of level with the loop time, and nothing when the level stays", async () => {
  const led = new Pin("LED", Pin.OUT);
  await run(function* () {
    led.on();
    led.on();
    yield* sleepMs(250);
    led.off();
    yield* sleep(1);
    led.toggle();
  }, virtual);
  assert.deepEqual(led.history, [
    { time: 0, value: 1 },
    { time: 250, value: 0 },
    { time: 1250, value: 1 },
  ]);
});

test("historyLimit keeps only the newest changes", () => {
  const led = new Pin("LED", Pin.OUT, null, { historyLimit: 2 });
  for (let i = 0; i < 5; i++) led.toggle();
  assert.equal(led.history.length, 2);
  assert.equal(led.history[1]!.value, 1);
});

test("irq calls its handler with the pin on the edges its trigger names", () => {
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  const seen: string[] = [];
  pin.irq((p) => seen.push(`falling ${p.value()}`), Pin.IRQ_FALLING);
  pin.drive(0);
  pin.drive(1);
  pin.irq((p) => seen.push(`any ${p.value()}`), Pin.IRQ_RISING | Pin.IRQ_FALLING);
  pin.drive(0);
  pin.drive(1);
  pin.irq(null);
  pin.drive(0);
  assert.deepEqual(seen, ["falling 0", "any 0", "any 1"]);
});

test("drive on an output and value(v) on an input throw errors that name the right call", () => {
  assert.throws(() => new Pin("LED", Pin.OUT).drive(1), /drive\(level\).*output.*value\(\), on\(\)/);
  assert.throws(() => new Pin(14, Pin.IN).value(1), /input.*pin\.drive\(level\)/);
});

test("a bad mode or pull is rejected with the constants to use", () => {
  assert.throws(() => new Pin(1, 7 as never), /Pin\.IN or Pin\.OUT/);
  assert.throws(() => new Pin(1, Pin.IN, 9 as never), /Pin\.PULL_UP, Pin\.PULL_DOWN/);
});
