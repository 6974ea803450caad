/**
 * The options of `DownloadManager.downloadUrl`/`download`, and their checks:
 * every misuse is a `TypeError` or `RangeError` thrown when the download is
 * created, before any request is made (SPEC §9).
 */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeValue, functionKind } from "../core/host.ts";

/**
 * Receives the body piece by piece, in order, each byte exactly once. A plain
 * function, an async function or a generator function: the download waits
 * for each call to finish before it reads on.
 *
 * @example
 * ```ts
 * let lines = 0;
 * const onChunk: ChunkCallback = (chunk) => { lines += chunk.filter((b) => b === 10).length; };
 * const ok = yield* DownloadManager.downloadUrl(url, { chunkCallback: onChunk });
 * ```
 */
export type ChunkCallback = (chunk: Uint8Array) => unknown;

/**
 * The options every download takes, whatever it does with the body.
 *
 * @example
 * ```ts
 * const common: CommonDownloadOptions = { retries: 5, chunkTimeoutSeconds: 30, headers: { "user-agent": "demo" } };
 * const data = yield* DownloadManager.downloadUrl(url, common);
 * ```
 */
export interface CommonDownloadOptions {
  /** Expected size in bytes, for progress when the server sends no `Content-Length`. */
  totalSize?: number;
  /** Percent done, 0..100 with two decimals, called only when it changes; 100 once, when the download has succeeded. */
  progressCallback?: (percent: number) => unknown;
  /** Bytes per second received from the network, about once a second (real time). */
  speedCallback?: (bytesPerSecond: number) => unknown;
  /** Request headers. `Range` is not allowed: the download manages it to resume. */
  headers?: Record<string, string>;
  /** A wait for the response or the next piece of the body longer than this fails the attempt. Default 10. */
  chunkTimeoutSeconds?: number;
  /** How many times a transient failure (reset, stall, 5xx) is retried. Default 3. */
  retries?: number;
}

/**
 * Options of a download into memory: it yields the body as a `Uint8Array`
 * (or `null` on failure, from `downloadUrl`).
 *
 * @example
 * ```ts
 * const options: MemoryDownloadOptions = { totalSize: 4096 };
 * const bytes: Uint8Array | null = yield* DownloadManager.downloadUrl(url, options);
 * ```
 */
export interface MemoryDownloadOptions extends CommonDownloadOptions {
  /** Not given: the body is kept in memory. */
  outfile?: undefined;
  /** Not given: the body is kept in memory. */
  chunkCallback?: undefined;
}

/**
 * Options of a download into a file: it yields `true` once the file is in
 * place (or `false` on failure, from `downloadUrl`).
 *
 * @example
 * ```ts
 * const options: FileDownloadOptions = { outfile: "/tmp/app.mpk", progressCallback: (p) => console.log(p) };
 * const ok: boolean = yield* DownloadManager.downloadUrl(url, options);
 * ```
 */
export interface FileDownloadOptions extends CommonDownloadOptions {
  /** Where the body goes; written to a temporary file beside it and renamed into place when complete. */
  outfile: string;
  /** Not with `outfile`: a download goes either to a file or to a callback. */
  chunkCallback?: undefined;
}

/**
 * Options of a download streamed to a callback: it yields `true` once every
 * chunk has been handed over (or `false` on failure, from `downloadUrl`).
 *
 * @example
 * ```ts
 * const options: StreamDownloadOptions = { chunkCallback: (chunk) => hash.update(chunk) };
 * const ok: boolean = yield* DownloadManager.downloadUrl(url, options);
 * ```
 */
export interface StreamDownloadOptions extends CommonDownloadOptions {
  /** Gets the body piece by piece; see `ChunkCallback`. */
  chunkCallback: ChunkCallback;
  /** Not with `chunkCallback`: a download goes either to a file or to a callback. */
  outfile?: undefined;
}

/**
 * Any of the three: what `downloadUrl`/`download` accept.
 *
 * @example
 * ```ts
 * const options: DownloadOptions = toDisk ? { outfile: "/tmp/x.bin" } : {};
 * const result: Uint8Array | boolean | null = yield* DownloadManager.downloadUrl(url, options);
 * ```
 */
export type DownloadOptions = MemoryDownloadOptions | FileDownloadOptions | StreamDownloadOptions;

/** @internal a download's options, checked and with defaults filled in. */
export interface DownloadRequest {
  /** The URL as the caller gave it (for errors and the log). */
  url: string;
  /** The parsed URL that is fetched. */
  href: string;
  outfile: string | null;
  chunkCallback: ChunkCallback | null;
  progressCallback: ((percent: number) => unknown) | null;
  speedCallback: ((bytesPerSecond: number) => unknown) | null;
  totalSize: number | null;
  headers: Record<string, string>;
  chunkTimeoutMs: number;
  retries: number;
}

export const DEFAULT_CHUNK_TIMEOUT_SECONDS = 10;
export const DEFAULT_RETRIES = 3;
/** The longest delay a host timer takes (2^31 - 1 ms). */
const MAX_TIMEOUT_SECONDS = 2_147_483;

const KNOWN = ["outfile", "chunkCallback", "totalSize", "progressCallback", "speedCallback", "headers", "chunkTimeoutSeconds", "retries"];

