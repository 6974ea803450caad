/**
 * 7. timer precision (real clock): a 1 kHz fixed-rate callback for 3 s beside
 * 1000 tasks sleeping 100 ms in a loop. Lateness of each invocation against the
 * ideal deadline start + k/hz, drift over the run, and the CPU the process used
 * meanwhile (user + system, as % of one core). The first WARMUP_MS of the
 * schedule are not measured (JIT compilation, the sleepers' first round), but
 * the grid of deadlines starts at its first call.
 *
 * taskloop runs twice per repetition: with the default timerPrecision
 * ("efficient", the main rows) and with "precise" (the precise_* rows).
 */
import { delay, now, withTaskloop, type Params, type Sample, type Taskloop, type Workload } from "../lib.ts";
import { timerStats } from "../stats.ts";

const HZ = 1000;
const SLEEPERS = 1000;
const WARMUP_MS = 1000;
const duration = (p: Params) => (p.quick ? 1000 : 3000);

/** CPU used since `since` (a process.cpuUsage() reading) over `wallMs`, as % of one core. */
export function cpuPct(since: NodeJS.CpuUsage, wallMs: number): number {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / 1000 / wallMs) * 100;
}

function taskloopTimer(tl: Taskloop, p: Params, timerPrecision: "efficient" | "precise"): Promise<Sample> {
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
      yield* tl.sleepMs(WARMUP_MS);
      const from = times.length;
      const overruns = s.stats.overruns;
      const cpu0 = process.cpuUsage();
      const t0 = now();
      yield* tl.sleepMs(duration(p));
      const cpu_pct = cpuPct(cpu0, now() - t0);
      s.cancel();
      stop = true;
      yield* tl.gather(...ts);
      return {
        ...timerStats(times, start, HZ, true, from),
        calls_per_s: (times.length - from) / (duration(p) / 1000),
        overruns: s.stats.overruns - overruns,
        cpu_pct,
      };
    })(),
    { clock: "real", timerPrecision },
  );
}

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
    { key: "cpu_pct", unit: "% of a core", higherIsBetter: false },
    { key: "precise_late_p50_ms", unit: "precise: ms late p50", higherIsBetter: false },
    { key: "precise_late_p99_ms", unit: "precise: ms late p99", higherIsBetter: false },
    { key: "precise_late_max_ms", unit: "precise: ms late max", higherIsBetter: false },
    { key: "precise_cpu_pct", unit: "precise: % of a core", higherIsBetter: false },
  ],
  lacks: { effection: "n/a (no fixed-rate scheduler; interval() is a bare setInterval)" },
  notes: {
    taskloop:
      "lateness against the deadline each call served (a late wake-up skips missed deadlines); " +
      'default timerPrecision ("efficient"); the precise: rows are the same program with timerPrecision "precise"',
    node: "setTimeout re-armed to absolute deadlines start + k/hz, skipping missed ones",
    cpython: "task sleeping to absolute deadlines",
  },
  python: "timer.py",
  reps: [3, 1],
  run: {
    taskloop: (p) =>
      withTaskloop(["schedule"], async (tl) => {
        const efficient = await taskloopTimer(tl, p, "efficient");
        const precise = await taskloopTimer(tl, p, "precise");
        return {
          ...efficient,
          precise_late_p50_ms: precise.late_p50_ms!,
          precise_late_p99_ms: precise.late_p99_ms!,
          precise_late_max_ms: precise.late_max_ms!,
          precise_cpu_pct: precise.cpu_pct!,
        };
      }),
    node: async (p) => {
      let stop = false;
      const sleeper = async () => {
        while (!stop) await delay(100);
      };
      const ts = Array.from({ length: SLEEPERS }, sleeper);
      const times: number[] = [];
      const period = 1000 / HZ;
      const start = now();
      let k = 1; // the deadline start + k * period is the next one to serve
      let timer: NodeJS.Timeout;
      const tick = (): void => {
        const t = now();
        times.push(t);
        k = Math.max(k + 1, Math.floor((t - start) / period) + 1);
        timer = setTimeout(tick, start + k * period - now());
      };
      timer = setTimeout(tick, period);
      await delay(WARMUP_MS);
      const from = times.length;
      const cpu0 = process.cpuUsage();
      const t0 = now();
      await delay(duration(p));
      const cpu_pct = cpuPct(cpu0, now() - t0);
      clearTimeout(timer);
      stop = true;
      await Promise.all(ts);
      return { ...timerStats(times, start, HZ, true, from), calls_per_s: (times.length - from) / (duration(p) / 1000), cpu_pct };
    },
  },
};
