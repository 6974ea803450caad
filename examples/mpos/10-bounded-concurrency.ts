// MicroPythonOS TaskManager guide, "Bounded Concurrency": download a list of
// URLs at most `maxConcurrent` at a time, each with a timeout.
// Run: npx tsx examples/mpos/10-bounded-concurrency.ts [--url http://host:port]
import { gather, TaskManager, type Coro } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";

export function* downloadWithLimit(urls: string[], maxConcurrent: number, timeout: number, log: Log): Coro<(Uint8Array | null)[]> {
  const results: (Uint8Array | null)[] = [];
  for (let i = 0; i < urls.length; i += maxConcurrent) {
    const batch = urls.slice(i, i + maxConcurrent);
    log(`batch ${i / maxConcurrent + 1}: ${batch.length} downloads`);
    // A batch runs side by side; a timeout or failure gives null for that URL only.
    const settled = yield* gather(...batch.map((url) => TaskManager.waitFor(DownloadManager.downloadUrl(url), timeout)), { returnExceptions: true });
    settled.forEach((r, j) => {
      if (!(r instanceof Uint8Array)) log(`${batch[j]!.slice(batch[j]!.lastIndexOf("/"))}: ${r === null ? "failed" : (r as Error).name}`);
      results.push(r instanceof Uint8Array ? r : null);
    });
  }
  return results;
}

export function* main({ base, log = print, timeout = 2 }: { base: string; log?: Log; timeout?: number }): Coro<void> {
  const urls = ["camera", "wallet", "weather", "nostr", "draw", "slow", "missing"].map((n) => `${base}/icons/${n}.png`);
  const results = yield* downloadWithLimit(
    urls.map((u) => u.replace("/icons/missing.png", "/missing")),
    3,
    timeout,
    log,
  );
  log(`${results.filter((r) => r !== null).length} of ${results.length} downloaded`);
}

if (isMain(import.meta)) await withBaseUrl((base) => runMain(main({ base })));
