// The README's "Testing your program on the virtual clock" example, verbatim.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, sleep, getEventLoop } from "taskloop";
import { Pin } from "taskloop/device";

function* blink(led: Pin, times: number) {
  for (let i = 0; i < times; i++) {
    led.on();
    yield* sleep(0.5);
    led.off();
    yield* sleep(0.5);
  }
}

test("the LED blinks once a second", async () => {
  const led = new Pin("LED", Pin.OUT);
  await run(blink(led, 3600), { clock: "virtual" }); // an hour, in a few milliseconds
  assert.equal(led.history.length, 7200);
  assert.deepEqual(
    led.history.slice(0, 3).map((c) => `${c.time}:${c.value}`),
    ["0:1", "500:0", "1000:1"],
  );
  assert.equal(getEventLoop().time(), 3_600_000); // the virtual clock: one hour
});
