import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createServer } from "node:net";
import { run } from "taskloop";
import { DownloadManager, DownloadError } from "taskloop/download";
import { bytes, capturingLog, serve, startServer, status, tempDir } from "./_server.ts";

async function failure(body: () => Generator<unknown, unknown, unknown>): Promise<unknown> {
  try {
    await run(body);
  } catch (err) {
    return err;
  }
  assert.fail("expected the download to throw");
}

test("download yields the body, or true for a file, as downloadUrl does", async () => {
  const body = bytes(50_000);
  const server = await startServer({ "/data": serve(body) });
  const tmp = await tempDir();
  try {
    assert.deepEqual(Buffer.from(await run(DownloadManager.download(`${server.base}/data`))), body);
    const outfile = join(tmp.dir, "d.bin");
    assert.equal(await run(DownloadManager.download(`${server.base}/data`, { outfile })), true);
    assert.deepEqual(await readFile(outfile), body);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("download throws DownloadError with the status and the URL, and logs nothing", async () => {
  const server = await startServer({ "/missing": status(404) });
  try {
    const url = `${server.base}/missing`;
    await capturingLog(DownloadManager, async (lines) => {
      const err = await failure(() => DownloadManager.download(url));
      assert.ok(err instanceof DownloadError);
      assert.equal(err.name, "DownloadError");
      assert.equal(err.status, 404);
      assert.equal(err.url, url);
      assert.match(err.message, /HTTP 404/);
      assert.deepEqual(lines, []);
    });
  } finally {
    await server.close();
  }
});

test("a 503 that outlives the retries throws DownloadError with status 503", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/busy": status(503) });
  try {
    const err = await failure(() => DownloadManager.download(`${server.base}/busy`, { retries: 1 }));
    assert.ok(err instanceof DownloadError);
    assert.equal(err.status, 503);
    assert.equal(server.hits.length, 2);
    assert.match(err.message, /after 1 retry/);
  } finally {
    await server.close();
  }
});

test("a network failure throws DownloadError with status null and fetch's error as cause", async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  const err = await failure(() => DownloadManager.download(`http://127.0.0.1:${port}/`, { retries: 0 }));
  assert.ok(err instanceof DownloadError);
  assert.equal(err.status, null);
  assert.ok(err.cause instanceof TypeError, "fetch's TypeError is the cause");
});

test("a chunkCallback that throws ends the download at once, with its error as the cause", async () => {
  const server = await startServer({ "/data": serve(bytes(200_000)) });
  try {
    const boom = new Error("disk full");
    const err = await failure(() =>
      DownloadManager.download(`${server.base}/data`, {
        chunkCallback: () => {
          throw boom;
        },
        retries: 3,
      }),
    );
    assert.ok(err instanceof DownloadError);
    assert.equal(err.cause, boom);
    assert.equal(err.status, 200);
    assert.match(err.message, /chunkCallback failed: disk full/);
    assert.equal(server.hits.length, 1, "not retried");
  } finally {
    await server.close();
  }
});
