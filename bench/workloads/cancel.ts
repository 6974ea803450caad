/** 8. cancel: N tasks sleeping 10 s inside try/finally, all cancelled; every finally must run. */
import { all, run as erun, sleep as esleep, spawn, type Task } from "effection";
import { effectionCap, now, withTaskloop, type Params, type Workload } from "../lib.ts";

const size = (p: Params) => (p.quick ? 20_000 : 100_000);
const rate = (n: number, t0: number) => ({ cancellations_per_s: (n * 1000) / (now() - t0) });

function check(who: string, finals: number, n: number): void {
  if (finals !== n) throw new Error(`${who}: ${finals} finally blocks ran, expected ${n}`);
}

export const cancelWorkload: Workload = {
  name: "cancel",
  title: "cancel 100k sleeping tasks",
  metrics: [{ key: "cancellations_per_s", unit: "cancels/s", higherIsBetter: true }],
  notes: { node: "AbortController per task, abortable setTimeout", effection: "task.halt(); N = 5k (2k quick)" },
  python: "cancel.py",
  run: {
    taskloop: (p) =>
      withTaskloop([], async (tl) => {
        const n = size(p);
        let started = 0;
        let finals = 0;
        function* sleeper() {
          started++;
          try {
            yield* tl.sleep(10);
          } finally {
            finals++;
          }
        }
        let t0 = 0;
        await tl.run(
          (function* () {
            const ts = [];
            for (let i = 0; i < n; i++) ts.push(tl.createTask(sleeper()));
            while (started < n) yield* tl.sleep(0);
            t0 = now();
            for (const t of ts) t.cancel();
            for (const t of ts) {
              try {
                yield* t;
              } catch {
                // CancelledError expected
              }
            }
            for (const t of ts) if (!t.cancelled()) throw new Error("taskloop: a cancelled task is not cancelled()");
          })(),
          { clock: "real" },
        );
        check("taskloop", finals, n);
        return rate(n, t0);
      }),
    node: async (p) => {
      const n = size(p);
      let finals = 0;
      const sleep = (ms: number, signal: AbortSignal) =>
        new Promise<void>((resolve, reject) => {
          const id = setTimeout(resolve, ms);
          signal.addEventListener("abort", () => (clearTimeout(id), reject(signal.reason)), { once: true });
        });
      const ctrls = Array.from({ length: n }, () => new AbortController());
      const ps = ctrls.map(async (c) => {
        try {
          await sleep(10_000, c.signal);
        } finally {
          finals++;
        }
      });
      const t0 = now();
      for (const c of ctrls) c.abort();
      await Promise.allSettled(ps);
      check("node", finals, n);
      return rate(n, t0);
    },
    effection: async (p) => {
      const n = Math.min(size(p), effectionCap(p));
      let started = 0;
      let finals = 0;
      let t0 = 0;
      await erun(function* () {
        const ts: Task<void>[] = [];
        for (let i = 0; i < n; i++)
          ts.push(
            yield* spawn(function* () {
              started++;
              try {
                yield* esleep(10_000);
              } finally {
                finals++;
              }
            }),
          );
        while (started < n) yield* esleep(0);
        t0 = now();
        yield* all(ts.map((t) => t.halt()));
      });
      check("effection", finals, n);
      return rate(n, t0);
    },
  },
};
