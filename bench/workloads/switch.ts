/** 1. switch: TASKS tasks each giving way ROUNDS times. Also the floor and `await null` lines. */
import { all, run as erun, sleep as esleep, spawn } from "effection";
import { giveWay, now, withTaskloop, type Params, type Sample, type Workload } from "../lib.ts";

const size = (p: Params) => ({ tasks: 1000, rounds: p.quick ? 200 : 1000 });
const rate = (n: number, t0: number) => ({ yields_per_s: (n * 1000) / (now() - t0) });

export const switchWorkload: Workload = {
  name: "switch",
  title: "1000 tasks x sleep(0)",
  metrics: [{ key: "yields_per_s", unit: "yields/s", higherIsBetter: true }],
  notes: { node: "await setImmediate", effection: "sleep(0) = setTimeout 0 (1 ms clamp); 1000 x 100 (x 20 quick)" },
  python: "switch.py",
  run: {
    taskloop: (p) => taskloopSwitch(p, undefined),
    node: async (p) => {
      const { tasks, rounds } = size(p);
      const worker = async () => {
        for (let i = 0; i < rounds; i++) await giveWay();
      };
      const t0 = now();
      await Promise.all(Array.from({ length: tasks }, worker));
      return rate(tasks * rounds, t0);
    },
    effection: async (p) => {
      const { tasks } = size(p);
      const rounds = p.quick ? 20 : 100; // each sleep(0) is a 1 ms-clamped timer, so fewer rounds
      const t0 = now();
      await erun(function* () {
        const ts = [];
        for (let i = 0; i < tasks; i++)
          ts.push(
            yield* spawn(function* () {
              for (let j = 0; j < rounds; j++) yield* esleep(0);
            }),
          );
        yield* all(ts);
      });
      return rate(tasks * rounds, t0);
    },
  },
};

/**
 * taskloop's switch workload; with `slowStepMs` set, every step is timed
 * exactly (the inspection-cost line compares the two).
 */
export function taskloopSwitch(p: Params, slowStepMs: number | undefined): Promise<Sample | string> {
  return withTaskloop([], async (tl) => {
    const { tasks, rounds } = size(p);
    function* worker() {
      for (let i = 0; i < rounds; i++) yield* tl.sleep(0);
    }
    const t0 = now();
    await tl.run(
      (function* () {
        const ts = [];
        for (let i = 0; i < tasks; i++) ts.push(tl.createTask(worker()));
        yield* tl.gather(...ts);
      })(),
      slowStepMs === undefined ? { clock: "real" } : { clock: "real", slowStepMs, onSlowStep: () => {} },
    );
    return rate(tasks * rounds, t0);
  });
}

/** Lower bound for any generator scheduler: resume N generators round-robin, no scheduler. */
export async function floorRate(p: Params): Promise<number> {
  const { tasks, rounds } = size(p);
  function* g() {
    for (;;) yield;
  }
  const gens = Array.from({ length: tasks }, g);
  const t0 = now();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < tasks; i++) gens[i]!.next();
  return rate(tasks * rounds, t0).yields_per_s;
}

/** Plain Node microtask switch: the same tasks doing `await null`. */
export async function awaitNullRate(p: Params): Promise<number> {
  const { tasks, rounds } = size(p);
  const worker = async () => {
    for (let i = 0; i < rounds; i++) await null;
  };
  const t0 = now();
  await Promise.all(Array.from({ length: tasks }, worker));
  return rate(tasks * rounds, t0).yields_per_s;
}
