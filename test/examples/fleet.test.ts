import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const fleetScript = fileURLToPath(new URL("../../examples/fleet/fleet.ts", import.meta.url));

/** Runs the fleet example without a terminal and gives its output lines. */
function runFleet(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", fleetScript, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => void (err += d.toString()));
    child.on("close", (code) => resolve({ code, lines: out.trimEnd().split("\n"), stderr: err }));
  });
}

test("the fleet with 10 device processes: every device reports, a command reaches its target only, and all go offline", async () => {
  const { code, lines, stderr } = await runFleet(["--devices", "10", "--target", "dev-04"]);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.match(lines[0]!, /^broker: mosquitto on mqtt:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(lines.slice(1, 5), ["starting 10 devices", "all 10 devices reported", 'command "blink on" -> dev-04', "dev-04 obeyed: LED blinking"]);
  const table = lines.slice(5, 15);
  assert.deepEqual(
    table.map((l) => l.slice(0, 17)),
    Array.from({ length: 10 }, (_, i) => `${i === 3 ? ">" : " "} dev-${String(i + 1).padStart(2, "0")}  online `),
  );
  for (const [i, row] of table.entries()) {
    assert.match(row, /-?\d+\.\d °C +\d+\.\d %/, row);
    assert.match(row, i === 3 ? /LED blinking/ : /LED off/, row);
  }
  assert.deepEqual(lines.slice(15), ["stopping devices", "all devices offline"]);
});
