import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run, sleep, currentTask, type Task } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { bytes, capturingLog, redirect, serve, startServer, status, tempDir, trickle } from "./_server.ts";

/** Progress values are 0..100 with at most two decimals, strictly rising, and end with exactly one 100. */
function assertProgressShape(progress: number[]): void {
  assert.ok(progress.length > 0, "progress was reported");
  for (const p of progress) assert.equal(Math.round(p * 100) / 100, p, `${p} has at most two decimals`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! > progress[i - 1]!, `progress rises: ${progress.join(", ")}`);
  assert.equal(progress.at(-1), 100);
  assert.equal(progress.filter((p) => p === 100).length, 1);
}

test("a download into memory yields the body byte for byte", async () => {
  const body = bytes(300_000);
  const server = await startServer({ "/data": serve(body) });
  try {
    const data = await run(function* () {
      return yield* DownloadManager.downloadUrl(`${server.base}/data`);
    });
    assert.ok(data instanceof Uint8Array);
    assert.deepEqual(Buffer.from(data), body);
  } finally {
    await server.close();
  }
});

test("progress rises in two-decimal steps, only on change, and ends with one 100", async () => {
  const body = bytes(1_000_000);
  const server = await startServer({ "/data": serve(body) });
  try {
    const progress: number[] = [];
    await run(function* () {
      yield* DownloadManager.downloadUrl(`${server.base}/data`, { progressCallback: (p) => void progress.push(p) });
    });
    assertProgressShape(progress);
    assert.ok(progress.length > 1, "a 1 MB body arrives in more than one piece");
  } finally {
    await server.close();
  }
});

