/**
 * 7. timer precision (real clock): a 1 kHz fixed-rate callback for 3 s beside
 * 1000 tasks sleeping 100 ms in a loop. Lateness of each invocation against the
 * ideal deadline start + k/hz, and drift over the run.
 */
import { delay, now, withTaskloop, type Params, type Workload } from "../lib.ts";
import { timerStats } from "../stats.ts";

const HZ = 1000;
const SLEEPERS = 1000;
const duration = (p: Params) => (p.quick ? 1000 : 3000);

export const timerWorkload: Workload = {
  name: "timer",
  title: "1 kHz schedule + 1000 sleepers",
  metrics: [
    { key: "late_p50_ms", unit: "ms late p50", higherIsBetter: false },
    { key: "late_p99_ms", unit: "ms late p99", higherIsBetter: false },
    { key: "late_max_ms", unit: "ms late max", higherIsBetter: false },
    { key: "drift_ms", unit: "ms drift", higherIsBetter: false },
    { key: "calls_per_s", unit: "calls/s (ideal 1000)", higherIsBetter: true },
    { key: "overruns", unit: "overruns (re-bases)", higherIsBetter: false },
  ],
  lacks: { effection: "n/a (no fixed-rate scheduler; interval() is a bare setInterval)" },
  notes: {
    taskloop: "lateness against the deadline each call served (a late wake-up skips missed deadlines)",
    node: "setInterval(fn, 1)",
    cpython: "task sleeping to absolute deadlines",
  },
  python: "timer.py",
  reps: [3, 1],
  run: {
    taskloop: (p) =>
      withTaskloop(["schedule"], async (tl) => {
        const schedule = tl.schedule!;
        return tl.run(
          (function* () {
            const loop = tl.getEventLoop();
            let stop = false;
            function* sleeper() {
              while (!stop) yield* tl.sleepMs(100);
            }
            const ts = [];
            for (let i = 0; i < SLEEPERS; i++) ts.push(tl.createTask(sleeper()));
            yield* tl.sleep(0);
            const times: number[] = [];
            const start = loop.time();
            const s = schedule(HZ, () => void times.push(loop.time()));
            yield* tl.sleepMs(duration(p));
            s.cancel();
            stop = true;
            yield* tl.gather(...ts);
            return { ...timerStats(times, start, HZ, true), calls_per_s: times.length / (duration(p) / 1000), overruns: s.stats.overruns };
          })(),
          { clock: "real" },
        );
      }),
    node: async (p) => {
      let stop = false;
      const sleeper = async () => {
        while (!stop) await delay(100);
      };
      const ts = Array.from({ length: SLEEPERS }, sleeper);
      const times: number[] = [];
      const start = now();
      const id = setInterval(() => void times.push(now()), 1000 / HZ);
      await delay(duration(p));
      clearInterval(id);
      stop = true;
      await Promise.all(ts);
      return { ...timerStats(times, start, HZ), calls_per_s: times.length / (duration(p) / 1000) };
    },
  },
};
