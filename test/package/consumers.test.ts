// Packs taskloop as `npm publish` would, unpacks it into a scratch project's
// node_modules, and uses it the ways users do: ESM, CommonJS require, and
// TypeScript under node16, nodenext (CommonJS), bundler and node10
// resolution. Offline: runtime dependencies are
// linked from this checkout's node_modules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const tsc = join(root, "node_modules/typescript/bin/tsc");
let scratch = "";

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "taskloop-consumer-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: root, encoding: "utf8" });
  const tarball = join(scratch, JSON.parse(out)[0].filename);
  const installed = join(scratch, "node_modules/taskloop");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const at = join(scratch, "node_modules", dep);
    mkdirSync(join(at, ".."), { recursive: true });
    symlinkSync(join(root, "node_modules", dep), at, "dir");
  }
  mkdirSync(join(scratch, "node_modules/@types"), { recursive: true });
  symlinkSync(join(root, "node_modules/@types/node"), join(scratch, "node_modules/@types/node"), "dir");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function node(file: string): string {
  return execFileSync(process.execPath, [file], { cwd: scratch, encoding: "utf8" });
}

/** Type-checks `files` in the scratch project with `options`; returns tsc's output ("" when clean). */
function typecheck(name: string, options: Record<string, unknown>, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, ...options }, files: Object.keys(files) }),
  );
  try {
    execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

const program = `
function* blink(times: number) {
  for (let i = 0; i < times; i++) yield* sleep(0.5);
  return times;
}
function* main() {
  const task = createTask(blink(3), { name: "blink" });
  const n: number = yield* task;
  const led = new Pin("LED", Pin.OUT);
  led.on();
  return \`blinked \${n}, LED \${led.value()}\`;
}
`;

test("an ES module imports every entry and runs a program", () => {
  writeFileSync(
    join(scratch, "esm.mjs"),
    `
import { run, createTask, sleep } from "taskloop";
import { Pin } from "taskloop/device";
import { DownloadManager } from "taskloop/download";
${program.replace(/: number/g, "")}
if (typeof DownloadManager.downloadUrl !== "function") throw new Error("taskloop/download has no DownloadManager");
import { startServer, IncompleteReadError } from "taskloop/net";
import { connectMqtt } from "taskloop/mqtt";
import { runMain, toThread } from "taskloop/node";
if (typeof connectMqtt !== "function" || typeof runMain !== "function" || typeof toThread !== "function") throw new Error("taskloop/mqtt or taskloop/node");
if (typeof startServer !== "function" || new IncompleteReadError(new Uint8Array(1), 2).expected !== 2) throw new Error("taskloop/net");
console.log(await run(main(), { clock: "virtual" }));
`,
  );
  assert.equal(node("esm.mjs").trim(), "blinked 3, LED 1");
});

test("CommonJS require()s every entry and runs a program (Node.js 20.19+)", () => {
  writeFileSync(
    join(scratch, "cjs.cjs"),
    `
const { run, createTask, sleep } = require("taskloop");
const { Pin } = require("taskloop/device");
const { DownloadManager } = require("taskloop/download");
const { openConnection, ConnectionClosed } = require("taskloop/net");
const { connectMqtt } = require("taskloop/mqtt");
const { runMain } = require("taskloop/node");
if (typeof connectMqtt !== "function" || typeof runMain !== "function") throw new Error("taskloop/mqtt or taskloop/node");
if (typeof openConnection !== "function" || new ConnectionClosed(1000, "").code !== 1000) throw new Error("taskloop/net");
${program.replace(/: number/g, "")}
if (typeof DownloadManager.downloadUrl !== "function") throw new Error("taskloop/download has no DownloadManager");
run(main(), { clock: "virtual" }).then((line) => console.log(line));
`,
  );
  assert.equal(node("cjs.cjs").trim(), "blinked 3, LED 1");
});

const consumer = `import { run, createTask, sleep, Queue, type Task, type TaskInfo } from "taskloop";
import { Pin } from "taskloop/device";
import { DownloadManager, type DownloadOptions } from "taskloop/download";
${program}
const options: DownloadOptions = { outfile: "/tmp/x.bin", retries: 1 };
const fetched: Generator<unknown, boolean> = DownloadManager.downloadUrl("http://127.0.0.1:8080/x.bin", options);
import { openConnection, openWebSocket, type Stream, type WebSocket } from "taskloop/net";
import { connectMqtt, type MqttClient } from "taskloop/mqtt";
import { runMain } from "taskloop/node";
function* telemetry(): Generator<unknown, void, unknown> {
  const client: MqttClient = yield* connectMqtt("mqtt://127.0.0.1:1883");
  yield* client.publish("sensors/1/temp", "21.5", { qos: 1 });
}
const started: Promise<void> = runMain(telemetry());
function* hello(): Generator<unknown, string, unknown> {
  const [reader, writer]: [Stream, Stream] = yield* openConnection("127.0.0.1", 8000);
  writer.write("hi");
  const ws: WebSocket = yield* openWebSocket("ws://127.0.0.1:8080/");
  const message: string | Uint8Array = yield* ws.receive();
  return new TextDecoder().decode(yield* reader.readLine()) + String(message);
}
export { hello };
const queue = new Queue<number>(2);
const info: TaskInfo[] = [];
const done: Promise<string> = run(main(), { clock: "virtual" });
export { queue, info, done, fetched, started };
export type T = Task<number>;
`;

test("TypeScript under node16 resolution type-checks a consumer of every entry", () => {
  assert.equal(typecheck("ts-node16", { module: "node16", moduleResolution: "node16", target: "ES2022", types: ["node"] }, { "main.ts": consumer }), "");
});

test("TypeScript under bundler resolution type-checks a consumer of every entry", () => {
  assert.equal(typecheck("ts-bundler", { module: "ESNext", moduleResolution: "bundler", target: "ES2022", types: ["node"] }, { "main.ts": consumer }), "");
});

test("TypeScript under node10 resolution (CommonJS output) type-checks a consumer of every entry", () => {
  assert.equal(typecheck("ts-node10", { module: "commonjs", moduleResolution: "node10", target: "ES2022", types: ["node"] }, { "main.ts": consumer }), "");
});

test("TypeScript's CommonJS files (.cts) get CommonJS types from require()", () => {
  const cts = `import taskloop = require("taskloop");
import device = require("taskloop/device");
import download = require("taskloop/download");
const fetched: Generator<unknown, Uint8Array | null> = download.DownloadManager.downloadUrl("http://127.0.0.1:8080/x.bin");
void fetched;
import net = require("taskloop/net");
const stream: typeof net.Stream | undefined = undefined;
void stream;
const pin: InstanceType<typeof device.Pin> = new device.Pin("LED", device.Pin.OUT);
const done: Promise<number> = taskloop.run(function* () { yield* taskloop.sleep(1); return pin.value(); }(), { clock: "virtual" });
export = done;
`;
  assert.equal(typecheck("ts-cjs", { module: "node16", moduleResolution: "node16", target: "ES2022", types: ["node"] }, { "main.cts": cts }), "");
});
