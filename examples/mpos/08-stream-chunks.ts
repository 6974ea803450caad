// MicroPythonOS TaskManager guide, "Stream processing": each chunk is handed
// to a callback as it arrives (a generator callback: the download waits for it).
// Run: npx tsx examples/mpos/08-stream-chunks.ts [--url http://host:port]
import type { Coro } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";

export function* main({ base, log = print }: { base: string; log?: Log }): Coro<void> {
  let pending = "";
  const decoder = new TextDecoder();
  function* processChunk(chunk: Uint8Array): Coro<void> {
    // Chunks do not follow line ends: keep the tail for the next one.
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) log(`got ${line}`);
  }
  const ok = yield* DownloadManager.downloadUrl(`${base}/stream`, { chunkCallback: processChunk });
  log(ok ? "stream ended" : "stream failed");
}

if (isMain(import.meta)) await withBaseUrl((base) => runMain(main({ base })));
