/**
 * Differential conformance test: random concurrent programs (generate.ts) run
 * under taskloop (interp.ts) and under CPython 3.12 asyncio (interp.py), both
 * on a virtual clock; the traces must be equal.
 *
 *   npm run conformance                       1000 programs from seed 1
 *   npm run conformance -- --seed 123 --count 1 --show   one program, both traces in full
 *   npm run conformance -- --model bug_gather_recancel   add a triage model (see interp.py)
 *   npm run conformance -- --json out.json    also write every mismatch (program + traces)
 *   npm run conformance -- --shrink 5           shrink the first 5 mismatches to small programs
 *   npm run conformance -- --without waitfor,tg   leave constructs out (to find what a mismatch needs)
 *
 * Needs CPython 3.12 as `python3.12` (or $PYTHON); with pyenv, PYENV_VERSION
 * defaults to 3.12.1. Exit status 1 if any program differs. The deliberate
 * differences modelled on the CPython side are listed at the top of interp.py.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OPTIONAL, generate, type Program } from "./generate.ts";
import { runProgram } from "./interp.ts";
import { PythonSession, shrink, show } from "./shrink.ts";

interface Args {
  seed: number;
  count: number;
  show: boolean;
  model: string;
  json: string | null;
  maxShow: number;
  quiet: boolean;
  shrink: number;
  noTriage: boolean;
  without: Set<string>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seed: 1, count: 1000, show: false, model: "", json: null, maxShow: 10, quiet: false, shrink: 0, noTriage: false, without: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === "--seed") a.seed = Number(v());
    else if (k === "--count") a.count = Number(v());
    else if (k === "--show") a.show = true;
    else if (k === "--model") a.model = a.model ? `${a.model},${v()}` : v();
    else if (k === "--json") a.json = v();
    else if (k === "--max-show") a.maxShow = Number(v());
    else if (k === "--quiet") a.quiet = true;
    else if (k === "--shrink") a.shrink = Number(v());
    else if (k === "--no-triage") a.noTriage = true;
    else if (k === "--without") {
      for (const w of v().split(",")) {
        if (!(OPTIONAL as readonly string[]).includes(w)) throw new Error(`--without: unknown op kind ${w}; one of ${OPTIONAL.join(", ")}`);
        a.without.add(w);
      }
    } else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

function runPython(programs: { seed: number; program: Program }[], model: string): Promise<Map<number, string[]>> {
  const script = fileURLToPath(new URL("./interp.py", import.meta.url));
  const python = process.env.PYTHON ?? "python3.12";
  const env = { ...process.env, PYENV_VERSION: process.env.PYENV_VERSION ?? "3.12.1" };
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, `--model=${model}`], { env, stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${python} exited with ${code}`));
      const traces = new Map<number, string[]>();
      for (const line of out.split("\n")) {
        if (!line) continue;
        const r = JSON.parse(line) as { seed: number; trace: string[] };
        traces.set(r.seed, r.trace);
      }
      resolve(traces);
    });
    for (const p of programs) child.stdin.write(JSON.stringify(p) + "\n");
    child.stdin.end();
  });
}

/** A line diff (LCS): "  same", "- CPython only", "+ taskloop only". */
export function diff(a: string[], b: string[]): string[] {
  const n = a.length,
    m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: string[] = [];
  let i = 0,
    j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i === n || L[i]![j + 1]! >= L[i + 1]![j]!)) out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out;
}

/** The diff with 3 lines of context around each change. */
function context(lines: string[]): string[] {
  const keep = new Set<number>();
  lines.forEach((l, k) => {
    if (!l.startsWith("  ")) for (let d = -3; d <= 3; d++) keep.add(k + d);
  });
  const out: string[] = [];
  let last = -1;
  lines.forEach((l, k) => {
    if (!keep.has(k)) return;
    if (last >= 0 && k !== last + 1) out.push("  ...");
    out.push(l);
    last = k;
  });
  return out;
}

/**
 * Known causes, tried in this order: each mismatch is charged to the first cause
 * whose model (added to the ones before it) makes the traces equal. A model here
 * is a --model flag of interp.py that makes the CPython side do what taskloop does.
 */
const CAUSES: { flag: string | null; what: string }[] = [
  {
    flag: "bug_gather_recancel",
    what: "FIXED BUG (a regression if counted): a task cancelled again before it resumes from gather: gather neither cancels nor awaits its children",
  },
  {
    flag: "bug_tg_exit_no_wake",
    what: "FIXED BUG (a regression if counted): a task-group child failing while the group's task waits in the exit does not wake that task (CPython cancels it), so the group ends a round later",
  },
  {
    flag: null,
    what: "FIXED BUG (a regression if counted): run() settles although a leftover task swallowed the shutdown cancellation and waits forever (CPython's asyncio.run never returns; the deadlock is dropped)",
  },
];

