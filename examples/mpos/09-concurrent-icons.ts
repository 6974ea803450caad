// MicroPythonOS TaskManager guide, "Concurrent Downloads": every icon starts at
// once, and each gets its own timeout; one server never answers.
// Run: npx tsx examples/mpos/09-concurrent-icons.ts [--url http://host:port]
import { TaskManager, type Coro } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";
import { APP_INDEX } from "../../demo/fileserver.ts";

export function* downloadMultipleIcons(base: string, icons: string[], timeout: number, log: Log): Coro<(Uint8Array | null)[]> {
  // Start every download now, so they run side by side.
  const tasks = icons.map((icon) => TaskManager.createTask(DownloadManager.downloadUrl(base + icon), { name: `icon ${icon}` })!);
  const results: (Uint8Array | null)[] = [];
  for (const [i, task] of tasks.entries()) {
    try {
      const data = yield* TaskManager.waitFor(task, timeout); // a timeout cancels that download
      results.push(data);
    } catch (error) {
      log(`Icon ${i} failed: ${(error as Error).name}`);
      results.push(null);
    }
  }
  return results;
}

export function* main({ base, log = print, timeout = 2 }: { base: string; log?: Log; timeout?: number }): Coro<void> {
  const icons = APP_INDEX.map((app) => app.icon);
  const results = yield* downloadMultipleIcons(base, icons, timeout, log);
  results.forEach((data, i) => log(`${icons[i]}: ${data === null ? "no icon" : `${data.length} bytes`}`));
}

if (isMain(import.meta)) await withBaseUrl((base) => runMain(main({ base })));
