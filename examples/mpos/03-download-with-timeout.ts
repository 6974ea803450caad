// MicroPythonOS TaskManager guide, "Timeout Operations": a download wrapped in
// waitFor; one that answers in time, one that never does.
// Run: npx tsx examples/mpos/03-download-with-timeout.ts [--url http://host:port]
import { TaskManager, TimeoutError, type Coro } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";

function* downloadWithTimeout(url: string, timeout: number, log: Log): Coro<void> {
  try {
    // Wait at most `timeout` seconds for the download.
    const data = yield* TaskManager.waitFor(DownloadManager.downloadUrl(url), timeout);
    log(data === null ? `${url}: download failed` : `Downloaded ${data.length} bytes`);
  } catch (error) {
    log(error instanceof TimeoutError ? `Download timed out after ${timeout} s` : `Download failed: ${String(error)}`);
  }
}

/** `timeout` (seconds) is for the URL that never answers; the one that does gets the guide's 10 s. */
export function* main({ base, log = print, timeout = 2 }: { base: string; log?: Log; timeout?: number }): Coro<void> {
  yield* downloadWithTimeout(`${base}/data.json`, 10, log);
  yield* downloadWithTimeout(`${base}/hang`, timeout, log);
}

if (isMain(import.meta)) await withBaseUrl((base) => runMain(main({ base })));