/** @internal checks `url` and `options` for `what` ("DownloadManager.downloadUrl"); throws TypeError/RangeError. */
export function checkRequest(what: string, url: unknown, options: unknown): DownloadRequest {
  const href = checkUrl(what, url);
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${what}(url, options): options must be an object such as { outfile: "data.bin" }, got ${describeValue(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) {
      throw new TypeError(`${what}(url, options): unknown option ${JSON.stringify(key)}; the options are ${KNOWN.join(", ")}`);
    }
  }
  const chunkCallback = checkFunction<ChunkCallback>(what, "chunkCallback", o.chunkCallback);
  const outfile = checkOutfile(what, o.outfile, chunkCallback !== null);
  return {
    url: url as string,
    href,
    outfile,
    chunkCallback,
    progressCallback: checkFunction<(percent: number) => unknown>(what, "progressCallback", o.progressCallback),
    speedCallback: checkFunction<(bytesPerSecond: number) => unknown>(what, "speedCallback", o.speedCallback),
    totalSize: checkTotalSize(what, o.totalSize),
    headers: checkHeaders(what, o.headers),
    chunkTimeoutMs: checkChunkTimeout(what, o.chunkTimeoutSeconds) * 1000,
    retries: checkRetries(what, o.retries),
  };
}

function checkUrl(what: string, url: unknown): string {
  if (typeof url !== "string") throw new TypeError(`${what}(url): url must be a string such as "https://example.com/data.json", got ${describeValue(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what}(url): url ${JSON.stringify(url)} is not a valid absolute URL; expected one such as "https://example.com/data.json"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `${what}(url): url ${JSON.stringify(url)} uses the unsupported scheme "${parsed.protocol.slice(0, -1)}"; only http and https can be downloaded`,
    );
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError(
      `${what}(url): url ${JSON.stringify(url)} contains credentials, which fetch refuses; send them in headers instead, e.g. { authorization: "Basic …" }`,
    );
  }
  return parsed.href;
}

function checkFunction<F>(what: string, name: string, fn: unknown): F | null {
  if (fn === undefined) return null;
  if (typeof fn !== "function") {
    throw new TypeError(`${what}(url, options): options.${name} must be a function (plain, async or generator), got ${describeValue(fn)}`);
  }
  if (functionKind(fn) === "async generator function") {
    throw new TypeError(
      `${what}(url, options): options.${name} must be a plain, async or generator function, got ${describeValue(fn)}: the download could not wait for it`,
    );
  }
  return fn as F;
}

function checkOutfile(what: string, outfile: unknown, withChunkCallback: boolean): string | null {
  if (outfile === undefined) return null;
  if (typeof outfile !== "string" || outfile === "") {
    throw new TypeError(`${what}(url, options): options.outfile must be a file path (a non-empty string), got ${describeValue(outfile)}`);
  }
  if (withChunkCallback) {
    throw new TypeError(
      `${what}(url, options): options.outfile and options.chunkCallback cannot be used together; give outfile to save the body to disk, or chunkCallback to stream it`,
    );
  }
  const path = resolve(outfile);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TypeError(
      `${what}(url, options): options.outfile ${JSON.stringify(outfile)} is a directory; give the path of the file to write, e.g. ${JSON.stringify(outfile.replace(/\/*$/, "/download.bin"))}`,
    );
  }
  const folder = dirname(path);
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new TypeError(
      `${what}(url, options): options.outfile ${JSON.stringify(outfile)} is in ${JSON.stringify(folder)}, which ${stat ? "is not a directory" : "does not exist"}; create the folder first`,
    );
  }
  return path;
}

function checkTotalSize(what: string, size: unknown): number | null {
  if (size === undefined) return null;
  if (typeof size !== "number") throw new TypeError(`${what}(url, options): options.totalSize must be a number of bytes, got ${describeValue(size)}`);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`${what}(url, options): options.totalSize must be a whole number of bytes >= 0, got ${describeValue(size)}`);
  }
  return size;
}

function checkHeaders(what: string, headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new TypeError(
      `${what}(url, options): options.headers must be an object of header names to strings, such as { accept: "application/json" }, got ${describeValue(headers)}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string")
      throw new TypeError(`${what}(url, options): options.headers[${JSON.stringify(name)}] must be a string, got ${describeValue(value)}`);
    const lower = name.toLowerCase();
    if (lower === "range" || lower === "if-range") {
      throw new TypeError(
        `${what}(url, options): options.headers must not set ${JSON.stringify(name)}: the download sends it itself to resume after a failure`,
      );
    }
    out[lower] = value;
  }
  try {
    new Headers(out);
  } catch (err) {
    throw new TypeError(`${what}(url, options): options.headers is not a valid set of HTTP headers: ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}

function checkChunkTimeout(what: string, seconds: unknown): number {
  if (seconds === undefined) return DEFAULT_CHUNK_TIMEOUT_SECONDS;
  if (typeof seconds !== "number")
    throw new TypeError(`${what}(url, options): options.chunkTimeoutSeconds must be a number of seconds, got ${describeValue(seconds)}`);
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new RangeError(`${what}(url, options): options.chunkTimeoutSeconds must be > 0 and <= ${MAX_TIMEOUT_SECONDS} seconds, got ${describeValue(seconds)}`);
  }
  return seconds;
}

function checkRetries(what: string, retries: unknown): number {
  if (retries === undefined) return DEFAULT_RETRIES;
  if (typeof retries !== "number") throw new TypeError(`${what}(url, options): options.retries must be a whole number, got ${describeValue(retries)}`);
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new RangeError(`${what}(url, options): options.retries must be a whole number >= 0, got ${describeValue(retries)}`);
  }
  return retries;
}
