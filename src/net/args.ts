/**
 * Argument checks shared by `taskloop/net` (internal): each says what was
 * wrong, what was expected and what came (SPEC §9).
 */
import { describeValue, functionKind } from "../core/host.ts";

/** @internal a host name or address: a non-empty string. */
export function checkHost(host: unknown, what: string): asserts host is string {
  if (typeof host !== "string") throw new TypeError(`${what}: host must be a string such as "127.0.0.1" or "example.com", got ${describeValue(host)}`);
  if (host.length === 0) throw new TypeError(`${what}: host must not be empty; use "127.0.0.1" (this machine only) or "0.0.0.0" (every interface)`);
}

/** @internal a TCP port: an integer 1-65535, or 0 ("pick a free one") where `allowZero`. */
export function checkPort(port: unknown, what: string, allowZero: boolean): asserts port is number {
  const range = allowZero ? "0-65535 (0 picks a free port)" : "1-65535";
  if (typeof port !== "number") throw new TypeError(`${what}: port must be an integer ${range}, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`${what}: port must be an integer ${range}, got ${describeValue(port)}`);
  }
}

/** @internal an options object whose keys are all among `known`. */
export function checkOptions(options: unknown, what: string, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${what}: options must be an object like { ${known[0]}: … }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${what}: unknown option ${JSON.stringify(key)}; the options are ${known.join(", ")}`);
  }
}

/** @internal a `tls` option: an object of Node TLS options (or `true` where `allowTrue`). */
export function checkTls(tls: unknown, what: string, allowTrue: boolean): void {
  if (tls === undefined || tls === false || (allowTrue && tls === true)) return;
  if (typeof tls !== "object" || tls === null || Array.isArray(tls)) {
    const expected = allowTrue
      ? "true or an object of node:tls connect options ({ ca, servername, … })"
      : "an object of node:tls server options ({ key, cert, … })";
    throw new TypeError(`${what}: options.tls must be ${expected}, got ${describeValue(tls)}`);
  }
}

/**
 * @internal a handler that `startServer`/`serveWebSocket` call once per
 * connection: a generator function (or a plain function returning a coroutine).
 */
export function checkHandler(fn: unknown, what: string): void {
  if (typeof fn !== "function") throw new TypeError(`${what} must be a generator function (function*) run for each connection, got ${describeValue(fn)}`);
  const kind = functionKind(fn);
  if (kind !== "generator function" && kind !== "function") {
    throw new TypeError(
      `${what} must be a generator function (function*) run for each connection, got ${describeValue(fn)}: taskloop runs coroutines, write it as function* and yield* the stream's methods`,
    );
  }
}

/** @internal a byte count for read(n): an integer >= `min`. */
export function checkSize(n: unknown, what: string, min: number): asserts n is number {
  if (typeof n !== "number") throw new TypeError(`${what} must be an integer${min < 0 ? " (-1 reads to the end)" : ""}, got ${describeValue(n)}`);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${what} must be an integer >= ${min}${min < 0 ? " (-1 reads to the end)" : ""}, got ${describeValue(n)}`);
}
