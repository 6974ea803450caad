import { test } from "node:test";
import assert from "node:assert/strict";
import { run, schedule, sleep, sleepMs, getEventLoop, createTask, CancelledError, ScheduledTask, type Coro, type ExceptionContext } from "taskloop";

const virtual = { clock: "virtual" } as const;
const now = (): number => getEventLoop().time();

test("a 100 Hz schedule runs exactly 360,000 times in one hour of virtual time, the last one at 3,599,990 ms (no drift)", async () => {
  let runs = 0;
  let last = -1;
  await run(function* () {
    const s = schedule(100, () => {
      runs++;
      last = now();
    });
    yield* sleep(3600);
    s.cancel();
    assert.equal(s.stats.runs, 360_000);
    assert.equal(s.stats.overruns, 0);
    assert.equal(s.stats.maxLateMs, 0);
  }, virtual);
  assert.equal(runs, 360_000);
  assert.equal(last, 3_599_990);
});

test("deadlines are start + k/hz computed from k, not added up period by period", async () => {
  const times: number[] = [];
  await run(function* () {
    const s = schedule(3, () => void times.push(now()));
    yield* sleep(3600);
    s.cancel();
  }, virtual);
  assert.equal(times.length, 10_800);
  times.forEach((t, k) => assert.equal(t, k * (1000 / 3), `invocation ${k}`));
  let added = 0;
  for (let k = 1; k < times.length; k++) added += 1000 / 3;
  assert.notEqual(added, times.at(-1), "adding periods up would have drifted");
});

test("the first invocation runs as soon as the schedule starts, with its arguments", async () => {
  const calls: [number, string, number][] = [];
  await run(function* () {
    yield* sleepMs(5);
    const s = schedule(10, (name: string, n: number) => void calls.push([now(), name, n]), "led", 7);
    yield* sleepMs(250);
    s.cancel();
  }, virtual);
  assert.deepEqual(calls, [
    [5, "led", 7],
    [105, "led", 7],
    [205, "led", 7],
  ]);
});

test("a generator function's invocation is driven to completion and at most one invocation is alive at a time", async () => {
  let alive = 0;
  let maxAlive = 0;
  const starts: number[] = [];
  function* slow(): Coro<void> {
    alive++;
    maxAlive = Math.max(maxAlive, alive);
    starts.push(now());
    yield* sleepMs(150); // longer than the 100 ms period
    alive--;
  }
  await run(function* () {
    const s = schedule(10, slow);
    yield* sleepMs(460);
    s.cancel();
  }, virtual);
  assert.equal(maxAlive, 1);
  assert.deepEqual(starts, [0, 150, 300, 450]);
});

test("an overrunning invocation makes the next one start at once and re-bases the schedule, without catch-up runs", async () => {
  const starts: number[] = [];
  await run(function* () {
    const s = schedule(10, function* () {
      starts.push(now());
      if (starts.length === 2) yield* sleepMs(250); // the one at 100 ms ends at 350 ms: 2.5 periods
    });
    yield* sleepMs(660);
    const stats = s.stats;
    s.cancel();
    assert.equal(stats.overruns, 1);
    assert.equal(stats.runs, 6);
    assert.equal(stats.maxLateMs, 0);
  }, virtual);
  assert.deepEqual(starts, [0, 100, 350, 450, 550, 650]);
});

test("an invocation that started late and is still running when the next deadline comes is an overrun: the next starts at once", async () => {
  const starts: number[] = [];
  const ends: number[] = [];
  let overruns = -1;
  await run(
    function* () {
      const loop = getEventLoop();
      const s = schedule(10, function* () {
        starts.push(loop.time());
        if (starts.length === 3) yield* sleepMs(100); // due at 200, starts at 240, ends at 340: past the 300 deadline
        ends.push(loop.time());
      });
      yield* sleepMs(150);
      loop.blockFor(90); // hold the loop past the 200 ms deadline
      yield* sleepMs(300);
      overruns = s.stats.overruns;
      s.cancel();
    },
    { clock: "virtual" },
  );
  assert.equal(overruns, 1);
  assert.deepEqual(starts.slice(0, 4), [0, 100, 240, 340]);
  assert.equal(ends[2], 340);
});