async function triage(mismatches: { seed: number; program: Program; cpython: string[]; taskloop: string[] }[], model: string): Promise<void> {
  let left = mismatches;
  let flags = model ? model.split(",") : [];
  console.log("\ntriage (each mismatch charged to the first known cause that explains it):");
  for (const cause of CAUSES) {
    let explained: typeof left;
    if (cause.flag !== null) {
      flags = [...flags, cause.flag];
      const py = await runPython(
        left.map((m) => ({ seed: m.seed, program: m.program })),
        flags.join(","),
      );
      explained = left.filter((m) => same(py.get(m.seed)!, m.taskloop));
      for (const m of left) m.cpython = py.get(m.seed)!;
    } else {
      // taskloop's trace is CPython's without the closing deadlock line
      explained = left.filter((m) => m.cpython.at(-1) === "SHUTDOWN DEADLOCK" && same(m.cpython.slice(0, -1), m.taskloop));
    }
    left = left.filter((m) => !explained.includes(m));
    console.log(
      `  ${String(explained.length).padStart(5)}  ${cause.what}${
        explained.length
          ? ` (e.g. seed ${explained
              .slice(0, 5)
              .map((m) => m.seed)
              .join(", ")})`
          : ""
      }`,
    );
  }
  console.log(`  ${String(left.length).padStart(5)}  not explained by a known cause${left.length ? `: seeds ${left.map((m) => m.seed).join(" ")}` : ""}`);
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((l, k) => l === b[k]);

async function mainCli(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const programs = Array.from({ length: args.count }, (_, k) => ({ seed: args.seed + k, program: generate(args.seed + k, args.without) }));
  const t0 = performance.now();
  const pyPromise = runPython(programs, args.model);
  const ts = new Map<number, string[]>();
  for (const p of programs) ts.set(p.seed, await runProgram(p.program));
  const py = await pyPromise;
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const mismatches: { seed: number; program: Program; cpython: string[]; taskloop: string[] }[] = [];
  for (const p of programs) {
    const a = py.get(p.seed) ?? ["(no CPython trace)"];
    const b = ts.get(p.seed)!;
    if (args.show) {
      console.log(`seed ${p.seed} program:\n${JSON.stringify(p.program, null, 1)}`);
      console.log(`seed ${p.seed} diff (- CPython 3.12, + taskloop):\n${diff(a, b).join("\n")}\n`);
    }
    if (a.length !== b.length || a.some((l, k) => l !== b[k])) mismatches.push({ seed: p.seed, program: p.program, cpython: a, taskloop: b });
  }
  if (!args.show && !args.quiet && args.shrink === 0) {
    for (const m of mismatches.slice(0, args.maxShow)) {
      console.log(`--- seed ${m.seed} differs (- CPython 3.12, + taskloop); rerun: npm run conformance -- --seed ${m.seed} --count 1 --show`);
      console.log(context(diff(m.cpython, m.taskloop)).join("\n"));
    }
    if (mismatches.length > args.maxShow) console.log(`... and ${mismatches.length - args.maxShow} more`);
  }
  if (mismatches.length > 0 && !args.noTriage) await triage(mismatches, args.model);
  if (args.shrink > 0 && mismatches.length > 0) {
    const py = new PythonSession(args.model);
    for (const m of mismatches.slice(0, args.shrink)) {
      const s = await shrink(m.program, py);
      console.log(
        `=== seed ${m.seed} shrunk:\n${show(s.program)}\n${JSON.stringify(s.program)}\ndiff (- CPython 3.12, + taskloop):\n${diff(s.cpython, s.taskloop).join("\n")}\n`,
      );
    }
    py.close();
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(mismatches, null, 1));
  const matched = programs.length - mismatches.length;
  console.log(
    `\nconformance: ${matched} of ${programs.length} programs matched CPython 3.12 (seeds ${args.seed}..${args.seed + args.count - 1}, ${seconds} s${args.model ? `, model ${args.model}` : ""}${args.without.size ? `, without ${[...args.without].join(",")}` : ""})`,
  );
  if (mismatches.length > 0) console.log(`mismatching seeds: ${mismatches.map((m) => m.seed).join(" ")}`);
  process.exitCode = mismatches.length > 0 ? 1 : 0;
}

await mainCli();
