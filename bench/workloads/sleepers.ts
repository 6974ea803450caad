/**
 * 3. sleepers: N tasks in sleep(1 s). Wall time minus 1 s is measured here;
 * heap bytes per task in a fresh child process each (bench/mem.ts), so heaps
 * do not interfere.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { all, run as erun, sleep as esleep, spawn, type Task } from "effection";
import { delay, effectionCap, now, taskloop, type JsImpl, type Params, type Sample, type Workload } from "../lib.ts";

const size = (p: Params) => (p.quick ? 20_000 : 100_000);

/** Hooks a memory probe can hang on: called before creating tasks and once all sleep. */
export interface Probe {
  before(): void;
  allAsleep(): void;
}
const noProbe: Probe = { before() {}, allAsleep() {} };

/** Runs the sleepers on `impl`; returns the wall time past the 1 s sleep. */
export async function sleepers(impl: JsImpl, n: number, probe: Probe = noProbe): Promise<number> {
  let started = 0;
  let t0 = 0;
  if (impl === "taskloop") {
    const loaded = await taskloop();
    if (typeof loaded === "string") throw new Error(loaded);
    const tl = loaded;
    function* sleeper() {
      started++;
      yield* tl.sleep(1);
    }
    await tl.run(
      (function* () {
        probe.before();
        t0 = now();
        const ts = [];
        for (let i = 0; i < n; i++) ts.push(tl.createTask(sleeper()));
        while (started < n) yield* tl.sleep(0);
        probe.allAsleep();
        yield* tl.gather(...ts);
      })(),
      { clock: "real" },
    );
  } else if (impl === "node") {
    probe.before();
    t0 = now();
    const ps = [];
    for (let i = 0; i < n; i++)
      ps.push(
        (async () => {
          started++;
          await delay(1000);
        })(),
      );
    probe.allAsleep();
    await Promise.all(ps);
  } else {
    await erun(function* () {
      probe.before();
      t0 = now();
      const ts: Task<void>[] = [];
      for (let i = 0; i < n; i++)
        ts.push(
          yield* spawn(function* () {
            started++;
            yield* esleep(1000);
          }),
        );
      while (started < n) yield* esleep(0);
      probe.allAsleep();
      yield* all(ts);
    });
  }
  return now() - t0 - 1000;
}

const run = promisify(execFile);

async function measure(impl: JsImpl, p: Params): Promise<Sample | string> {
  if (impl === "taskloop") {
    const tl = await taskloop();
    if (typeof tl === "string") return tl;
  }
  const full = size(p);
  const n = impl === "effection" ? Math.min(full, effectionCap(p)) : full;
  const wall = ((await sleepers(impl, n)) * full) / n; // effection: scaled up linearly
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", "bench/mem.ts", impl, String(n)], {
    maxBuffer: 1 << 20,
  });
  const mem: unknown = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
  const bytes = typeof mem === "object" && mem !== null && "bytes_per_task" in mem ? Number(mem.bytes_per_task) : NaN;
  return { wall_over_1s_ms: wall, bytes_per_task: bytes };
}

export const sleepersWorkload: Workload = {
  name: "sleepers",
  title: "100k tasks in sleep(1)",
  metrics: [
    { key: "bytes_per_task", unit: "heap B/task", higherIsBetter: false },
    { key: "wall_over_1s_ms", unit: "ms past 1 s", higherIsBetter: false },
  ],
  notes: { cpython: "bytes via tracemalloc", effection: "N = 5k (2k quick), ms past 1 s scaled linearly to N" },
  python: "sleepers.py",
  reps: [3, 1],
  run: {
    taskloop: (p) => measure("taskloop", p),
    node: (p) => measure("node", p),
    effection: (p) => measure("effection", p),
  },
};
