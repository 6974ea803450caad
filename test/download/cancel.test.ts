import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run, createTask, sleep, waitFor, taskGroup, isCancelled, TimeoutError, ExceptionGroup, until, type Coro, type Task } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { bytes, capturingLog, hang, serve, stallAfter, startServer, tempDir } from "./_server.ts";

// The server sends the headers and 64 kB, then nothing: the download is
// mid-body, with its temporary file open, when it is cancelled.
const body = bytes(1_000_000);

/** Waits for a cancelled task to finish its cleanup. */
function* cancelled(task: Task<unknown>): Coro<void> {
  try {
    yield* task;
  } catch (err) {
    if (!isCancelled(err)) throw err;
  }
}

test("cancelling the downloading task aborts the request: the server sees the socket close, and no file is left", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/big": stallAfter(body, 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "big.bin");
    let received = 0;
    const cancelled = await run(function* () {
      const task = createTask(DownloadManager.downloadUrl(`${server.base}/big`, { outfile, progressCallback: () => void received++ }));
      while (received === 0) yield* sleep(0.01); // mid-body
      assert.equal((yield* until(tmp.list())).length, 1, "the temporary file exists meanwhile");
      task.cancel();
      try {
        yield* task;
        return false;
      } catch (err) {
        return isCancelled(err);
      }
    });
    assert.equal(cancelled, true);
    await server.hits[0]!.closed;
    assert.deepEqual(await tmp.list(), []);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("cancelling while the response headers are awaited aborts the request", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/silent": hang });
  const tmp = await tempDir();
  try {
    await run(function* () {
      const task = createTask(DownloadManager.downloadUrl(`${server.base}/silent`, { outfile: join(tmp.dir, "x.bin") }));
      yield* until(server.arrived(1));
      task.cancel();
      yield* cancelled(task);
      assert.equal(task.cancelled(), true);
    });
    await server.hits[0]!.closed;
    assert.deepEqual(await tmp.list(), []);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("waitFor's timeout cancels the download: TimeoutError, the socket closed, no file left", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/big": stallAfter(body, 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "big.bin");
    const error = await run(function* () {
      try {
        yield* waitFor(DownloadManager.downloadUrl(`${server.base}/big`, { outfile }), 0.3);
        return null;
      } catch (err) {
        return err;
      }
    });
    assert.ok(error instanceof TimeoutError);
    await server.hits[0]!.closed;
    assert.deepEqual(await tmp.list(), []);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a task group whose other child fails cancels the download: the socket closed, no file left", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/big": stallAfter(body, 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "big.bin");
    const error = await run(function* () {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(DownloadManager.download(`${server.base}/big`, { outfile }));
          tg.createTask(
            (function* () {
              yield* until(server.arrived(1));
              yield* sleep(0.05);
              throw new Error("sibling failed");
            })(),
          );
        });
        return null;
      } catch (err) {
        return err;
      }
    });
    assert.ok(error instanceof ExceptionGroup);
    assert.equal((error.errors[0] as Error).message, "sibling failed");
    assert.equal(error.errors.length, 1, "the download ended cancelled, not failed");
    await server.hits[0]!.closed;
    assert.deepEqual(await tmp.list(), []);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("a cancelled download leaves an existing outfile untouched", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/big": stallAfter(body, 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "app.mpk");
    await writeFile(outfile, "installed");
    await run(function* () {
      const task = createTask(DownloadManager.downloadUrl(`${server.base}/big`, { outfile }));
      yield* until(server.arrived(1));
      yield* sleep(0.05);
      task.cancel();
      yield* cancelled(task);
    });
    await server.hits[0]!.closed;
    assert.equal(await readFile(outfile, "utf8"), "installed");
    assert.deepEqual(await tmp.list(), ["app.mpk"]);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});

test("cancellation is not a failure: downloadUrl logs nothing and the CancelledError passes through", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/silent": hang });
  try {
    await capturingLog(DownloadManager, async (lines) => {
      const outcome = await run(function* () {
        const task = createTask(DownloadManager.downloadUrl(`${server.base}/silent`));
        yield* until(server.arrived(1));
        task.cancel();
        try {
          return yield* task;
        } catch (err) {
          return isCancelled(err) ? "cancelled" : err;
        }
      });
      assert.equal(outcome, "cancelled");
      assert.deepEqual(lines, []);
    });
  } finally {
    await server.close();
  }
});

test("a task that caught a cancellation can download again", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/silent": hang, "/data": serve(bytes(1000)) });
  try {
    const data = await run(function* () {
      const task = createTask(
        (function* () {
          try {
            yield* DownloadManager.downloadUrl(`${server.base}/silent`);
          } catch (err) {
            if (!isCancelled(err)) throw err;
          }
          return yield* DownloadManager.downloadUrl(`${server.base}/data`);
        })(),
      );
      yield* until(server.arrived(1));
      task.cancel();
      return yield* task;
    });
    assert.deepEqual(Buffer.from(data!), bytes(1000));
  } finally {
    await server.close();
  }
});
