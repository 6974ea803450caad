import { test } from "node:test";
import assert from "node:assert/strict";
import { newEventLoop, sleep, Event, type Coro, type Loop } from "taskloop";
import { rng } from "../conformance/generate.ts"; // the same seeded PRNG (mulberry32)

// On the virtual clock what runs must not depend on how long steps take in real time:
// the loop gives way to the host every ~4 ms of real time (a run slice), and that must
// never change the trace. Steps here are made slow on purpose by spinning on the real
// clock; the assertions are about the trace only, never about timing.

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin on purpose */
  }
}

/** Two tasks wake at the same virtual instant; the first stops the loop and its step takes `stepMs`. */
async function stopperTrace(stepMs: number): Promise<string[]> {
  const loop = newEventLoop({ clock: "virtual" });
  const trace: string[] = [];
  loop.createTask(
    (function* () {
      yield* sleep(0.01);
      trace.push("stopper");
      loop.stop();
      busyWait(stepMs);
    })(),
    { name: "stopper" },
  );
  loop.createTask(
    (function* () {
      yield* sleep(0.01);
      trace.push("B");
    })(),
    { name: "B" },
  );
  await loop.runForever();
  loop.close();
  return trace;
}

test("on the virtual clock, stop() lets the tasks ready in that round run even when the stopping step is slow", { timeout: 10_000 }, async () => {
  assert.deepEqual(await stopperTrace(0), ["stopper", "B"]);
  assert.deepEqual(await stopperTrace(6), ["stopper", "B"]);
});

/**
 * A program of several tasks (sleeps of 0 and of a few ms, an event, a loop.stop()
 * in the middle and a second runForever) whose steps busy-wait `slow(…)` ms.
 */
async function programTrace(seed: number, slowSteps: boolean): Promise<string[]> {
  const plan = rng(seed); // the program's shape: the same for both runs
  const spin = rng(seed ^ 0x5bd1e995); // only the busy-waits differ
  const loop: Loop = newEventLoop({ clock: "virtual" });
  const trace: string[] = [];
  const ev = new Event();
  const step = (name: string, what: string): void => {
    trace.push(`${loop.time()} ${name} ${what}`);
    const ms = spin() * 6;
    if (slowSteps) busyWait(ms);
  };
  const delays = [0, 0, 0.001, 0.002, 0.003, 0.005];
  const names = ["t0", "t1", "t2", "t3", "t4"];
  const plans = names.map(() => Array.from({ length: 12 }, () => delays[Math.floor(plan() * delays.length)]!));
  const stopAt = 1 + Math.floor(plan() * 8);
  for (const [k, name] of names.entries()) {
    loop.createTask(
      (function* (): Coro<void> {
        for (const [i, d] of plans[k]!.entries()) {
          step(name, `step ${i}`);
          if (k === 0 && i === stopAt) {
            trace.push(`${loop.time()} ${name} stops the loop`);
            loop.stop();
          }
          if (k === 1 && i === 6) ev.set();
          if (k === 2 && i === 3) {
            yield* ev.wait();
            step(name, "event");
          }
          yield* sleep(d);
        }
        step(name, "end");
      })(),
      { name },
    );
  }
  await loop.runForever();
  trace.push("-- stopped, run again --");
  const finishing = loop.createTask(
    (function* () {
      yield* sleep(1);
    })(),
  );
  await loop.runUntilComplete(finishing);
  loop.close();
  return trace;
}

test("on the virtual clock, a program whose steps randomly busy-wait 0-6 ms gives exactly the trace it gives with fast steps", {
  timeout: 60_000,
}, async () => {
  for (const seed of [1, 2, 3]) {
    const fast = await programTrace(seed, false);
    const slow = await programTrace(seed, true);
    assert.deepEqual(slow, fast, `seed ${seed}`);
  }
});
