// Port of MicroPython tests/extmod/asyncio_basic.py (+ .exp).
// MicroPython measures with time.ticks_ms(); here the loop's (virtual) clock is used.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, sleep, getEventLoop, type Coro } from "taskloop";
import { recorder, round100, virtual } from "./_py.ts";

test("sleep waits the given time, nested coroutines are awaited in place, and a negative sleep is immediate", async () => {
  const { lines, print } = recorder();

  function* delayPrint(t: number, s: string): Coro<void> {
    yield* sleep(t);
    print(s);
  }

  function* main(): Coro<void> {
    print("start");

    yield* sleep(0.001);
    print("after sleep");

    const loop = getEventLoop();
    const t0 = loop.time();
    yield* delayPrint(0.2, "short");
    const t1 = loop.time();
    yield* delayPrint(0.4, "long");
    const t2 = loop.time();
    yield* delayPrint(-1, "negative");
    const t3 = loop.time();

    print(`took ${round100(t1 - t0)} ${round100(t2 - t1)} ${round100(t3 - t2)}`);
  }

  await run(main(), virtual);
  assert.deepEqual(lines, ["start", "after sleep", "short", "long", "negative", "took 200 400 0"]);
});