test("an async function's promise is awaited before the next invocation starts", async () => {
  const log: string[] = [];
  await run(
    function* () {
      const s = schedule(1000, async () => {
        log.push("start");
        await new Promise((resolve) => setTimeout(resolve, 3));
        log.push("end");
      });
      yield* sleepMs(100);
      s.cancel();
    },
    { clock: "real" },
  );
  assert.ok(log.length >= 4, `ran ${log.length / 2} times`);
  log.forEach((entry, i) => assert.equal(entry, i % 2 === 0 ? "start" : "end", `entry ${i}`));
});

test("changeRate made during an invocation takes effect from the next deadline, counted from the current one", async () => {
  const starts: number[] = [];
  await run(function* () {
    const s = schedule(10, () => {
      starts.push(now());
      if (starts.length === 3) s.changeRate(2); // at 200 ms: next at 700, 1200, …
    });
    yield* sleepMs(1300);
    assert.equal(s.hz, 2);
    s.cancel();
  }, virtual);
  assert.deepEqual(starts, [0, 100, 200, 700, 1200]);
});

test("changeRate made while the schedule sleeps keeps the deadline already waited for", async () => {
  const starts: number[] = [];
  await run(function* () {
    const s = schedule(10, () => void starts.push(now()));
    yield* sleepMs(250);
    s.changeRate(4); // sleeping towards 300 ms: then 550, 800
    yield* sleepMs(600);
    s.cancel();
  }, virtual);
  assert.deepEqual(starts, [0, 100, 200, 300, 550, 800]);
});

test("changeRate rejects an hz that is not a positive finite number and keeps the old rate", async () => {
  await run(function* () {
    const s = schedule(5, () => {});
    for (const bad of [0, -1, NaN, Infinity]) assert.throws(() => s.changeRate(bad), RangeError);
    assert.equal(s.hz, 5);
    s.cancel();
  }, virtual);
});

test("cancel() cancels a running invocation at its suspension point, runs its cleanup, and stops the schedule", async () => {
  const log: string[] = [];
  await run(function* () {
    const s = schedule(10, function* () {
      log.push(`start ${now()}`);
      try {
        yield* sleepMs(80);
        log.push(`end ${now()}`);
      } finally {
        log.push(`cleanup ${now()}`);
      }
    });
    yield* sleepMs(140); // the second invocation (from 100 ms) is sleeping
    assert.equal(s.cancel(), true);
    yield* sleepMs(1000);
    assert.equal(s.task.cancelled(), true);
    assert.equal(s.cancel(), false);
    assert.equal(s.stats.runs, 2);
  }, virtual);
  assert.deepEqual(log, ["start 0", "end 80", "cleanup 80", "start 100", "cleanup 140"]);
});

test("an invocation that swallows the cancellation still stops the schedule", async () => {
  let runs = 0;
  await run(function* () {
    const s = schedule(10, function* () {
      runs++;
      try {
        yield* sleepMs(50);
      } catch {
        // swallowed
      }
    });
    yield* sleepMs(20);
    s.cancel();
    yield* sleepMs(500);
    assert.equal(s.task.done(), true);
  }, virtual);
  assert.equal(runs, 1);
});

test("an invocation may cancel its own schedule", async () => {
  let runs = 0;
  await run(function* () {
    const s = schedule(10, () => {
      if (++runs === 3) s.cancel();
    });
    yield* sleepMs(1000);
    assert.equal(s.task.cancelled(), true);
  }, virtual);
  assert.equal(runs, 3);
});

