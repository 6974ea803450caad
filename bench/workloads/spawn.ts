/** 2. spawn: create N tasks that return at once and gather them. */
import { all, run as erun, spawn } from "effection";
import { effectionCap, now, withTaskloop, type Params, type Workload } from "../lib.ts";

const size = (p: Params) => (p.quick ? 20_000 : 100_000);
const rate = (n: number, t0: number) => ({ tasks_per_s: (n * 1000) / (now() - t0) });

export const spawnWorkload: Workload = {
  name: "spawn",
  title: "create+gather 100k tasks",
  metrics: [{ key: "tasks_per_s", unit: "tasks/s", higherIsBetter: true }],
  notes: { node: "async fn + Promise.all", effection: "spawn + all; N = 5k (2k quick)" },
  python: "spawn.py",
  run: {
    taskloop: (p) =>
      withTaskloop([], async (tl) => {
        const n = size(p);
        function* one(): Generator<never, number, unknown> {
          return 1;
        }
        const t0 = now();
        const got = await tl.run(
          (function* () {
            const ts = [];
            for (let i = 0; i < n; i++) ts.push(tl.createTask(one()));
            return yield* tl.gather(...ts);
          })(),
          { clock: "real" },
        );
        if (got.length !== n) throw new Error(`taskloop gather returned ${got.length} results, expected ${n}`);
        return rate(n, t0);
      }),
    node: async (p) => {
      const n = size(p);
      const one = async () => 1;
      const t0 = now();
      const ps = [];
      for (let i = 0; i < n; i++) ps.push(one());
      await Promise.all(ps);
      return rate(n, t0);
    },
    effection: async (p) => {
      const n = Math.min(size(p), effectionCap(p));
      const t0 = now();
      await erun(function* () {
        const ts = [];
        for (let i = 0; i < n; i++)
          ts.push(
            yield* spawn(function* () {
              return 1;
            }),
          );
        yield* all(ts);
      });
      return rate(n, t0);
    },
  },
};
