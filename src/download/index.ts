/**
 * taskloop/download: MicroPythonOS's `DownloadManager` on the platform's
 * `fetch` and `node:fs`: downloads into memory, into files that appear whole
 * or not at all, or streamed to a callback, with progress, speed, a chunk
 * timeout, resuming retries and cancellation that aborts the request.
 *
 * @example
 * ```ts
 * import { run, waitFor } from "taskloop";
 * import { DownloadManager } from "taskloop/download";
 *
 * await run(function* () {
 *   const data = yield* waitFor(DownloadManager.downloadUrl("http://127.0.0.1:8080/apps.json"), 10);
 *   console.log(data === null ? "failed" : `${data.length} bytes`);
 * });
 * ```
 */
export { DownloadManager } from "./downloadmanager.ts";
export { DownloadError } from "./errors.ts";
export type { ChunkCallback, CommonDownloadOptions, DownloadOptions, FileDownloadOptions, MemoryDownloadOptions, StreamDownloadOptions } from "./options.ts";
