/**
 * The engine-neutral benchmark program of `npm run bench -- --engines`: the
 * switch, spawn and pingpong workloads, each beside the engine's own floor
 * (resuming bare generators round-robin, no scheduler), plus the lateness of a
 * 1 ms real-clock sleep. Bundled with esbuild and run the same way in every
 * engine (bench/engines.ts); it uses only the `taskloop` entry and ECMAScript.
 */
import { Event, createTask, gather, getEventLoop, run, sleep, type Coro } from "taskloop";

const now: () => number = typeof performance !== "undefined" ? () => performance.now() : () => Date.now();

export interface EngineFigures {
  floor_resumes_per_s: number;
  switch_yields_per_s: number;
  spawn_tasks_per_s: number;
  pingpong_round_trips_per_s: number;
  sleep1ms_late_p50_ms: number;
  sleep1ms_late_p95_ms: number;
}

const TASKS = 1000;

function floor(rounds: number): number {
  function* g(): Generator<void, void, unknown> {
    for (;;) yield;
  }
  const gens = Array.from({ length: TASKS }, g);
  const t0 = now();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < TASKS; i++) gens[i]!.next();
  return (TASKS * rounds * 1000) / (now() - t0);
}

async function switchRate(rounds: number): Promise<number> {
  function* worker(): Coro<void> {
    for (let i = 0; i < rounds; i++) yield* sleep(0);
  }
  const t0 = now();
  await run(
    function* (): Coro<void> {
      const ts = [];
      for (let i = 0; i < TASKS; i++) ts.push(createTask(worker()));
      yield* gather(...ts);
    },
    { clock: "real" },
  );
  return (TASKS * rounds * 1000) / (now() - t0);
}

async function spawnRate(n: number): Promise<number> {
  function* one(): Coro<number> {
    return 1;
  }
  const t0 = now();
  await run(
    function* (): Coro<void> {
      const ts = [];
      for (let i = 0; i < n; i++) ts.push(createTask(one()));
      yield* gather(...ts);
    },
    { clock: "real" },
  );
  return (n * 1000) / (now() - t0);
}

async function pingpongRate(n: number): Promise<number> {
  const ping = new Event();
  const pong = new Event();
  function* pinger(): Coro<void> {
    for (let i = 0; i < n; i++) {
      ping.set();
      yield* pong.wait();
      pong.clear();
    }
  }
  function* ponger(): Coro<void> {
    for (let i = 0; i < n; i++) {
      yield* ping.wait();
      ping.clear();
      pong.set();
    }
  }
  const t0 = now();
  await run(
    function* (): Coro<void> {
      yield* gather(createTask(ponger()), createTask(pinger()));
    },
    { clock: "real" },
  );
  return (n * 1000) / (now() - t0);
}

async function sleepLateness(n: number): Promise<number[]> {
  const late: number[] = [];
  await run(
    function* (): Coro<void> {
      const loop = getEventLoop();
      for (let i = 0; i < n; i++) {
        const due = loop.time() + 1;
        yield* sleep(0.001);
        late.push(loop.time() - due);
      }
    },
    { clock: "real" },
  );
  return late;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Runs each workload `reps` times (interleaved, after one warm-up) and gives the medians. */
export async function engineBench(quick: boolean): Promise<EngineFigures> {
  const rounds = quick ? 200 : 1000;
  const n = quick ? 20_000 : 100_000;
  const reps = quick ? 3 : 5;
  const xs = { floor: [] as number[], sw: [] as number[], spawn: [] as number[], pp: [] as number[] };
  floor(50);
  await switchRate(50); // warm-up: JIT compilation stays out of the figures
  for (let r = 0; r < reps; r++) {
    xs.floor.push(floor(rounds));
    xs.sw.push(await switchRate(rounds));
    xs.spawn.push(await spawnRate(n));
    xs.pp.push(await pingpongRate(n));
  }
  const late = await sleepLateness(quick ? 100 : 300);
  return {
    floor_resumes_per_s: median(xs.floor),
    switch_yields_per_s: median(xs.sw),
    spawn_tasks_per_s: median(xs.spawn),
    pingpong_round_trips_per_s: median(xs.pp),
    sleep1ms_late_p50_ms: quantile(late, 0.5),
    sleep1ms_late_p95_ms: quantile(late, 0.95),
  };
}

Object.assign(globalThis, { engineBench });
