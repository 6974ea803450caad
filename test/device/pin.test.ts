import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventLoop, run, RuntimeError, sleep, sleepMs } from "taskloop";
import { Pin, Pushbutton } from "taskloop/device";

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

test("drive on an output and value(v) on an input throw RuntimeErrors that name the right call", () => {
  const isRuntime = (pattern: RegExp) => (e: unknown) => e instanceof RuntimeError && pattern.test(e.message);
  assert.throws(() => new Pin("LED", Pin.OUT).drive(1), isRuntime(/drive\(level\).*output.*value\(\), on\(\)/));
  assert.throws(() => new Pin(14, Pin.IN).value(1), isRuntime(/value\(v\).*input.*pin\.drive\(level\)/));
});

test("on, off and toggle on an input throw RuntimeErrors that name the call", () => {
  const input = new Pin(14, Pin.IN);
  assert.throws(
    () => input.on(),
    (e: unknown) => e instanceof RuntimeError && /on\(\) sets an output/.test(e.message),
  );
  assert.throws(
    () => input.off(),
    (e: unknown) => e instanceof RuntimeError && /off\(\) sets an output/.test(e.message),
  );
  assert.throws(
    () => input.toggle(),
    (e: unknown) => e instanceof RuntimeError && /toggle\(\) sets an output/.test(e.message),
  );
  assert.equal(input.history.length, 0);
});

test("a bad mode or pull is rejected with the constants to use", () => {
  assert.throws(() => new Pin(1, 7 as never), /Pin\.IN or Pin\.OUT/);
  assert.throws(() => new Pin(1, Pin.IN, 9 as never), /Pin\.PULL_UP, Pin\.PULL_DOWN/);
});

test("drive() rejects a missing level or one that is not 0, 1, false or true, naming level", () => {
  const input = new Pin(14, Pin.IN);
  assert.throws(() => (input.drive as (level?: unknown) => void)(), {
    name: "TypeError",
    message: /drive\(level\): level must be 0, 1, false or true, got undefined/,
  });
  assert.throws(() => input.drive("0" as never), { name: "TypeError", message: /level must be 0, 1, false or true, got "0" \(a string\)/ });
  assert.throws(() => input.drive(2), { name: "TypeError", message: /level must be/ });
  assert.equal(input.history.length, 0);
  input.drive(true);
  input.drive(false);
  assert.deepEqual(
    input.history.map((c) => c.value),
    [1, 0],
  );
});

test("value(v) rejects a level that is not 0, 1, false or true, naming v", () => {
  const led = new Pin("LED", Pin.OUT);
  assert.throws(() => led.value("off" as never), { name: "TypeError", message: /value\(v\): v must be 0, 1, false or true, got "off" \(a string\)/ });
  assert.equal(led.value(), 0);
  led.value(true);
  assert.equal(led.value(), 1);
});

test("options may be left out or undefined; null or a non-object is a TypeError naming options", () => {
  assert.equal(new Pin(1, Pin.OUT, null).value(), 0);
  assert.equal(new Pin(1, Pin.OUT, null, undefined).value(), 0);
  assert.throws(() => new Pin(1, Pin.OUT, null, null as never), { name: "TypeError", message: /options must be an object.*got null/ });
  assert.throws(() => new Pin(1, Pin.OUT, null, 5 as never), { name: "TypeError", message: /options must be an object.*got 5 \(a number\)/ });
});

test("options.value must be 0, 1, false or true", () => {
  assert.equal(new Pin(1, Pin.OUT, null, { value: 1 }).value(), 1);
  assert.equal(new Pin(1, Pin.OUT, null, { value: true }).value(), 1);
  assert.equal(new Pin(1, Pin.OUT, null, { value: false }).value(), 0);
  assert.throws(() => new Pin(1, Pin.OUT, null, { value: 5 as never }), { name: "TypeError", message: /options\.value must be 0, 1, false or true, got 5/ });
  assert.throws(() => new Pin(1, Pin.OUT, null, { value: "x" as never }), { name: "TypeError", message: /options\.value must be .*got "x"/ });
});

