/**
 * 9. toThread (taskloop/node): the round trip of a trivial job through
 * toThread, against calling piscina directly in the same run (same pool
 * size, both warmed up), and what offloading a CPU-bound job does to a
 * 100 Hz schedule: its lateness with the loop idle, with a 50 MB hash running
 * in a worker meanwhile, and (for contrast) with the same hash run on the
 * loop's own thread in 10 chunks.
 */
import { Piscina } from "piscina";
import { run, schedule, sleep, type Coro } from "taskloop";
import { toThread, closeThreads, configureThreads } from "taskloop/node";
import { now, type Params, type Sample, type Workload } from "../lib.ts";
import { timerStats } from "../stats.ts";
// @ts-expect-error a plain .mjs module without types (so piscina's own workers can load it)
import { hashMegabytes } from "./tothread-jobs.mjs";

const JOBS = new URL("./tothread-jobs.mjs", import.meta.url);
const trips = (p: Params) => (p.quick ? 2_000 : 10_000);
const WARMUP = 500;
const POOL = 1;

async function taskloopRoundTrip(p: Params): Promise<Sample> {
  configureThreads({ size: POOL });
  try {
    return await run(function* (): Coro<Sample> {
      for (let i = 0; i < WARMUP; i++) yield* toThread<number>(JOBS, "add", i, 1);
      const n = trips(p);
      const t0 = now();
      for (let i = 0; i < n; i++) yield* toThread<number>(JOBS, "add", i, 1);
      return { trips_per_s: (n * 1000) / (now() - t0) };
    });
  } finally {
    await closeThreads();
    configureThreads({});
  }
}

async function piscinaRoundTrip(p: Params): Promise<Sample> {
  const pool = new Piscina({ filename: JOBS.href, maxThreads: POOL, minThreads: POOL });
  try {
    for (let i = 0; i < WARMUP; i++) await pool.run({ a: i, b: 1 });
    const n = trips(p);
    const t0 = now();
    for (let i = 0; i < n; i++) await pool.run({ a: i, b: 1 });
    return { trips_per_s: (n * 1000) / (now() - t0) };
  } finally {
    await pool.destroy();
  }
}

/** p99 lateness of a 100 Hz schedule while `during` runs. */
function* lateness(during: () => Coro<unknown>): Coro<number> {
  const times: number[] = [];
  const t0 = now();
  const s = schedule(100, () => void times.push(now()));
  yield* sleep(0.1); // the schedule settles
  const from = times.length;
  yield* during();
  s.cancel();
  return timerStats(times, t0, 100, true, from).late_p99_ms!;
}

async function taskloopLateness(): Promise<Sample> {
  try {
    return await run(function* (): Coro<Sample> {
      yield* toThread<number>(JOBS, "add", 1, 1); // the worker is up
      const idle = yield* lateness(function* () {
        yield* sleep(1);
      });
      const offloaded = yield* lateness(function* () {
        yield* toThread<number>(JOBS, "hashMegabytes", 50);
      });
      const onLoop = yield* lateness(function* () {
        for (let i = 0; i < 10; i++) {
          hashMegabytes(5);
          yield* sleep(0);
        }
      });
      return { late_p99_idle_ms: idle, late_p99_offloaded_ms: offloaded, late_p99_on_loop_ms: onLoop };
    });
  } finally {
    await closeThreads();
  }
}

export const toThreadWorkload: Workload = {
  name: "tothread",
  title: "toThread round trip; 100 Hz lateness with a CPU job",
  metrics: [
    { key: "trips_per_s", unit: "trips/s", higherIsBetter: true },
    { key: "late_p99_idle_ms", unit: "ms", higherIsBetter: false },
    { key: "late_p99_offloaded_ms", unit: "ms", higherIsBetter: false },
    { key: "late_p99_on_loop_ms", unit: "ms", higherIsBetter: false },
  ],
  notes: { node: "piscina.run() directly, same pool size (1 thread)" },
  lacks: { effection: "no worker pool", cpython: "asyncio.to_thread runs threads under the GIL: a different measure" },
  reps: [3, 2],
  run: {
    taskloop: async (p) => ({ ...(await taskloopRoundTrip(p)), ...(await taskloopLateness()) }),
    node: (p) => piscinaRoundTrip(p),
  },
};
