/**
 * The errors of `taskloop/net`, and how a host error (a Node `ECONNRESET`,
 * a TLS verification failure) is told to the person reading it: what was
 * being done, with whom, and the host's own words and `code`.
 */

/**
 * `readExactly(n)` met the end of the stream before `n` bytes came:
 * `.partial` holds what did come, `.expected` is `n`.
 *
 * @example
 * ```ts
 * try { header = yield* reader.readExactly(4); }
 * catch (e) { if (e instanceof IncompleteReadError) log(`peer left after ${e.partial.length} of ${e.expected} bytes`); else throw e; }
 * ```
 */
export class IncompleteReadError extends Error {
  /** "IncompleteReadError" */
  override name = "IncompleteReadError";
  constructor(
    /** The bytes that did come before the end of the stream. */
    readonly partial: Uint8Array,
    /** How many bytes were asked for. */
    readonly expected: number,
  ) {
    super(`${partial.length} bytes read on a total of ${expected} expected bytes: the stream ended early`);
  }
}

/**
 * A WebSocket is closed: `receive()` throws it once every message that came
 * before the close has been received, `send()` throws it at once. `code` and
 * `reason` are the close frame's (1006 when the connection dropped without one).
 *
 * @example
 * ```ts
 * try { for (;;) handle(yield* ws.receive()); }
 * catch (e) { if (e instanceof ConnectionClosed) log(`closed ${e.code} ${e.reason}`); else throw e; }
 * ```
 */
export class ConnectionClosed extends Error {
  /** "ConnectionClosed" */
  override name = "ConnectionClosed";
  constructor(
    /** The close code: 1000 normal, 1001 going away, 1006 dropped without a close frame, 3000-4999 the application's. */
    readonly code: number,
    /** The close frame's reason ("" if none). */
    readonly reason: string,
    message?: string,
  ) {
    super(
      message ??
        `the WebSocket is closed (code ${code}${CLOSE_NAMES[code] ? `, ${CLOSE_NAMES[code]}` : ""}${reason ? `, reason ${JSON.stringify(reason)}` : ""})`,
    );
  }
}

const CLOSE_NAMES: Record<number, string> = {
  1000: "normal closure",
  1001: "going away",
  1002: "protocol error",
  1003: "unsupported data",
  1005: "no status code",
  1006: "connection lost without a close frame",
  1007: "invalid payload",
  1008: "policy violation",
  1009: "message too big",
  1011: "server error",
};

/**
 * What Node puts on its system errors; kept on ours so `e.code === "ECONNRESET"` still works.
 *
 * @example
 * ```ts
 * try { yield* openConnection("127.0.0.1", 1); }
 * catch (e) { if ((e as HostErrorFields).code === "ECONNREFUSED") console.log("nothing listens there"); }
 * ```
 */
export interface HostErrorFields {
  /** Node's error code: "ECONNRESET", "ECONNREFUSED", "DEPTH_ZERO_SELF_SIGNED_CERT", … */
  code?: string;
  /** The operating system's error number, when there is one. */
  errno?: number;
  /** The system call that failed ("connect", "read", …). */
  syscall?: string;
}

/**
 * @internal an Error that says what was being done (`what`), keeps the host's
 * error as `cause`, and copies its `code` so programs can still branch on it.
 */
export function hostError(what: string, cause: unknown, hint = ""): Error & HostErrorFields {
  const fields = (typeof cause === "object" && cause !== null ? cause : {}) as HostErrorFields & { message?: string; reason?: string };
  const code = typeof fields.code === "string" ? fields.code : undefined;
  let words = typeof fields.message === "string" ? fields.message : String(cause);
  // OpenSSL's own line ("80AC…:error:0A00045C:SSL routines:…:SSL alert number 116") hides its point: Node keeps it in `reason`.
  if (words.includes("SSL routines") && typeof fields.reason === "string") words = `TLS: ${fields.reason}`;
  const error: Error & HostErrorFields = new Error(`${what}: ${words}${code && !words.includes(code) ? ` (${code})` : ""}${hint}`, { cause });
  if (code !== undefined) error.code = code;
  if (typeof fields.errno === "number") error.errno = fields.errno;
  if (typeof fields.syscall === "string") error.syscall = fields.syscall;
  return error;
}

/** Codes of TLS certificate checks that failed, for which a hint helps. */
const CERT_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** @internal what to do about a host error, when there is something to say. */
export function errorHint(cause: unknown): string {
  const code = (cause as HostErrorFields | null)?.code;
  if (code === undefined) return "";
  if (CERT_CODES.has(code)) {
    return code === "ERR_TLS_CERT_ALTNAME_INVALID"
      ? "; the certificate is not for this host name: connect by the name it was issued for, or set tls.servername"
      : "; the server's certificate could not be verified: pass its CA certificate as tls.ca (or, for a test only, tls.rejectUnauthorized: false)";
  }
  if (code === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED") return "; the server wants a client certificate: pass tls.cert and tls.key";
  if (code === "ECONNREFUSED") return "; nothing is listening there";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "; check the host name";
  return "";
}
