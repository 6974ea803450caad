import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, run, sleepMs, waitFor, getEventLoop, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

/** The message must not call a finite number "not finite": it says the duration is too long. */
function assertTooLong(fn: () => unknown, name: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /must be finite|not finite/i, `a finite number called infinite: ${e.message}`);
    assert.match(e.message, /too (long|large|big)|at most|maximum|exceed/i);
    assert.match(e.message, name);
    return true;
  });
}

test('sleep(1e306) is refused as too long, not as "must be finite": the number is finite', () => {
  assertTooLong(() => sleep(1e306), /seconds/);
});

test("sleep and sleepMs wait on the loop's clock; negative values sleep 0", async () => {
  await run(function* () {
    const loop = getEventLoop();
    yield* sleep(1.5);
    assert.equal(loop.time(), 1500);
    yield* sleepMs(0.25);
    assert.equal(loop.time(), 1500.25);
    yield* sleep(-3);
    assert.equal(loop.time(), 1500.25);
  }, virtual);
});

test("sleep, sleepMs and waitFor reject a non-number or NaN with a message naming the argument", () => {
  assert.throws(() => sleep(Number.NaN), /sleep\(seconds\): seconds must be a number, got NaN/);
  assert.throws(() => sleep("1" as unknown as number), TypeError);
  assert.throws(() => sleepMs(undefined as unknown as number), /sleepMs\(ms\): ms/);
  assert.throws(() => waitFor(sleep(1), "2" as unknown as number), /timeoutSeconds must be a number/);
  assert.throws(() => waitFor(function* () {} as unknown as Coro<void>, 1), /call the generator function/);
});
