// The download programs of the MicroPythonOS TaskManager guide, against the
// demo's local HTTP server (real sockets, real files, the real clock).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { startFileServer, patternBytes, type FileServer } from "../../demo/fileserver.ts";
import * as withTimeout from "../../examples/mpos/03-download-with-timeout.ts";
import * as appIndex from "../../examples/mpos/05-app-index.ts";
import * as progress from "../../examples/mpos/07-download-progress.ts";
import * as stream from "../../examples/mpos/08-stream-chunks.ts";
import * as icons from "../../examples/mpos/09-concurrent-icons.ts";
import * as bounded from "../../examples/mpos/10-bounded-concurrency.ts";

let server: FileServer;
before(async () => {
  server = await startFileServer({ largeBytes: 3 * 1024 * 1024 + 12_345 });
});
after(() => server.close());

function lines(): { log: (line: string) => void; lines: string[] } {
  const out: string[] = [];
  return { lines: out, log: (line) => void out.push(line) };
}

test("mpos 03: a download within its timeout gives its bytes; one that never answers times out", async () => {
  const { log, lines: out } = lines();
  await run(withTimeout.main({ base: server.url, log, timeout: 0.3 }));
  assert.deepEqual(out, ["Downloaded 50 bytes", "Download timed out after 0.3 s"]);
});

test("mpos 05: the app store screen downloads and shows the app index, then closes", async () => {
  const { log, lines: out } = lines();
  await run(appIndex.main({ base: server.url, log }));
  assert.deepEqual(out, ["6 apps:", "  Camera   0.4.1", "  Wallet   1.2.0", "  Weather  0.9.3", "  Nostr    0.3.0", "  Draw     1.0.0", "  Slow     0.0.1"]);
});

test("mpos 07: a large file arrives whole with rising progress ending at 100.00%, and nothing else is left in the folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mpos07-"));
  try {
    const { log, lines: out } = lines();
    await run(progress.main({ base: server.url, log, dir }));
    const percents = out.filter((l) => l.startsWith("Downloading:")).map((l) => Number(l.slice(13, -1)));
    assert.ok(percents.length >= 2, out.join("\n"));
    assert.deepEqual(
      [...percents].sort((a, b) => a - b),
      percents,
    );
    assert.equal(percents.at(-1), 100);
    assert.equal(out.at(-1), `Download complete! ${3 * 1024 * 1024 + 12_345} bytes in large.bin`);
    assert.deepEqual(readdirSync(dir), ["large.bin"]);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, "large.bin"))), patternBytes(0, 3 * 1024 * 1024 + 12_345));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mpos 08: streamed chunks are processed line by line in order", async () => {
  const { log, lines: out } = lines();
  await run(stream.main({ base: server.url, log }));
  assert.deepEqual(out, [...Array.from({ length: 10 }, (_, i) => `got reading ${i + 1}`), "stream ended"]);
});

test("mpos 09: icons download side by side; the one that never answers times out alone", async () => {
  const { log, lines: out } = lines();
  const aborted = server.aborted;
  await run(icons.main({ base: server.url, log, timeout: 3 }));
  assert.deepEqual(out, [
    "Icon 5 failed: TimeoutError",
    "/icons/camera.png: 1194 bytes",
    "/icons/wallet.png: 1194 bytes",
    "/icons/weather.png: 1204 bytes",
    "/icons/nostr.png: 1184 bytes",
    "/icons/draw.png: 1174 bytes",
    "/icons/slow.png: no icon",
  ]);
  await waitUntil(() => server.aborted > aborted); // the timed-out request was aborted: the server saw its socket close
});

test("mpos 10: downloads run at most three at a time; a timeout and a 404 give null for their URL only", async () => {
  const { log, lines: out } = lines();
  const warnings: string[] = [];
  const logger = DownloadManager.logger;
  DownloadManager.logger = (line) => void warnings.push(line);
  try {
    await run(bounded.main({ base: server.url, log, timeout: 3 }));
  } finally {
    DownloadManager.logger = logger;
  }
  assert.deepEqual(out, [
    "batch 1: 3 downloads",
    "batch 2: 3 downloads",
    "/slow.png: TimeoutError",
    "batch 3: 1 downloads",
    "/missing: failed",
    "5 of 7 downloaded",
  ]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /\/missing failed: HTTP 404/);
});

/** Waits for `condition`; gives up after 10 s (a hang, not a slow machine). */
async function waitUntil(condition: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error("the server never saw the request aborted");
    await new Promise((r) => setTimeout(r, 5));
  }
}
