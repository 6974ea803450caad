import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createServer } from "node:net";
import { run } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { bytes, capturingLog, dropAfter, hang, serve, stallAfter, startServer, status, tempDir, wrongLength } from "./_server.ts";

function rising(progress: number[]): boolean {
  return progress.every((p, i) => i === 0 || p > progress[i - 1]!) && progress.at(-1) === 100;
}

test("a connection dropped mid-body resumes with Range when the server answers 206", async () => {
  const body = bytes(400_000);
  const server = await startServer({ "/fw.bin": [dropAfter(body, 150_000), serve(body)] });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "fw.bin");
    const progress: number[] = [];
    const ok = await run(DownloadManager.downloadUrl(`${server.base}/fw.bin`, { outfile, progressCallback: (p) => void progress.push(p) }));
    assert.equal(ok, true);
    assert.deepEqual(await readFile(outfile), body);
    // The bytes sent before the drop arrive before it (in order, on one connection).
    assert.deepEqual(
      server.hits.map((h) => h.range),
      [null, "bytes=150000-"],
    );
    assert.ok(rising(progress), `progress rises to 100: ${progress.join(", ")}`);
    assert.deepEqual(await tmp.list(), ["fw.bin"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a resume sends the first response's ETag as If-Range", async () => {
  const body = bytes(100_000);
  const etag = '"v1"';
  const server = await startServer({ "/data": [dropAfter(body, 30_000, { etag }), serve(body, { etag })] });
  try {
    const data = await run(DownloadManager.downloadUrl(`${server.base}/data`));
    assert.deepEqual(Buffer.from(data!), body);
    assert.deepEqual(
      server.hits.map((h) => h.ifRange),
      [null, etag],
    );
  } finally {
    await server.close();
  }
});

test("a connection dropped mid-body restarts from zero when the server ignores Range, and a chunkCallback gets no byte twice", async () => {
  const body = bytes(400_000);
  const server = await startServer({ "/stream": [dropAfter(body, 150_000, { range: false }), serve(body, { range: false })] });
  try {
    const chunks: Uint8Array[] = [];
    const progress: number[] = [];
    const ok = await run(
      DownloadManager.downloadUrl(`${server.base}/stream`, {
        chunkCallback: (chunk) => void chunks.push(Uint8Array.from(chunk)),
        progressCallback: (p) => void progress.push(p),
      }),
    );
    assert.equal(ok, true);
    assert.equal(server.hits.length, 2);
    assert.deepEqual(Buffer.concat(chunks), body);
    assert.ok(rising(progress), `progress never goes back: ${progress.join(", ")}`);
  } finally {
    await server.close();
  }
});

test("a restart from zero into a file gives the exact body", async () => {
  const body = bytes(300_000);
  const server = await startServer({ "/fw.bin": [dropAfter(body, 100_000, { range: false }), serve(body, { range: false })] });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "fw.bin");
    assert.equal(await run(DownloadManager.downloadUrl(`${server.base}/fw.bin`, { outfile })), true);
    assert.deepEqual(await readFile(outfile), body);
    assert.deepEqual(await tmp.list(), ["fw.bin"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a 500 is retried, and the next answer is used", async () => {
  const body = bytes(20_000);
  const server = await startServer({ "/data": [status(500), serve(body)] });
  try {
    const progress: number[] = [];
    const data = await run(DownloadManager.downloadUrl(`${server.base}/data`, { progressCallback: (p) => void progress.push(p) }));
    assert.deepEqual(Buffer.from(data!), body);
    assert.equal(server.hits.length, 2);
    assert.deepEqual(
      server.hits.map((h) => h.range),
      [null, null],
    );
    assert.ok(rising(progress));
  } finally {
    await server.close();
  }
});

test("a stall longer than chunkTimeoutSeconds fails that attempt, and the retry resumes", { timeout: 10_000 }, async () => {
  const body = bytes(200_000);
  const server = await startServer({ "/data": [stallAfter(body, 64_000), serve(body)] });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "data.bin");
    const ok = await run(DownloadManager.downloadUrl(`${server.base}/data`, { outfile, chunkTimeoutSeconds: 0.2 }));
    assert.equal(ok, true);
    assert.deepEqual(await readFile(outfile), body);
    assert.equal(server.hits.length, 2);
    assert.match(server.hits[1]!.range ?? "", /^bytes=\d+-$/);
    await server.hits[0]!.closed; // the stalled request was aborted
    assert.deepEqual(await tmp.list(), ["data.bin"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a stall with no retries left fails: false, one log line naming the timeout, the old file untouched, no temporary file", { timeout: 10_000 }, async () => {
  const body = bytes(200_000);
  const server = await startServer({ "/data": stallAfter(body, 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "data.bin");
    await writeFile(outfile, "previous");
    const progress: number[] = [];
    await capturingLog(DownloadManager, async (lines) => {
      const ok = await run(
        DownloadManager.downloadUrl(`${server.base}/data`, { outfile, chunkTimeoutSeconds: 0.2, retries: 0, progressCallback: (p) => void progress.push(p) }),
      );
      assert.equal(ok, false);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /no data for 0\.2 s \(chunkTimeoutSeconds\)/);
    });
    assert.equal(await readFile(outfile, "utf8"), "previous");
    assert.deepEqual(await tmp.list(), ["data.bin"]);
    assert.ok(!progress.includes(100), "a failed download never reports 100");
    await server.hits[0]!.closed;
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a wait for the response headers counts as a stall too", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/silent": hang });
  try {
    await capturingLog(DownloadManager, async (lines) => {
      assert.equal(await run(DownloadManager.downloadUrl(`${server.base}/silent`, { chunkTimeoutSeconds: 0.2, retries: 0 })), null);
      assert.match(lines[0]!, /chunkTimeoutSeconds/);
    });
    await server.hits[0]!.closed;
  } finally {
    await server.close();
  }
});

test("a server that keeps dropping the connection fails after `retries` retries", { timeout: 10_000 }, async () => {
  const body = bytes(100_000);
  const server = await startServer({ "/data": dropAfter(body, 10_000) });
  try {
    await capturingLog(DownloadManager, async (lines) => {
      const data = await run(DownloadManager.downloadUrl(`${server.base}/data`, { retries: 2 }));
      assert.equal(data, null);
      assert.equal(server.hits.length, 3);
      assert.deepEqual(
        server.hits.map((h) => h.range),
        [null, "bytes=10000-", "bytes=20000-"],
      );
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /after 2 retries/);
    });
  } finally {
    await server.close();
  }
});

test("a Content-Length larger than the body never yields a truncated file", { timeout: 10_000 }, async () => {
  const body = bytes(50_000);
  const server = await startServer({ "/liar": wrongLength(body, 80_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "liar.bin");
    await writeFile(outfile, "good old data");
    const progress: number[] = [];
    await capturingLog(DownloadManager, async (lines) => {
      const ok = await run(DownloadManager.downloadUrl(`${server.base}/liar`, { outfile, retries: 1, progressCallback: (p) => void progress.push(p) }));
      assert.equal(ok, false);
      assert.equal(lines.length, 1);
    });
    assert.equal(server.hits.length, 2);
    assert.equal(await readFile(outfile, "utf8"), "good old data");
    assert.deepEqual(await tmp.list(), ["liar.bin"]);
    assert.ok(!progress.includes(100));
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a resource that changed between attempts (another ETag) fails rather than splice two versions", { timeout: 10_000 }, async () => {
  const v1 = bytes(100_000, 1);
  const v2 = bytes(100_000, 2);
  const server = await startServer({ "/data": [dropAfter(v1, 40_000, { etag: '"v1"', range: false }), serve(v2, { etag: '"v2"', range: false })] });
  try {
    const chunks: Uint8Array[] = [];
    await capturingLog(DownloadManager, async (lines) => {
      const ok = await run(DownloadManager.downloadUrl(`${server.base}/data`, { chunkCallback: (c) => void chunks.push(c), retries: 3 }));
      assert.equal(ok, false);
      assert.match(lines[0]!, /changed/);
    });
    assert.equal(server.hits.length, 2, "not retried: trying again cannot help");
    assert.deepEqual(Buffer.concat(chunks), v1.subarray(0, 40_000));
  } finally {
    await server.close();
  }
});

test("a refused connection is retried, then fails with status null", { timeout: 10_000 }, async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  await capturingLog(DownloadManager, async (lines) => {
    assert.equal(await run(DownloadManager.downloadUrl(`http://127.0.0.1:${port}/x`, { retries: 1 })), null);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /network error: fetch failed.*ECONNREFUSED.*after 1 retry/);
  });
});