test("options.historyLimit must be a whole number >= 0 or Infinity", () => {
  assert.equal(new Pin(1, Pin.OUT, null, { historyLimit: 0 }).history.length, 0);
  new Pin(1, Pin.OUT, null, { historyLimit: Infinity });
  assert.throws(() => new Pin(1, Pin.OUT, null, { historyLimit: -1 }), {
    name: "RangeError",
    message: /options\.historyLimit must be a whole number >= 0.*got -1/,
  });
  assert.throws(() => new Pin(1, Pin.OUT, null, { historyLimit: 1.5 }), { name: "RangeError", message: /options\.historyLimit/ });
  assert.throws(() => new Pin(1, Pin.OUT, null, { historyLimit: NaN }), { name: "RangeError", message: /options\.historyLimit/ });
  assert.throws(() => new Pin(1, Pin.OUT, null, { historyLimit: "x" as never }), {
    name: "TypeError",
    message: /options\.historyLimit must be a number.*got "x"/,
  });
});

test("irq rejects a trigger that is not IRQ_RISING, IRQ_FALLING or both", () => {
  const pin = new Pin(14, Pin.IN);
  for (const trigger of [1.5, 0, 4, 7, "1", NaN]) {
    assert.throws(
      () => pin.irq(() => {}, trigger as never),
      { name: "TypeError", message: /trigger must be Pin\.IRQ_RISING, Pin\.IRQ_FALLING or both/ },
      String(trigger),
    );
  }
  pin.irq(() => {}, Pin.IRQ_RISING | Pin.IRQ_FALLING);
});

test("watch rejects a listener that is not a function, naming listener", () => {
  const pin = new Pin(14, Pin.IN);
  assert.throws(() => pin.watch(5 as never), { name: "TypeError", message: /watch\(listener\): listener must be a function.*got 5 \(a number\)/ });
  pin.drive(1); // nothing bad was registered
});

test("an irq handler that throws goes to the exception handler, and a Pushbutton on the same pin still sees the press", async () => {
  const pin = new Pin(3, Pin.IN, Pin.PULL_UP);
  const errors: { message: string; exception?: unknown }[] = [];
  const presses: number[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, ctx) => void errors.push(ctx));
    pin.irq(() => {
      throw new Error("boom");
    }, Pin.IRQ_FALLING);
    const button = new Pushbutton(pin).press(() => void presses.push(getEventLoop().time()));
    yield* sleepMs(100);
    pin.drive(0); // must not throw the handler's error at the caller
    yield* sleepMs(100);
    button.deinit();
  }, virtual);
  assert.deepEqual(presses, [100]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /irq handler of Pin\(3, IN\)/);
  assert.equal((errors[0]!.exception as Error).message, "boom");
});

test("a watch listener that throws is reported and the listeners after it still run", async () => {
  const pin = new Pin(3, Pin.IN);
  const errors: unknown[] = [];
  const seen: number[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, ctx) => void errors.push(ctx.exception));
    pin.watch(() => {
      throw new Error("first");
    });
    pin.watch((level) => void seen.push(level));
    pin.drive(1);
    yield* sleepMs(1);
  }, virtual);
  assert.deepEqual(seen, [1]);
  assert.deepEqual(
    errors.map((e) => (e as Error).message),
    ["first"],
  );
});

test("Pin(NaN) and Pin(Infinity) are refused with an error naming the id argument", () => {
  for (const [id, shown] of [
    [NaN, /NaN/],
    [Infinity, /Infinity/],
    [-Infinity, /Infinity/],
  ] as const) {
    assert.throws(
      () => new Pin(id, Pin.OUT),
      (e: unknown) => {
        assert.ok(e instanceof TypeError || e instanceof RangeError, `expected a TypeError or RangeError for Pin(${id}), got ${String(e)}`);
        assert.match(e.message, /\bid\b/);
        assert.match(e.message, shown);
        return true;
      },
      `Pin(${id}) was accepted`,
    );
  }
});