test("an invocation that throws is reported through the loop's exception handler and the schedule goes on", async () => {
  const reports: ExceptionContext[] = [];
  const starts: number[] = [];
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, context) => void reports.push(context));
    const s = schedule(10, function* blink() {
      starts.push(now());
      if (starts.length === 2) throw new Error("sensor unplugged");
      yield* sleepMs(1);
    });
    yield* sleepMs(450);
    s.cancel();
    assert.equal(s.stats.runs, 5);
  }, virtual);
  assert.deepEqual(starts, [0, 100, 200, 300, 400]);
  assert.equal(reports.length, 1);
  assert.equal((reports[0]!.exception as Error).message, "sensor unplugged");
  assert.match(reports[0]!.message, /blink/);
});

test("a CancelledError escaping an invocation without the schedule being cancelled is reported and the schedule goes on", async () => {
  const reports: unknown[] = [];
  let runs = 0;
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, context) => void reports.push(context.exception));
    const s = schedule(10, function* () {
      runs++;
      const child = createTask(
        (function* () {
          yield* sleep(10);
        })(),
      );
      child.cancel();
      if (runs === 1) yield* child;
    });
    yield* sleepMs(250);
    s.cancel();
  }, virtual);
  assert.equal(runs, 3);
  assert.equal(reports.length, 1);
  assert.ok(reports[0] instanceof CancelledError);
});

test("the schedule's task is named after its rate and function, and renamed by changeRate", async () => {
  await run(function* () {
    function blink(): void {}
    const s = schedule(10, blink);
    assert.equal(s.task.name, "schedule(10 Hz, blink)");
    s.changeRate(0.5);
    assert.equal(s.task.name, "schedule(0.5 Hz, blink)");
    s.cancel();
  }, virtual);
});

test("schedule rejects an hz that is not a positive finite number with RangeError", () => {
  for (const bad of [0, -5, NaN, Infinity, "10"]) {
    assert.throws(() => schedule(bad as number, () => {}), RangeError);
  }
});

test("schedule rejects an fn that is not a function with TypeError, hinting at a generator object", () => {
  function* blink(): Coro<void> {}
  assert.throws(() => schedule(1, 5 as unknown as () => void), TypeError);
  assert.throws(() => schedule(1, blink() as unknown as () => void), /not blink\(\)/);
});

test("stats.maxLateMs reports how late an invocation started when another task held the thread", async () => {
  const starts: number[] = [];
  await run(
    function* () {
      const loop = getEventLoop();
      const s = schedule(10, () => void starts.push(loop.time()));
      yield* sleepMs(50);
      loop.blockFor(80); // a step that holds the thread past the 100 ms deadline, by 30 ms
      yield* sleepMs(100);
      const { runs, overruns, maxLateMs } = s.stats;
      s.cancel();
      assert.equal(runs, 3);
      assert.equal(overruns, 0);
      assert.equal(maxLateMs, 30);
    },
    { clock: "virtual" },
  );
  assert.deepEqual(starts, [0, 130, 200]);
});

test("a late wake-up caused by another task's long step is not an overrun: the schedule stays on its grid", async () => {
  const starts: number[] = [];
  await run(
    function* () {
      const loop = getEventLoop();
      const s = schedule(100, () => void starts.push(loop.time()));
      yield* sleepMs(55);
      loop.blockFor(25); // hold the loop for 25 ms: the deadlines at 60, 70 and 80 are missed
      yield* sleepMs(100);
      s.cancel();
      assert.equal(s.stats.overruns, 0);
    },
    { clock: "virtual" },
  );
  // After the hiccup: one run at once (80), the missed deadlines skipped, then back on
  // k * 10 ms (a re-base would have moved the grid to wherever the hiccup ended), and
  // no burst of catch-up runs.
  assert.deepEqual(starts, [0, 10, 20, 30, 40, 50, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170]);
});

test("an hz so small that its period is not finite is refused, and ScheduledTask is not made with new", () => {
  assert.throws(() => schedule(Number.MIN_VALUE, () => {}), RangeError);
  assert.throws(() => new (ScheduledTask as unknown as new () => unknown)(), /made by schedule/);
});
