/**
 * taskloop benchmark suite: `npm run bench` (full) or `npm run bench -- --quick`.
 * Optional: `-- --only=switch,queue`; `-- --engines` runs bench/engines.ts instead. Every workload runs several repetitions;
 * within a repetition each implementation runs once (rotating who goes first), and
 * the median per metric is reported. Ratios are normalised so that > 1 means
 * taskloop is better. Writes bench/results.json (a --quick or --only run:
 * bench/results.local.json).
 */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, homedir, platform, arch } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { IMPLS, type Impl, type Params, type Sample, type Workload } from "./lib.ts";
import { median } from "./stats.ts";
import { awaitNullRate, floorRate, switchWorkload, taskloopSwitch } from "./workloads/switch.ts";
import { spawnWorkload } from "./workloads/spawn.ts";
import { sleepersWorkload } from "./workloads/sleepers.ts";
import { pingpongWorkload } from "./workloads/pingpong.ts";
import { queueWorkload } from "./workloads/queue.ts";
import { lockWorkload } from "./workloads/lock.ts";
import { timerWorkload } from "./workloads/timer.ts";
import { cancelWorkload } from "./workloads/cancel.ts";
import { toThreadWorkload } from "./workloads/tothread.ts";
import { mqttWorkload } from "./workloads/mqtt.ts";
import { downloadWorkload } from "./workloads/download.ts";
import { tcpWorkload, websocketWorkload } from "./workloads/net.ts";

// `--engines`: switch, spawn and pingpong in Node, Chromium, Deno and Bun instead (bench/engines.ts).
if (process.argv.includes("--engines")) {
  await import("./engines.ts");
  process.exit(0);
}

const WORKLOADS: Workload[] = [
  switchWorkload,
  spawnWorkload,
  sleepersWorkload,
  pingpongWorkload,
  queueWorkload,
  lockWorkload,
  timerWorkload,
  cancelWorkload,
  tcpWorkload,
  websocketWorkload,
  downloadWorkload,
  toThreadWorkload,
  mqttWorkload,
];
const PEERS: readonly Impl[] = ["node", "effection", "cpython"];
const TIMEOUT_MS = 120_000;

const params: Params = { quick: process.argv.includes("--quick") };
const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",")) : null;
const exec = promisify(execFile);
const gc = (): void => globalThis.gc?.();

function findPython(): string | null {
  const pinned = join(homedir(), ".pyenv/versions/3.12.1/bin/python3");
  if (existsSync(pinned)) return pinned;
  return process.env.PATH?.split(":").some((d) => existsSync(join(d, "python3"))) ? "python3" : null;
}
const python = findPython();

async function runPython(script: string): Promise<Sample> {
  const args = [join("bench/python", script), ...(params.quick ? ["--quick"] : [])];
  const { stdout } = await exec(python!, args, { timeout: TIMEOUT_MS, maxBuffer: 1 << 20 });
  const parsed: unknown = JSON.parse(stdout.trim().split("\n").pop() ?? "");
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${script} printed no JSON object`);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Number(v)]));
}

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let id: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`${what} did not finish within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(id);
  }
}

interface Row {
  workload: string;
  title: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  values: Partial<Record<Impl, number>>;
  samples: Partial<Record<Impl, number[]>>;
  status: Partial<Record<Impl, string>>;
  ratios: Partial<Record<Impl, number>>;
}
const failures: string[] = [];

/** taskloop vs peer, normalised so that > 1 means taskloop is better. */
function ratio(tl: number | undefined, peer: number | undefined, higherIsBetter: boolean): number | undefined {
  if (tl === undefined || peer === undefined || !Number.isFinite(tl) || !Number.isFinite(peer)) return undefined;
  const [a, b] = higherIsBetter ? [tl, peer] : [Math.abs(peer), Math.abs(tl)];
  return b === 0 ? undefined : a / b;
}

async function runWorkload(w: Workload): Promise<Row[]> {
  const reps = w.reps ? w.reps[params.quick ? 1 : 0] : params.quick ? 3 : 5;
  const samples: Partial<Record<Impl, Sample[]>> = {};
  const status: Partial<Record<Impl, string>> = { ...w.lacks };
  if (python === null) status.cpython = "n/a (no python3)";
  for (const impl of IMPLS) if (impl !== "cpython" && !w.run[impl] && !status[impl]) status[impl] = "n/a";
  if (!w.python) status.cpython ??= "n/a";
  for (let rep = 0; rep < reps; rep++) {
    const order = IMPLS.map((_, i) => IMPLS[(i + rep) % IMPLS.length]!); // round-robin, rotating start
    for (const impl of order) {
      if (status[impl] !== undefined) continue;
      gc();
      try {
        const runner = w.run[impl as Exclude<Impl, "cpython">];
        const got = impl === "cpython" ? await runPython(w.python!) : await withTimeout(runner!(params), `${w.name}/${impl}`);
        if (typeof got === "string") status[impl] = got;
        else (samples[impl] ??= []).push(got);
      } catch (err) {
        const msg = err instanceof Error ? err.message.split("\n")[0]! : String(err);
        status[impl] = `FAILED: ${msg}`;
        failures.push(`${w.name}/${impl}: ${msg}`);
      }
    }
    process.stderr.write(`  ${w.name}: rep ${rep + 1}/${reps} done\n`);
  }
  return w.metrics.map((m) => {
    const row: Row = {
      workload: w.name,
      title: w.title,
      metric: m.key,
      unit: m.unit,
      higherIsBetter: m.higherIsBetter,
      values: {},
      samples: {},
      status: {},
      ratios: {},
    };
    for (const impl of IMPLS) {
      const xs = (samples[impl] ?? []).map((s) => s[m.key]).filter((x): x is number => x !== undefined);
      if (status[impl] !== undefined) row.status[impl] = status[impl];
      else if (xs.length > 0) {
        row.samples[impl] = xs;
        row.values[impl] = median(xs);
      }
    }
    for (const peer of PEERS) {
      const r = ratio(row.values.taskloop, row.values[peer], m.higherIsBetter);
      if (r !== undefined) row.ratios[peer] = r;
    }
    return row;
  });
}

