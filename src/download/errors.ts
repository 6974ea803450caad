/**
 * `DownloadError`: what `DownloadManager.download` throws when a download fails.
 */

/**
 * A download that failed: an HTTP status that is not a success, a network
 * failure or stall that outlived the retries, a body shorter than its
 * `Content-Length`, a disk error, or a callback that threw.
 *
 * - `status`: the HTTP status of the last response, or `null` when no
 *   response arrived (connection refused, stall before the headers …).
 * - `url`: the URL as it was passed to `download`.
 * - `cause`: the underlying error (a network `TypeError`, a disk error, the
 *   callback's own error), or `undefined` when the status says it all.
 *
 * @example
 * ```ts
 * import { DownloadManager, DownloadError } from "taskloop/download";
 *
 * try {
 *   const bytes = yield* DownloadManager.download("http://127.0.0.1:8080/missing.json");
 * } catch (err) {
 *   if (err instanceof DownloadError && err.status === 404) console.log("not there");
 *   else throw err;
 * }
 * ```
 */
export class DownloadError extends Error {
  /** Always `"DownloadError"`. */
  override name = "DownloadError";
  /** The HTTP status of the last response, or `null` when none arrived. */
  readonly status: number | null;
  /** The URL as it was passed to `download`. */
  readonly url: string;

  constructor(message: string, details: { status: number | null; url: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
  }
}
