/**
 * `DownloadManager`: MicroPythonOS's download service, on the platform's
 * `fetch`, inside taskloop tasks.
 */
import { isCancelled } from "../core/errors.ts";
import type { Coro } from "../core/types.ts";
import { DownloadError } from "./errors.ts";
import { Failure, oneLine } from "./failure.ts";
import {
  checkRequest,
  type DownloadOptions,
  type DownloadRequest,
  type FileDownloadOptions,
  type MemoryDownloadOptions,
  type StreamDownloadOptions,
} from "./options.ts";
import { Transfer } from "./transfer.ts";

/**
 * Downloads over HTTP(S) from inside a task: into memory, into a file, or
 * streamed to a callback; with progress and speed reports, a chunk timeout,
 * retries that resume with `Range`, and files that appear whole or not at
 * all. All members are static, as in MicroPythonOS.
 *
 * What it guarantees:
 * - **Atomic files.** `outfile` is written to a temporary file beside it
 *   (`.name.<random>.part`), renamed into place only once the body is
 *   complete and matches the announced `Content-Length`. A failed or
 *   cancelled download leaves no temporary file, and an existing `outfile`
 *   untouched.
 * - **Resume.** A transient failure (connection reset or refused, no data for
 *   `chunkTimeoutSeconds`, a 5xx status, a body cut short) is retried up to
 *   `retries` times, 0.25 s after the first failure, doubling up to 4 s. A
 *   retry asks for the rest with `Range` (and `If-Range`); if the server
 *   answers `200` instead of `206`, the body is fetched from zero again and
 *   the bytes already received are skipped, so a `chunkCallback` sees every
 *   byte exactly once and progress never goes back. If the resource changed
 *   meanwhile (another ETag, Last-Modified or length), the download fails
 *   rather than splice two versions. 4xx statuses fail at once. Redirects are
 *   followed.
 * - **Cancellation.** Cancelling the task (directly, by `waitFor`'s timeout,
 *   by a task group, by an activity's end) aborts the HTTP request (the
 *   connection is closed) and waits for the temporary file to be removed.
 *   Each wait aborts only the request it belongs to, not the task's `signal`,
 *   so a task that catches a cancellation can still download afterwards.
 * - **Streaming.** The body is never held whole unless it is downloaded into
 *   memory; a file download keeps at most two chunks in memory.
 *
 * Progress is a percentage with two decimals, reported only when it changes
 * and ending with exactly one `100` once the download has succeeded; without
 * `Content-Length` or `totalSize`, only that final `100` is reported. Speed is
 * in bytes per second of real time, reported about once a second while data
 * arrives. Callbacks may be plain, async or generator functions; the download
 * waits for each call to finish. A callback that throws ends the download
 * (not retried).
 *
 * @example
 * ```ts
 * import { run } from "taskloop";
 * import { DownloadManager } from "taskloop/download";
 *
 * await run(function* () {
 *   const ok = yield* DownloadManager.downloadUrl("http://127.0.0.1:8080/app.mpk", {
 *     outfile: "/tmp/app.mpk",
 *     progressCallback: (percent) => console.log(`${percent.toFixed(2)} %`),
 *   });
 *   console.log(ok ? "saved" : "failed (the reason was logged)");
 * });
 * ```
 */
export class DownloadManager {
  /**
   * Where `downloadUrl` writes its one line about a failure. Replace it to
   * send the line elsewhere (a test collects it; an app shows it).
   *
   * @example
   * ```ts
   * const lines: string[] = [];
   * DownloadManager.logger = (line) => lines.push(line);
   * ```
   */
  static logger: (line: string) => void = (line) => console.warn(line);

  /**
   * Downloads `url`. Into memory: yields the body, or `null` if the download
   * failed. With `outfile` or `chunkCallback`: yields `true`, or `false` if it
   * failed. A failure is logged as one line through `DownloadManager.logger`;
   * cancellation is not a failure and passes through as `CancelledError`.
   * Bad arguments throw `TypeError`/`RangeError` at once, before any request.
   *
   * @example
   * ```ts
   * const data = yield* DownloadManager.downloadUrl("http://127.0.0.1:8080/apps.json");
   * if (data !== null) console.log(JSON.parse(new TextDecoder().decode(data)));
   * ```
   */
  static downloadUrl(url: string, options: FileDownloadOptions | StreamDownloadOptions): Coro<boolean>;
  static downloadUrl(url: string, options?: MemoryDownloadOptions): Coro<Uint8Array | null>;
  static downloadUrl(url: string, options?: DownloadOptions): Coro<Uint8Array | boolean | null>;
  static downloadUrl(url: string, options?: DownloadOptions): Coro<Uint8Array | boolean | null> {
    return downloadOrNull(checkRequest("DownloadManager.downloadUrl", url, options));
  }

  /**
   * As `downloadUrl`, but a failure throws `DownloadError` (with `status`,
   * `url` and `cause`) instead of yielding `null`/`false`, and nothing is logged.
   *
   * @example
   * ```ts
   * try {
   *   yield* DownloadManager.download("http://127.0.0.1:8080/fw.bin", { outfile: "/tmp/fw.bin", retries: 5 });
   * } catch (err) {
   *   if (err instanceof DownloadError) console.log(`failed (HTTP ${err.status}): ${err.message}`);
   *   else throw err;
   * }
   * ```
   */
  static download(url: string, options: FileDownloadOptions | StreamDownloadOptions): Coro<true>;
  static download(url: string, options?: MemoryDownloadOptions): Coro<Uint8Array>;
  static download(url: string, options?: DownloadOptions): Coro<Uint8Array | true>;
  static download(url: string, options?: DownloadOptions): Coro<Uint8Array | true> {
    return downloadOrThrow(checkRequest("DownloadManager.download", url, options));
  }
}

function* downloadOrThrow(req: DownloadRequest): Coro<Uint8Array | true> {
  const transfer = new Transfer(req);
  try {
    return yield* transfer.run();
  } catch (error) {
    if (isCancelled(error)) throw error;
    throw downloadError(req, transfer, error);
  }
}

function* downloadOrNull(req: DownloadRequest): Coro<Uint8Array | boolean | null> {
  const transfer = new Transfer(req);
  try {
    return yield* transfer.run();
  } catch (error) {
    if (isCancelled(error)) throw error;
    DownloadManager.logger(`DownloadManager: ${downloadError(req, transfer, error).message}`);
    return req.outfile !== null || req.chunkCallback !== null ? false : null;
  }
}

function downloadError(req: DownloadRequest, transfer: Transfer, error: unknown): DownloadError {
  const retries = transfer.retried === 0 ? "" : ` (after ${transfer.retried} ${transfer.retried === 1 ? "retry" : "retries"})`;
  if (error instanceof Failure) {
    return new DownloadError(`download of ${req.url} failed: ${error.message}${retries}`, { status: error.status, url: req.url, cause: error.cause });
  }
  return new DownloadError(`download of ${req.url} failed: ${oneLine(error)}${retries}`, { status: transfer.status, url: req.url, cause: error });
}
