// MicroPythonOS TaskManager guide, "Download with Progress": a large file to
// disk with a progress label; the file appears whole or not at all.
// Run: npx tsx examples/mpos/07-download-progress.ts [--url http://host:port]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Coro } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";

export function* downloadLargeFile(url: string, outfile: string, log: Log): Coro<boolean> {
  let shown = -10;
  const success = yield* DownloadManager.downloadUrl(url, {
    outfile,
    progressCallback: (percent) => {
      // A label redraw per 10 %, as a small screen would do.
      if (percent >= shown + 10 || percent === 100) {
        shown = percent;
        log(`Downloading: ${percent.toFixed(2)}%`);
      }
    },
  });
  log(success ? `Download complete! ${statSync(outfile).size} bytes in ${outfile.split(/[\\/]/).pop()}` : "Download failed");
  return success;
}

export function* main({ base, log = print, dir }: { base: string; log?: Log; dir: string }): Coro<void> {
  yield* downloadLargeFile(`${base}/large.bin`, join(dir, "large.bin"), log);
}

if (isMain(import.meta)) {
  const dir = mkdtempSync(join(tmpdir(), "mpos-download-"));
  try {
    await withBaseUrl((base) => runMain(main({ base, dir })), { largeBytes: 8 * 1024 * 1024, largeRate: 4 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
