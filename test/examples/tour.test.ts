// The README's tour program (examples/blink.ts) run as a user runs it: its own
// process, the real clock, top-level `await run(main())`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the README's blink example prints three ON/OFF pairs and the count, taking about 3 s (real clock)", { timeout: 60_000 }, async () => {
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/blink.ts"], { cwd: root });
  const elapsed = performance.now() - started;
  assert.deepEqual(stdout.trim().split("\n"), ["LED ON", "LED OFF", "LED ON", "LED OFF", "LED ON", "LED OFF", "blinked 3"]);
  assert.ok(elapsed >= 2900, `six sleeps of 0.5 s took only ${elapsed.toFixed(0)} ms`);
});
