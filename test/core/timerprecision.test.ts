/**
 * LoopOptions.timerPrecision: how a real-clock loop waits for its next timer.
 *
 * No test here measures speed. The polling tests run the loop on a simulated
 * host: the clock (`performance.now`) only moves when a host callback runs, a
 * host timer armed for `ms` fires `trunc(ms) + 0.13` ms later (what Node's
 * setTimeout does on Linux), and each poll (a `setImmediate`) costs 0.01 ms.
 * So the number of polls the loop makes, and how late it wakes, depend on its
 * logic only, not on the machine.
 *
 * The loop picks up `setImmediate` when the package loads, so the host is
 * wrapped before taskloop is imported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

type Fn = () => void;
interface FakeTimer {
  cleared: boolean;
}

/** A simulated host, active while `sim` is set; otherwise every call goes to the real one. */
class SimHost {
  now = 1000.25; // a fractional start, as a real clock has
  polls = 0;
  /** How far (ms) from `trunc(ms) + 0.13` each host timer fires, in turn: negative is early. */
  constructor(private readonly jitter: number[] = [0]) {}
  private fired = 0;
  setImmediate(fn: Fn): void {
    this.polls++;
    realSetImmediate(() => {
      this.now += 0.01;
      fn();
    });
  }
  setTimeout(fn: Fn, ms: number): FakeTimer {
    const due = this.now + Math.max(1, Math.trunc(ms)) + 0.13 + this.jitter[this.fired++ % this.jitter.length]!;
    const timer: FakeTimer = { cleared: false };
    realSetImmediate(() => {
      if (timer.cleared) return;
      this.now = Math.max(this.now, due);
      fn();
    });
    return timer;
  }
}

const realSetImmediate = globalThis.setImmediate.bind(globalThis);
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realNow = performance.now.bind(performance);
let sim: SimHost | null = null;

globalThis.setImmediate = ((fn: Fn, ...args: unknown[]) =>
  sim ? sim.setImmediate(fn) : Reflect.apply(realSetImmediate, undefined, [fn, ...args])) as unknown as typeof setImmediate;
globalThis.setTimeout = ((fn: Fn, ms?: number, ...args: unknown[]) =>
  sim ? sim.setTimeout(fn, ms ?? 0) : Reflect.apply(realSetTimeout, globalThis, [fn, ms, ...args])) as unknown as typeof setTimeout;
globalThis.clearTimeout = ((t: unknown) => {
  if (typeof t === "object" && t !== null && "cleared" in t) (t as FakeTimer).cleared = true;
  else realClearTimeout(t as Parameters<typeof clearTimeout>[0]);
}) as typeof clearTimeout;
performance.now = () => (sim ? sim.now : realNow());

const { run, sleepMs, createTask, gather, getEventLoop, newEventLoop, Event } = await import("taskloop");
type Precision = "efficient" | "precise";

interface Wake {
  ms: number;
  polls: number;
  late: number;
}

/** Runs a loop of sleeps on a simulated host; for each sleep, the polls made during it and how late it woke. */
async function simulate(precision: Precision, sleeps: number[], jitter?: number[]): Promise<Wake[]> {
  const host = new SimHost(jitter);
  sim = host;
  try {
    return await run(
      function* () {
        const loop = getEventLoop();
        const wakes: Wake[] = [];
        for (const ms of sleeps) {
          const polls = host.polls;
          const deadline = loop.time() + ms;
          yield* sleepMs(ms);
          wakes.push({ ms, polls: host.polls - polls, late: loop.time() - deadline });
        }
        return wakes;
      },
      { clock: "real", timerPrecision: precision },
    );
  } finally {
    sim = null;
  }
}

const SLEEPS = [50, 50.3, 50.7, 10.9, 3.2, 2, 1.5, 1.1, 0.6, 0.2, 100, 7.77];

test("timerPrecision is validated: a TypeError naming the option and the values it takes", () => {
  for (const bad of ["fast", "", 1, null, true]) {
    assert.throws(
      () => newEventLoop({ timerPrecision: bad as unknown as Precision }),
      (e: unknown) => e instanceof TypeError && /^LoopOptions\.timerPrecision must be "efficient" or "precise", got /.test(e.message),
    );
  }
  assert.throws(
    () => newEventLoop({ timerPrecison: "precise" } as unknown as { timerPrecision: Precision }),
    /unknown option "timerPrecison"; the options are clock, slowStepMs, onSlowStep, timerPrecision and debug/,
  );
  for (const ok of ["efficient", "precise", undefined] as const) newEventLoop({ clock: "real", timerPrecision: ok });
});

