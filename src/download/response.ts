/**
 * Reading what a response says about its body: its length, the range it
 * covers, and a validator that tells whether the resource has changed.
 */

/** @internal whether the body arrives as the server stored it (no content coding that fetch would undo). */
export function isIdentity(res: Response): boolean {
  const coding = res.headers.get("content-encoding");
  return coding === null || coding.trim().toLowerCase() === "identity" || coding.trim() === "";
}

/** @internal the body's length from `Content-Length`, or `null` when absent, unreadable, or not the decoded length. */
export function contentLength(res: Response): number | null {
  const value = res.headers.get("content-length");
  if (value === null || !isIdentity(res) || !/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** @internal a `206`'s `Content-Range: bytes start-end/total` (`total` null for `*`), or `null` if it has none or it does not parse. */
export function contentRange(res: Response): { start: number; end: number; total: number | null } | null {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(res.headers.get("content-range") ?? "");
  if (m === null) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === "*" ? null : Number(m[3]) };
}

/**
 * @internal what identifies this version of the resource: a strong `ETag`,
 * else `Last-Modified` (both usable in `If-Range`), else `null`.
 */
export function validatorOf(res: Response): string | null {
  const etag = res.headers.get("etag");
  if (etag !== null && !etag.startsWith("W/")) return etag;
  return res.headers.get("last-modified");
}