test("a file download writes outfile byte for byte and leaves no temporary file", async () => {
  const body = bytes(500_000);
  const server = await startServer({ "/fw.bin": serve(body) });
  const tmp = await tempDir();
  try {
    const progress: number[] = [];
    const outfile = join(tmp.dir, "fw.bin");
    const ok = await run(function* () {
      return yield* DownloadManager.downloadUrl(`${server.base}/fw.bin`, { outfile, progressCallback: (p) => void progress.push(p) });
    });
    assert.equal(ok, true);
    assert.deepEqual(await readFile(outfile), body);
    assert.deepEqual(await tmp.list(), ["fw.bin"]);
    assertProgressShape(progress);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a file download replaces an existing outfile once the new body is complete", async () => {
  const body = bytes(50_000);
  const server = await startServer({ "/fw.bin": serve(body) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "fw.bin");
    await writeFile(outfile, "old firmware");
    const ok = await run(DownloadManager.downloadUrl(`${server.base}/fw.bin`, { outfile }));
    assert.equal(ok, true);
    assert.deepEqual(await readFile(outfile), body);
    assert.deepEqual(await tmp.list(), ["fw.bin"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a chunkCallback gets the body in order, and the download waits for an async callback before reading on", async () => {
  const body = bytes(400_000);
  const server = await startServer({ "/stream": serve(body) });
  try {
    const chunks: Uint8Array[] = [];
    let busy = 0;
    let overlapped = false;
    const ok = await run(function* () {
      return yield* DownloadManager.downloadUrl(`${server.base}/stream`, {
        chunkCallback: async (chunk) => {
          if (busy++ > 0) overlapped = true;
          await new Promise((resolve) => setImmediate(resolve));
          chunks.push(chunk);
          busy--;
        },
      });
    });
    assert.equal(ok, true);
    assert.equal(overlapped, false, "calls never overlap");
    assert.deepEqual(Buffer.concat(chunks), body);
  } finally {
    await server.close();
  }
});

test("a generator chunkCallback runs inside the downloading task and may wait with yield*", async () => {
  const body = bytes(200_000);
  const server = await startServer({ "/stream": serve(body) });
  try {
    const chunks: Uint8Array[] = [];
    const tasks = new Set<Task<unknown>>();
    let downloader: Task<unknown> | null = null;
    await run(function* () {
      downloader = currentTask();
      yield* DownloadManager.downloadUrl(`${server.base}/stream`, {
        *chunkCallback(chunk) {
          tasks.add(currentTask());
          yield* sleep(0.001);
          chunks.push(chunk);
        },
      });
    });
    assert.deepEqual([...tasks], [downloader]);
    assert.deepEqual(Buffer.concat(chunks), body);
  } finally {
    await server.close();
  }
});

test("plain, async and generator progress and speed callbacks are each waited for", async () => {
  const body = bytes(100_000);
  const server = await startServer({ "/data": serve(body) });
  try {
    const seen: string[] = [];
    await run(function* () {
      yield* DownloadManager.downloadUrl(`${server.base}/data`, { progressCallback: (p) => void seen.push(`plain ${p}`) });
      yield* DownloadManager.downloadUrl(`${server.base}/data`, {
        progressCallback: async (p) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(`async ${p}`);
        },
      });
      yield* DownloadManager.downloadUrl(`${server.base}/data`, {
        *progressCallback(p) {
          yield* sleep(0.001);
          seen.push(`generator ${p}`);
        },
      });
      seen.push("end");
    });
    assert.equal(seen.at(-1), "end");
    for (const kind of ["plain", "async", "generator"]) assert.ok(seen.includes(`${kind} 100`), `${kind} callback finished before the download ended`);
  } finally {
    await server.close();
  }
});

test("without Content-Length the body still arrives whole, and progress reports only the final 100", async () => {
  const body = bytes(300_000);
  const server = await startServer({ "/chunked": serve(body, { length: false }) });
  try {
    const progress: number[] = [];
    const data = await run(DownloadManager.downloadUrl(`${server.base}/chunked`, { progressCallback: (p) => void progress.push(p) }));
    assert.deepEqual(Buffer.from(data!), body);
    assert.deepEqual(progress, [100]);
  } finally {
    await server.close();
  }
});

test("without Content-Length, totalSize drives the progress", async () => {
  const body = bytes(600_000);
  const server = await startServer({ "/chunked": serve(body, { length: false }) });
  const tmp = await tempDir();
  try {
    const progress: number[] = [];
    const outfile = join(tmp.dir, "out.bin");
    const ok = await run(
      DownloadManager.downloadUrl(`${server.base}/chunked`, { outfile, totalSize: body.length, progressCallback: (p) => void progress.push(p) }),
    );
    assert.equal(ok, true);
    assert.deepEqual(await readFile(outfile), body);
    assertProgressShape(progress);
    assert.deepEqual(await tmp.list(), ["out.bin"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("an empty body yields an empty array, or an empty file, and progress 100", async () => {
  const server = await startServer({ "/empty": serve(Buffer.alloc(0)) });
  const tmp = await tempDir();
  try {
    const progress: number[] = [];
    const data = await run(DownloadManager.downloadUrl(`${server.base}/empty`, { progressCallback: (p) => void progress.push(p) }));
    assert.deepEqual(data, new Uint8Array(0));
    assert.deepEqual(progress, [100]);
    const outfile = join(tmp.dir, "empty.txt");
    assert.equal(await run(DownloadManager.downloadUrl(`${server.base}/empty`, { outfile })), true);
    assert.equal((await readFile(outfile)).length, 0);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a redirect is followed", async () => {
  const body = bytes(10_000);
  const server = await startServer({ "/old": redirect("/new"), "/new": serve(body) });
  try {
    const data = await run(DownloadManager.downloadUrl(`${server.base}/old`));
    assert.deepEqual(Buffer.from(data!), body);
    assert.deepEqual(
      server.hits.map((h) => h.path),
      ["/old", "/new"],
    );
  } finally {
    await server.close();
  }
});

test("a 404 yields null at once, without retrying, and logs one line naming the status and the URL", async () => {
  const server = await startServer({ "/missing": status(404) });
  try {
    await capturingLog(DownloadManager, async (lines) => {
      const url = `${server.base}/missing`;
      const data = await run(DownloadManager.downloadUrl(url, { retries: 3 }));
      assert.equal(data, null);
      assert.equal(server.hits.length, 1);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /404/);
      assert.ok(lines[0]!.includes(url));
      assert.ok(!lines[0]!.includes("\n"));
    });
  } finally {
    await server.close();
  }
});

test("a 403 with an outfile yields false, leaves an existing outfile untouched and no temporary file", async () => {
  const server = await startServer({ "/secret": status(403) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "app.mpk");
    await writeFile(outfile, "installed version");
    await capturingLog(DownloadManager, async (lines) => {
      const ok = await run(DownloadManager.downloadUrl(`${server.base}/secret`, { outfile }));
      assert.equal(ok, false);
      assert.equal(lines.length, 1);
    });
    assert.equal(await readFile(outfile, "utf8"), "installed version");
    assert.deepEqual(await tmp.list(), ["app.mpk"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("the request asks for the body unencoded, so Content-Length is the length of what arrives", async () => {
  const server = await startServer({ "/data": serve(bytes(10)) });
  try {
    await run(DownloadManager.downloadUrl(`${server.base}/data`));
    assert.equal(server.hits[0]!.acceptEncoding, "identity");
  } finally {
    await server.close();
  }
});

test("speed is reported in whole bytes per second while a slow body trickles in", { timeout: 20_000 }, async () => {
  // 6 pieces 300 ms apart: the body takes at least 1.5 s, so at least one report
  // is due (the count can only grow on a slower machine, never shrink).
  const body = bytes(60_000);
  const server = await startServer({ "/slow": trickle(body, 6, 300) });
  try {
    const speeds: number[] = [];
    const progress: number[] = [];
    const data = await run(
      DownloadManager.downloadUrl(`${server.base}/slow`, {
        speedCallback: (s) => void speeds.push(s),
        progressCallback: (p) => void progress.push(p),
      }),
    );
    assert.deepEqual(Buffer.from(data!), body);
    assert.ok(speeds.length >= 1, "at least one speed report");
    for (const s of speeds) assert.ok(Number.isInteger(s) && s > 0, `speed ${s} is a positive whole number`);
    assertProgressShape(progress);
  } finally {
    await server.close();
  }
});
