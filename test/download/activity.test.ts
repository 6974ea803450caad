import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { run, sleep, until, Activity, ActivityStack, type Coro, type LifecycleHook } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { bytes, stallAfter, startServer, tempDir } from "./_server.ts";

test("destroying the activity that owns a download aborts the request and leaves no file, before onDestroy runs", { timeout: 10_000 }, async () => {
  const server = await startServer({ "/big": stallAfter(bytes(1_000_000), 64_000) });
  const tmp = await tempDir();
  try {
    const outfile = join(tmp.dir, "firmware.bin");
    const events: string[] = [];
    let received = 0;
    class Updater extends Activity {
      override onCreate(): LifecycleHook {
        this.createTask(this.fetchFirmware(), { name: "firmware" });
      }
      *fetchFirmware(): Coro<void> {
        try {
          const ok = yield* DownloadManager.downloadUrl(`${server.base}/big`, { outfile, progressCallback: () => void received++ });
          events.push(`download returned ${ok}`);
        } finally {
          events.push("download task ended");
        }
      }
      override *onDestroy(): Coro<void> {
        events.push(`onDestroy: ${(yield* until(tmp.list())).length} files`);
      }
    }
    await run(function* () {
      const stack = new ActivityStack();
      const updater = new Updater();
      yield* stack.startActivity(updater);
      while (received === 0) yield* sleep(0.01); // mid-body, the temporary file open
      assert.equal((yield* until(tmp.list())).length, 1);
      assert.deepEqual(
        updater.tasks().map((t) => t.name),
        ["firmware"],
      );
      yield* stack.back();
    });
    assert.deepEqual(events, ["download task ended", "onDestroy: 0 files"]);
    await server.hits[0]!.closed; // the server saw the socket close
    assert.deepEqual(await tmp.list(), []);
  } finally {
    await server.close();
    await tmp.cleanup();
  }
});
