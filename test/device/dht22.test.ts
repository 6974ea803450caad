import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, getEventLoop, RuntimeError, sleep, sleepMs } from "taskloop";
import { DHT22, OSError, Pin } from "taskloop/device";

test("measure() blocks for a few milliseconds of real time", () => {
  const sensor = new DHT22(new Pin(15));
  const t0 = performance.now();
  sensor.measure();
  const took = performance.now() - t0;
  assert.ok(took >= 5, `took ${took} ms`); // at least: a busy machine may hold it longer
});

test("readings are plausible, rounded to 0.1 and drift slowly", async () => {
  const sensor = new DHT22(new Pin(15));
  const temps: number[] = [];
  await run(
    function* () {
      for (let i = 0; i < 30; i++) {
        sensor.measure();
        const t = sensor.temperature();
        const h = sensor.humidity();
        assert.ok(t > 15 && t < 30 && h > 30 && h < 60, `${t} °C ${h} %`);
        assert.equal(Math.round(t * 10) / 10, t);
        temps.push(t);
        yield* sleep(2);
      }
    },
    { clock: "virtual" },
  );
  for (let i = 1; i < temps.length; i++) assert.ok(Math.abs(temps[i]! - temps[i - 1]!) < 0.5);
});

test("failNext makes the next read throw OSError ETIMEDOUT and keeps the previous reading", () => {
  const sensor = new DHT22(new Pin(15), { readMs: 0 });
  sensor.measure();
  const before = sensor.temperature();
  sensor.failNext();
  assert.throws(
    () => sensor.measure(),
    (e: unknown) => e instanceof OSError && e.errno === 110 && /ETIMEDOUT/.test(e.message),
  );
  assert.equal(sensor.temperature(), before);
  sensor.measure();
});

test("temperature() and humidity() before any reading throw a RuntimeError saying to call measure() first", () => {
  const sensor = new DHT22(new Pin(15));
  assert.throws(
    () => sensor.temperature(),
    (e: unknown) => e instanceof RuntimeError && /call measure\(\) first/.test(e.message),
  );
  assert.throws(
    () => sensor.humidity(),
    (e: unknown) => e instanceof RuntimeError && /call measure\(\) first/.test(e.message),
  );
});

test("the same seed gives the same readings", () => {
  const a = new DHT22(new Pin(1), { readMs: 0, seed: 7 });
  const b = new DHT22(new Pin(2), { readMs: 0, seed: 7 });
  a.measure();
  b.measure();
  assert.equal(a.temperature(), b.temperature());
  assert.equal(a.humidity(), b.humidity());
});

/** Temperatures read every `everyMs` for `minutes` of virtual time. */
async function readEvery(sensor: DHT22, everyMs: number, minutes: number): Promise<{ t: number; h: number }[]> {
  const readings: { t: number; h: number }[] = [];
  await run(
    function* () {
      for (let ms = 0; ms <= minutes * 60_000; ms += everyMs) {
        sensor.measure();
        readings.push({ t: sensor.temperature(), h: sensor.humidity() });
        yield* sleepMs(everyMs);
      }
    },
    { clock: "virtual" },
  );
  return readings;
}

test("the temperature drifts by a few tenths of a degree per minute at most", async () => {
  const readings = await readEvery(new DHT22(new Pin(15), { readMs: 0 }), 30_000, 60);
  for (let i = 1; i < readings.length; i++) {
    // Drift of at most ~0.16 °C per 30 s, plus 0.1 of noise and 0.1 of rounding.
    assert.ok(Math.abs(readings[i]!.t - readings[i - 1]!.t) <= 0.4 + 1e-9, `read ${i}: ${readings[i - 1]!.t} -> ${readings[i]!.t}`);
  }
  for (let i = 2; i < readings.length; i++) {
    assert.ok(Math.abs(readings[i]!.t - readings[i - 2]!.t) <= 0.5 + 1e-9, `minute to read ${i}: ${readings[i - 2]!.t} -> ${readings[i]!.t}`);
  }
  const temps = readings.map((r) => r.t);
  assert.ok(Math.min(...temps) >= 22 - 1.6 && Math.max(...temps) <= 22 + 1.6, `${Math.min(...temps)}..${Math.max(...temps)}`);
});

test("humidity stays within 0 to 100 % when its mid value is at an end of the range", async () => {
  for (const humidity of [0, 100]) {
    const readings = await readEvery(new DHT22(new Pin(15), { readMs: 0, humidity }), 60_000, 30);
    for (const { h } of readings) assert.ok(h >= 0 && h <= 100, `mid ${humidity}: ${h} %`);
  }
});

test("options may be left out or undefined; null or a non-object is a TypeError naming options", () => {
  new DHT22(new Pin(15));
  new DHT22(new Pin(15), undefined);
  assert.throws(() => new DHT22(new Pin(15), null as never), { name: "TypeError", message: /DHT22\(pin, options\): options must be an object.*got null/ });
  assert.throws(() => new DHT22(new Pin(15), 5 as never), { name: "TypeError", message: /options must be an object.*got 5 \(a number\)/ });
});

test("temperature, humidity and seed options are checked and the error names the option", () => {
  const make = (options: object) => () => new DHT22(new Pin(15), options as never);
  assert.throws(make({ temperature: "x" }), { name: "TypeError", message: /DHT22: options\.temperature must be a number from -40 to 80/ });
  assert.throws(make({ temperature: 200 }), { name: "RangeError", message: /options\.temperature must be from -40 to 80.*got 200/ });
  assert.throws(make({ humidity: NaN }), { name: "RangeError", message: /DHT22: options\.humidity must be from 0 to 100.*got NaN/ });
  assert.throws(make({ humidity: 150 }), { name: "RangeError", message: /options\.humidity must be from 0 to 100.*got 150/ });
  assert.throws(make({ seed: "abc" }), { name: "TypeError", message: /DHT22: options\.seed must be a whole number, got "abc"/ });
  assert.throws(make({ seed: 1.5 }), { name: "RangeError", message: /options\.seed must be a whole number/ });
  assert.throws(make({ readMs: "5" }), { name: "TypeError", message: /options\.readMs must be a number from 0 to 1000/ });
});

test("on the virtual clock measure() moves the clock on by readMs instead of spinning, and the step is charged for it", async () => {
  const slow: number[] = [];
  await run(
    function* () {
      const loop = getEventLoop();
      const sensor = new DHT22(new Pin(15), { readMs: 5 });
      const before = loop.time();
      sensor.measure();
      assert.equal(loop.time() - before, 5);
      // Another task due 1 ms after the read began runs 4 ms late, as on the device.
      const late = createTask(
        (function* () {
          yield* sleepMs(1);
        })(),
        { name: "late" },
      );
      yield* sleepMs(0.5);
      const t0 = loop.time();
      sensor.measure();
      assert.equal(loop.time() - t0, 5);
      yield* late;
      assert.equal(late.done(), true);
      const me = loop.tasks().find((t) => t.name === "main")!;
      assert.ok(me.maxStepMs >= 5, `the reading step is charged its 5 ms, got ${me.maxStepMs}`);
    },
    { clock: "virtual", slowStepMs: 4, onSlowStep: ({ durationMs }) => void slow.push(durationMs) },
  );
  assert.equal(slow.length, 2);
  assert.ok(slow.every((ms) => ms >= 5));
});
