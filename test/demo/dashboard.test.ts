import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `npm start -- ...args` with no terminal (stdin ignored, output piped). */
function npmStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["start", "--silent", "--", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The table rows of the last snapshot, by task name. */
function lastSnapshot(stdout: string): Map<string, { state: string; waitingOn: string; steps: number }> {
  const snapshot = stdout.split("--- snapshot at ").at(-1) ?? "";
  const rows = new Map<string, { state: string; waitingOn: string; steps: number }>();
  for (const line of snapshot.split("\n")) {
    const m = /^\s*(\d+)\s{2}(.{16}) (\S+)\s+(.{18}) +(\d+)/.exec(line);
    if (m) rows.set(m[2]!.trim(), { state: m[3]!, waitingOn: m[4]!.trim(), steps: Number(m[5]) });
  }
  return rows;
}

test("npm start without a terminal prints a snapshot each second listing the demo's tasks, then exits 0", { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await npmStart(["--seconds", "2"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /--- snapshot at 1\.0 s/);
  assert.match(stdout, /--- snapshot at 2\.0 s/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what the check looks for
  assert.doesNotMatch(stdout, /\x1b\[/, "no ANSI escapes without a terminal");
  assert.match(stdout, /^LED [●○] (on |off) +button ▲ up +\(presses: 0\) +DHT22 \d+\.\d °C +\d+\.\d % +uptime 0:02$/m);

  const tasks = lastSnapshot(stdout);
  assert.deepEqual([...tasks.keys()], ["main", "button 14", "blink", "sensor", "uptime", "snapshot"]);
  assert.deepEqual(tasks.get("main"), { state: "waiting", waitingOn: "Event", steps: 1 });
  assert.equal(tasks.get("button 14")!.state, "waiting");
  assert.equal(tasks.get("button 14")!.waitingOn, "Event");
  // The snapshot and a blink toggle are both due at whole seconds: on a busy machine the
  // blink task may have been woken but not yet run when the snapshot is taken.
  const blink = tasks.get("blink")!;
  assert.ok(blink.state === "sleeping" || blink.state === "ready", `blink is ${blink.state}`);
  if (blink.state === "sleeping") assert.equal(blink.waitingOn, "sleep 500 ms");
  assert.ok(tasks.get("blink")!.steps >= 4, "blink toggled about every 0.5 s");
  assert.equal(tasks.get("sensor")!.waitingOn, "sleep 2000 ms");
  assert.equal(tasks.get("uptime")!.waitingOn, "sleep 10000 ms");
  assert.equal(tasks.get("snapshot")!.state, "running");
});

test("npm start rejects a --seconds that is not a positive number", { timeout: 60_000 }, async () => {
  const { code, stderr } = await npmStart(["--seconds", "soon"]);
  assert.equal(code, 2);
  assert.match(stderr, /--seconds needs a positive number, got soon/);
});

test("keys d then c (scripted with --keys): the download shows as a task with a progress line, and cancelling it leaves no partial file", {
  timeout: 60_000,
}, async () => {
  const { code, stdout, stderr } = await npmStart(["--seconds", "4", "--keys", "d@0.2,c@1.5"]);
  assert.equal(code, 0, stderr);
  // A snapshot taken while it downloads (at 1.0 s, or the next one if the machine is busy).
  const during = stdout.split("--- snapshot at ").find((snap) => /^download \[[#-]{24}\] +\d+\.\d\d% +(?!cancelled)/m.test(snap)) ?? "";
  assert.ok(during !== "", `no snapshot shows the download in progress:\n${stdout}`);
  assert.ok(lastSnapshot(`--- snapshot at ${during}`).has("download"), "the download is a task in the table");
  assert.match(stdout, /log: +\d+\.\d s +key d: downloading large\.bin/); // at 0.2 s, or later on a busy machine
  assert.match(stdout, /log: +\d+\.\d s +key c: cancelling the download/);
  assert.match(stdout, /download cancelled at \d+\.\d\d%: 0 files left in the download folder/);
  const last = stdout.split("--- snapshot at ").at(-1)!;
  assert.match(last, /^download \[[#-]{24}\] +\d+\.\d\d% +cancelled: no partial file left$/m);
  assert.equal(lastSnapshot(stdout).has("download"), false, "the cancelled task has left the table");
});

test("npm start rejects a --keys item that is not key@seconds", { timeout: 60_000 }, async () => {
  const { code, stderr } = await npmStart(["--keys", "d@soon"]);
  assert.equal(code, 2);
  assert.match(stderr, /--keys needs key@seconds items like d@0\.5,c@2, got "d@soon"/);
});
