/**
 * A real HTTP server on 127.0.0.1 for the download tests, with fault
 * injection: each path is served by a handler, and a handler may be a
 * sequence (the n-th request to the path gets the n-th handler; the last one
 * repeats). Every request is recorded with its Range header and learns when
 * its socket closes. Also a temporary folder per test.
 */
import http from "node:http";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Hit {
  path: string;
  range: string | null;
  ifRange: string | null;
  acceptEncoding: string | null;
  /** Resolves when this request's connection has closed. */
  closed: Promise<void>;
}

export interface TestServer {
  base: string;
  hits: Hit[];
  /** Resolves when the n-th request (1-based) to any path has arrived. */
  arrived(n: number): Promise<Hit>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler | Handler[]>): Promise<TestServer> {
  const hits: Hit[] = [];
  const counts = new Map<string, number>();
  const waiting: { n: number; resolve: (h: Hit) => void }[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const socket = req.socket;
    const hit: Hit = {
      path,
      range: req.headers.range ?? null,
      ifRange: (req.headers["if-range"] as string | undefined) ?? null,
      acceptEncoding: req.headers["accept-encoding"] ?? null,
      closed: new Promise((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve()))),
    };
    hits.push(hit);
    for (const w of waiting.filter((w) => w.n === hits.length)) w.resolve(hit);
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const n = counts.get(path) ?? 0;
    counts.set(path, n + 1);
    const handler = Array.isArray(route) ? route[Math.min(n, route.length - 1)]! : route;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    arrived: (n) => (hits.length >= n ? Promise.resolve(hits[n - 1]!) : new Promise((resolve) => waiting.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deterministic test content. */
export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface ServeOptions {
  /** Answer Range requests with 206 (default true). */
  range?: boolean;
  /** Send Content-Length (default true); otherwise the body is chunked. */
  length?: boolean;
  etag?: string;
}

/** Parses `bytes=N-` (the only form the download sends). */
function rangeStart(req: http.IncomingMessage): number | null {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  return m ? Number(m[1]) : null;
}

/** Serves `body` whole, or from a Range start with 206. */
export function serve(body: Buffer, options: ServeOptions = {}): Handler {
  return (req, res) => {
    const start = options.range === false ? null : rangeStart(req);
    const headers: http.OutgoingHttpHeaders = { "content-type": "application/octet-stream" };
    if (options.etag) headers.etag = options.etag;
    if (options.range !== false) headers["accept-ranges"] = "bytes";
    const part = start === null ? body : body.subarray(start);
    if (options.length !== false) headers["content-length"] = String(part.length);
    if (start !== null) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start === null ? 200 : 206, headers);
    res.end(part);
  };
}

/** Like `serve`, but sends only the first `n` bytes of what it would send, then resets the connection. */
export function dropAfter(body: Buffer, n: number, options: ServeOptions = {}): Handler {
  return (req, res) => {
    const start = options.range === false ? null : rangeStart(req);
    const part = start === null ? body : body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { "content-length": String(part.length) };
    if (options.etag) headers.etag = options.etag;
    if (start !== null) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start === null ? 200 : 206, headers);
    res.write(part.subarray(0, n), () => setTimeout(() => req.socket.destroy(), 20));
  };
}

/** Sends the headers and the first `n` bytes, then nothing more, ever (the connection stays open). */
export function stallAfter(body: Buffer, n: number): Handler {
  return (req, res) => {
    res.writeHead(200, { "content-length": String(body.length) });
    res.write(body.subarray(0, n));
  };
}

/** Announces `declared` bytes but sends only `body`, then closes the connection: a lying Content-Length. */
export function wrongLength(body: Buffer, declared: number): Handler {
  return (req, res) => {
    res.writeHead(200, { "content-length": String(declared) });
    res.write(body, () => setTimeout(() => req.socket.destroy(), 20));
  };
}

/** Sends the headers and the first `n` bytes, waits for `gate`, then sends the rest. */
export function gated(body: Buffer, n: number, gate: Promise<void>): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-length": String(body.length) });
    res.write(body.subarray(0, n));
    void gate.then(() => res.end(body.subarray(n)));
  };
}

/** Answers only once `gate` resolves, with `body`. */
export function after(gate: Promise<void>, body: Buffer): Handler {
  return (_req, res) => void gate.then(() => res.writeHead(200, { "content-length": String(body.length) }).end(body));
}

/** Never answers at all. */
export const hang: Handler = () => {};

/** Answers with `code` and a short text body. */
export function status(code: number): Handler {
  return (_req, res) => void res.writeHead(code, { "content-type": "text/plain" }).end(`status ${code}`);
}

/** Redirects (302) to `location`. */
export function redirect(location: string): Handler {
  return (_req, res) => void res.writeHead(302, { location }).end();
}

/** Sends `body` in `pieces` pieces, `intervalMs` apart. */
export function trickle(body: Buffer, pieces: number, intervalMs: number): Handler {
  return (req, res) => {
    res.writeHead(200, { "content-length": String(body.length) });
    const size = Math.ceil(body.length / pieces);
    let i = 0;
    const timer = setInterval(() => {
      const part = body.subarray(i * size, (i + 1) * size);
      i++;
      if (i >= pieces) {
        clearInterval(timer);
        res.end(part);
      } else res.write(part);
    }, intervalMs);
    req.socket.once("close", () => clearInterval(timer));
  };
}

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; list: () => Promise<string[]>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `taskloop-dl-${randomBytes(3).toString("hex")}-`));
  return { dir, list: async () => (await readdir(dir)).sort(), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Collects what `DownloadManager.logger` is given while `body` runs. */
export async function capturingLog<T>(logger: { logger: (line: string) => void }, body: (lines: string[]) => Promise<T>): Promise<T> {
  const saved = logger.logger;
  const lines: string[] = [];
  logger.logger = (line) => void lines.push(line);
  try {
    return await body(lines);
  } finally {
    logger.logger = saved;
  }
}
