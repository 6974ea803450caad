import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run, createTask, sleep, until } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { after, bytes, capturingLog, gated, startServer, tempDir } from "./_server.ts";

test("while the body arrives it goes to a temporary file beside outfile; outfile appears only at the end", { timeout: 10_000 }, async () => {
  const body = bytes(300_000);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server = await startServer({ "/fw.bin": gated(body, 100_000, gate) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "fw.bin");
    await writeFile(outfile, "old");
    let progressed = false;
    const midway = await run(function* () {
      const task = createTask(DownloadManager.downloadUrl(`${server.base}/fw.bin`, { outfile, progressCallback: () => void (progressed = true) }));
      while (!progressed) yield* sleep(0.01);
      const files = yield* until(tmp.list());
      const old = yield* until(readFile(outfile, "utf8"));
      open();
      assert.equal(yield* task, true);
      return { files, old };
    });
    assert.equal(midway.old, "old", "the old file is untouched while the new one arrives");
    assert.equal(midway.files.length, 2);
    assert.match(midway.files.find((f) => f !== "fw.bin")!, /^\.fw\.bin\.[0-9a-f]+\.part$/);
    assert.deepEqual(await readFile(outfile), body);
    assert.deepEqual(await tmp.list(), ["fw.bin"]);
  } finally {
    open();
    await server.close();
    await tmp.cleanup();
  }
});

test("a folder that disappears before the body arrives fails the download (false, one line), and nothing is written", { timeout: 10_000 }, async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server = await startServer({ "/data": after(gate, bytes(1000)) });
  const tmp = await tempDir();
  try {
    const folder = join(tmp.dir, "apps");
    await mkdir(folder);
    await capturingLog(DownloadManager, async (lines) => {
      const ok = await run(function* () {
        const task = createTask(DownloadManager.downloadUrl(`${server.base}/data`, { outfile: join(folder, "a.bin"), retries: 3 }));
        yield* until(server.arrived(1));
        yield* until(rm(folder, { recursive: true }));
        open();
        return yield* task;
      });
      assert.equal(ok, false);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /creating a temporary file beside .*a\.bin failed: ENOENT/);
    });
    assert.equal(server.hits.length, 1, "a disk error is not retried");
    assert.deepEqual(await tmp.list(), []);
  } finally {
    open();
    await server.close();
    await tmp.cleanup();
  }
});
