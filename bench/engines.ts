/**
 * `npm run bench -- --engines` (add `--quick` for a short run): the switch,
 * spawn and pingpong workloads in Node, Chromium, Deno and Bun in the same run,
 * each beside that engine's own bare-generator floor. One esbuild bundle of
 * bench/engines/program.ts runs in every engine, one engine at a time.
 * Chromium runs it twice: with the give-way taskloop picks there
 * (MessageChannel) and with `setTimeout(0)`, what it used before (the page
 * hides MessageChannel first). Writes bench/engines.local.json (git-ignored).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, launchChromium, runProcess, tempDir, bunBinary, denoBinary } from "../test/portability/_engines.ts";
import type { EngineFigures } from "./engines/program.ts";

const quick = process.argv.includes("--quick");
const TARGET = 3; // switch within 3x of the engine's floor

const code = await bundle("bench/engines/program.ts");
const call = `engineBench(${quick})`;

async function cli(engine: "node" | "deno" | "bun"): Promise<EngineFigures> {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, "bench.js");
    writeFileSync(file, `${code}\n${call}.then((r) => console.log("FIGURES " + JSON.stringify(r)));\n`);
    const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, "deno") };
    const [cmd, args] =
      engine === "node"
        ? [process.execPath, [file]]
        : engine === "deno"
          ? [denoBinary(), ["run", "--quiet", "--no-config", "--no-lock", file]]
          : [bunBinary(), ["--no-install", file]];
    const { stdout, stderr } = await runProcess(cmd, args, { cwd: dir, env, timeoutMs: 300_000 });
    const line = stdout.split("\n").find((l) => l.startsWith("FIGURES "));
    if (!line) throw new Error(`${engine} printed no figures\n${stdout}\n${stderr}`);
    return JSON.parse(line.slice("FIGURES ".length)) as EngineFigures;
  } finally {
    remove();
  }
}

async function chromium(hideMessageChannel: boolean): Promise<EngineFigures> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><title>taskloop engine bench</title>");
    if (hideMessageChannel) await page.addScriptTag({ content: "globalThis.MessageChannel = undefined;" });
    await page.addScriptTag({ content: code });
    page.setDefaultTimeout(300_000);
    return (await page.evaluate(`${call}`)) as EngineFigures;
  } finally {
    await browser.close();
  }
}

const engines: Array<[string, () => Promise<EngineFigures>]> = [
  ["node " + process.version, () => cli("node")],
  ["chromium", () => chromium(false)],
  ["chromium, setTimeout give-way", () => chromium(true)],
  ["deno", () => cli("deno")],
  ["bun", () => cli("bun")],
];

const M = (x: number): string => `${(x / 1e6).toFixed(2)} M`;
const rows: string[][] = [["engine", "floor /s", "switch /s", "floor / switch", "spawn /s", "pingpong /s", "sleep 1 ms late p50 / p95"]];
const results: Record<string, EngineFigures | string> = {};
for (const [name, runIt] of engines) {
  process.stderr.write(`running ${name} …\n`);
  try {
    const f = await runIt();
    results[name] = f;
    const ratio = f.floor_resumes_per_s / f.switch_yields_per_s;
    rows.push([
      name,
      M(f.floor_resumes_per_s),
      M(f.switch_yields_per_s),
      `${ratio.toFixed(2)}x ${ratio <= TARGET ? "(within 3x)" : "(OVER 3x)"}`,
      M(f.spawn_tasks_per_s),
      M(f.pingpong_round_trips_per_s),
      `${f.sleep1ms_late_p50_ms.toFixed(2)} / ${f.sleep1ms_late_p95_ms.toFixed(2)} ms`,
    ]);
  } catch (error) {
    results[name] = String(error);
    rows.push([name, `failed: ${String(error).split("\n")[0]}`]);
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
console.log(`\ntaskloop across engines${quick ? " (quick)" : ""}: medians; floor = bare generators resumed round-robin in the same engine\n`);
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
writeFileSync("bench/engines.local.json", `${JSON.stringify({ quick, date: new Date().toISOString(), results }, null, 2)}\n`);
console.log("\nwrote bench/engines.local.json");
