import { test } from "node:test";
import assert from "node:assert/strict";
import { run, sleep } from "taskloop";
import { DHT22, OSError, Pin } from "taskloop/device";

test("measure() blocks for a few milliseconds of real time", () => {
  const sensor = new DHT22(new Pin(15));
  const t0 = performance.now();
  sensor.measure();
  const took = performance.now() - t0;
  assert.ok(took >= 5 && took < 100, `took ${took} ms`);
});

test("readings are plausible, rounded to 0.1 and drift slowly", async () => {
  const sensor = new DHT22(new Pin(15));
  const temps: number[] = [];
  await run(function* () {
    for (let i = 0; i < 30; i++) {
      sensor.measure();
      const t = sensor.temperature();
      const h = sensor.humidity();
      assert.ok(t > 15 && t < 30 && h > 30 && h < 60, `${t} °C ${h} %`);
      assert.equal(Math.round(t * 10) / 10, t);
      temps.push(t);
      yield* sleep(2);
    }
  }, { clock: "virtual" });
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

test("temperature() before any reading says to call measure() first", () => {
  assert.throws(() => new DHT22(new Pin(15)).temperature(), /call measure\(\) first/);
});

test("the same seed gives the same readings", () => {
  const a = new DHT22(new Pin(1), { readMs: 0, seed: 7 });
  const b = new DHT22(new Pin(2), { readMs: 0, seed: 7 });
  a.measure();
  b.measure();
  assert.equal(a.temperature(), b.temperature());
  assert.equal(a.humidity(), b.humidity());
});
