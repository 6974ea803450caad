// Runs one esbuild bundle in each engine of the portability suite: Node, Deno
// and Bun (their npm packages) as child processes, headless Chromium (the
// system's `chromium` through puppeteer-core) and QuickJS (quickjs-emscripten).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** Bundles `entry` (a path from the repository root) for any engine: one IIFE, ES2022, no host imports. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: "iife",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "taskloop-portability-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a program and collects its output; rejects if it outlives `timeoutMs`. */
export function runProcess(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not finish in ${options.timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a command-line engine runs after the bundle: print the trace as one JSON line. */
const PRINT_TRACE = `\nportabilityTrace().then((t) => console.log("TRACE " + JSON.stringify(t)), (e) => { console.log("ERROR " + String(e && e.stack || e)); });\n`;

/** Runs the bundle's portability program in a command-line engine and gives its trace. */
export async function traceFromCli(engine: "node" | "deno" | "bun", code: string): Promise<string[]> {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, "portability.js");
    writeFileSync(file, code + PRINT_TRACE);
    const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, "deno"), NO_COLOR: "1" };
    const [cmd, args] =
      engine === "node"
        ? [process.execPath, [file]]
        : engine === "deno"
          ? [denoBinary(), ["run", "--quiet", "--no-config", "--no-lock", file]]
          : [bunBinary(), ["--no-install", file]];
    const { code: exit, stdout, stderr } = await runProcess(cmd, args, { cwd: dir, env });
    const line = stdout.split("\n").find((l) => l.startsWith("TRACE ") || l.startsWith("ERROR "));
    if (exit !== 0 || line === undefined || line.startsWith("ERROR ")) {
      throw new Error(`${engine} exited ${exit}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    return JSON.parse(line.slice("TRACE ".length)) as string[];
  } finally {
    remove();
  }
}

/** Deno from its npm package (the binary comes from an optional dependency; nothing is downloaded). */
export function denoBinary(): string {
  const copied = join(root, "node_modules/deno/deno"); // where its postinstall puts it
  if (existsSync(copied)) return copied;
  return platformBinary("@deno", "deno") ?? join(root, "node_modules/.bin/deno");
}

/** Bun from its npm package: the postinstall links the real binary; without it, the optional dependency's. */
export function bunBinary(): string {
  const linked = join(root, "node_modules/bun/bin/bun.exe");
  if (existsSync(linked) && statSync(linked).size > 1_000_000) return linked; // not the placeholder
  return platformBinary("@oven", join("bin", "bun")) ?? linked;
}

function platformBinary(scope: string, file: string): string | null {
  const dir = join(root, "node_modules", scope);
  if (!existsSync(dir)) return null;
  for (const name of readdirSync(dir)) {
    const candidate = join(dir, name, file);
    if (existsSync(candidate) && statSync(candidate).size > 1_000_000) return candidate;
  }
  return null;
}

/** The system's Chromium: CHROMIUM_PATH, else `chromium` (Debian), `chromium-browser` or `google-chrome` on the PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error("no Chromium found: install it (Debian: apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH");
}

/** Launches headless Chromium through puppeteer-core. */
export async function launchChromium(): Promise<import("puppeteer-core").Browser> {
  const puppeteer = await import("puppeteer-core");
  return puppeteer.default.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in CI has no user namespace for the sandbox; /dev/shm may be small in containers.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}