// ---- formatting ----

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "-";
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}
const fmtRatio = (r: number | undefined) => (r === undefined ? "-" : `${r.toFixed(2)}x`);
const cell = (row: Row, impl: Impl) => {
  const s = row.status[impl];
  if (s === undefined) return fmt(row.values[impl]);
  return s.startsWith("FAILED") ? "FAILED" : s.includes("not implemented") ? "n/a (not impl.)" : "n/a";
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c < 2 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(" | ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.slice(1).map(line)].join("\n");
}

// ---- main ----

async function pythonVersion(): Promise<string | null> {
  if (python === null) return null;
  const { stdout, stderr } = await exec(python, ["--version"]);
  return (stdout || stderr).trim();
}

const started = Date.now();
const rows: Row[] = [];
for (const w of WORKLOADS) {
  if (only && !only.has(w.name)) continue;
  process.stderr.write(`${w.name} (${w.title})\n`);
  const t0 = Date.now();
  rows.push(...(await runWorkload(w)));
  process.stderr.write(`  ${w.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

// Reference lines: bare generator floor and plain `await null`, same repetition count.
const refReps = params.quick ? 3 : 5;
// The floor and taskloop's switch are interleaved here, so their ratio comes from the same moments.
const floorXs: number[] = [];
const awaitNullXs: number[] = [];
const switchXs: number[] = [];
const slowStepXs: number[] = [];
const rateOf = (s: Sample | string): number => (typeof s === "string" ? NaN : s.yields_per_s!);
for (let rep = 0; rep < refReps; rep++) {
  gc();
  floorXs.push(await floorRate(params));
  gc();
  switchXs.push(rateOf(await taskloopSwitch(params, undefined)));
  gc();
  slowStepXs.push(rateOf(await taskloopSwitch(params, 1000)));
  gc();
  awaitNullXs.push(await awaitNullRate(params));
}
const floor = median(floorXs);
const awaitNull = median(awaitNullXs);
const tlSwitch = median(switchXs);
const tlSlowStep = median(slowStepXs);

const header = ["workload", "metric", "taskloop", "node", "effection", "cpython", "vs node", "vs effection", "vs cpython"];
const body = rows.map((r) => [r.workload, r.unit, ...IMPLS.map((i) => cell(r, i)), ...PEERS.map((p) => fmtRatio(r.ratios[p]))]);
console.log(`\ntaskloop bench${params.quick ? " (quick)" : ""} - medians; "vs X" = taskloop relative to X, > 1x means taskloop is better\n`);
console.log(table([header, ...body]));
console.log(`\nfloor (bare generator resume, 1000 gens round-robin): ${fmt(floor)} resumes/s`);
console.log(`  taskloop switch is ${tlSwitch ? `${(floor / tlSwitch).toFixed(1)}x below the floor (floor_rate / taskloop_rate)` : "n/a"}`);
console.log(
  `  taskloop switch beside it: ${fmt(tlSwitch)} yields/s; with slowStepMs on (every step timed): ${fmt(tlSlowStep)} yields/s (${((1 - tlSlowStep / tlSwitch) * 100).toFixed(0)}% slower)`,
);
console.log(
  `node \`await null\` switch (1000 async fns): ${fmt(awaitNull)} yields/s` + (tlSwitch ? `; taskloop/await-null = ${(tlSwitch / awaitNull).toFixed(2)}x` : ""),
);

const notes: string[] = [];
for (const w of WORKLOADS) {
  if (only && !only.has(w.name)) continue;
  for (const [impl, note] of Object.entries(w.notes ?? {})) notes.push(`${w.name}/${impl}: ${note}`);
  const r = rows.find((x) => x.workload === w.name)!;
  for (const [impl, s] of Object.entries(r.status)) notes.push(`${w.name}/${impl}: ${s}`);
}
console.log(`\nnotes:\n${notes.map((n) => `  ${n}`).join("\n")}`);
if (failures.length > 0) console.log(`\nFAILURES:\n${failures.map((f) => `  ${f}`).join("\n")}`);

const results = {
  machine: {
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    platform: `${platform()} ${arch()}`,
    python: await pythonVersion(),
    date: new Date().toISOString(),
  },
  quick: params.quick,
  durationS: (Date.now() - started) / 1000,
  rows,
  reference: {
    floor_resumes_per_s: floor,
    floor_samples: floorXs,
    taskloop_switch_samples: switchXs,
    floor_over_taskloop_switch: tlSwitch ? floor / tlSwitch : null,
    taskloop_switch_slowstep_yields_per_s: tlSlowStep,
    slowstep_samples: slowStepXs,
    node_await_null_yields_per_s: awaitNull,
    await_null_samples: awaitNullXs,
  },
  notes,
  failures,
};
// Only a full run replaces the committed figures; --quick and --only runs go to a git-ignored file.
const out = params.quick || only !== null ? "bench/results.local.json" : "bench/results.json";
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out} (${results.durationS.toFixed(0)} s)`);
if (failures.length > 0) process.exitCode = 1;