for (const precision of ["efficient", "precise"] as const) {
  test(`${precision}: sleepers wake in deadline order (real clock)`, async () => {
    const woke: string[] = [];
    const deadlines: [string, number][] = [];
    await run(
      function* () {
        const loop = getEventLoop();
        const go = new Event();
        function* sleeper(name: string, ms: number) {
          yield* go.wait();
          // All start sleeping in one round, 8 ms apart. The order is checked against the
          // deadlines as read here, so even a stall in the middle of the round cannot fail it.
          deadlines.push([name, loop.time() + ms]);
          yield* sleepMs(ms);
          woke.push(name);
        }
        const plan: [string, number][] = [
          ["e", 32],
          ["a", 0.5],
          ["c", 16.5],
          ["b", 8.7],
          ["d", 24],
          ["f", 40],
        ];
        const tasks = plan.map(([name, ms]) => createTask(sleeper(name, ms)));
        yield* sleepMs(0);
        go.set();
        yield* gather(...tasks);
      },
      { clock: "real", timerPrecision: precision },
    );
    const expected = [...deadlines].sort((x, y) => x[1] - y[1]).map(([name]) => name);
    assert.deepEqual(woke, expected);
    assert.equal(woke.length, 6);
  });
}

test("efficient and precise: sleepers wake in deadline order, equal deadlines in the order they were set (simulated host)", async () => {
  for (const precision of ["efficient", "precise"] as const) {
    for (const jitter of [[0], [-0.9, 0, -0.6, 0.3, -0.99]]) {
      const host = new SimHost(jitter);
      sim = host;
      const woke: string[] = [];
      try {
        await run(
          function* () {
            function* sleeper(name: string, ms: number) {
              yield* sleepMs(ms);
              woke.push(name);
            }
            const plan: [string, number][] = [
              ["f", 9],
              ["a", 0.1],
              ["d", 2.2],
              ["b", 1],
              ["e", 2.2],
              ["c", 1.9],
              ["g", 30],
            ];
            yield* gather(...plan.map(([name, ms]) => createTask(sleeper(name, ms))));
          },
          { clock: "real", timerPrecision: precision },
        );
      } finally {
        sim = null;
      }
      // The simulated clock stands still while tasks run, so d and e share a deadline.
      assert.deepEqual(woke, ["a", "b", "c", "d", "e", "f", "g"], `${precision}, jitter ${jitter}`);
    }
  }
});

test("efficient: a real-clock sleep waits on the host timer and polls at most ~0.3 ms before its deadline (simulated host)", async () => {
  const wakes = await simulate("efficient", SLEEPS);
  for (const w of wakes) {
    // 0.01 ms per poll: 35 polls are 0.35 ms of polling. A loop that polls the last 1.5 ms makes 150 or more.
    assert.ok(w.polls <= 35, `sleep ${w.ms} ms: ${w.polls} polls`);
    assert.ok(w.late >= 0 && w.late < 1, `sleep ${w.ms} ms: woke ${w.late} ms late`);
  }
  // The long sleeps are one host timer each, polling not at all.
  for (const w of wakes.filter((x) => x.ms === 50 || x.ms === 100)) assert.ok(w.polls <= 2, `sleep ${w.ms} ms: ${w.polls} polls`);
});

test("efficient: a host timer that fires early is re-armed rather than polled through (simulated host)", async () => {
  const wakes = await simulate("efficient", SLEEPS, [-0.9, 0, -0.6, 0.3, -0.99]);
  for (const w of wakes) {
    assert.ok(w.polls <= 35, `sleep ${w.ms} ms: ${w.polls} polls`);
    assert.ok(w.late >= 0 && w.late < 1.5, `sleep ${w.ms} ms: woke ${w.late} ms late`);
  }
});

test("precise: a real-clock sleep polls the last 1.5 ms and wakes within a poll of its deadline (simulated host)", async () => {
  const wakes = await simulate("precise", SLEEPS);
  for (const w of wakes) {
    assert.ok(w.late >= 0 && w.late <= 0.011, `sleep ${w.ms} ms: woke ${w.late} ms late`);
    if (w.ms >= 1.5) assert.ok(w.polls >= 100, `sleep ${w.ms} ms: only ${w.polls} polls`);
  }
});

test("the virtual clock takes timerPrecision and ignores it: no host timer, time jumps", async () => {
  for (const precision of ["efficient", "precise"] as const) {
    const host = new SimHost();
    sim = host;
    try {
      const t = await run(
        function* () {
          yield* sleepMs(1.5);
          yield* sleepMs(10_000);
          return getEventLoop().time();
        },
        { clock: "virtual", timerPrecision: precision },
      );
      assert.equal(t, 10_001.5);
    } finally {
      sim = null;
    }
    assert.equal(host.now, 1000.25, "the host clock did not move: no host timer was armed");
  }
});
