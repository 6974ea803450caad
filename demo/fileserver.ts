// A small HTTP server on 127.0.0.1 for the MicroPythonOS examples and the
// dashboard's download: an app index, icons, a large generated file, a
// stream, and a URL that never answers. Node only (it is the demo's host).
import http from "node:http";
import type { AddressInfo } from "node:net";

/** The byte at `offset` of the generated files: a pattern, so a test can check every byte. */
export function patternByte(offset: number): number {
  return (offset * 31 + (offset >> 8)) & 0xff;
}

/** `length` bytes of the pattern starting at `from`. */
export function patternBytes(from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(from + i);
  return out;
}

/** The app index the app-store examples download. */
export const APP_INDEX = [
  { name: "Camera", version: "0.4.1", icon: "/icons/camera.png" },
  { name: "Wallet", version: "1.2.0", icon: "/icons/wallet.png" },
  { name: "Weather", version: "0.9.3", icon: "/icons/weather.png" },
  { name: "Nostr", version: "0.3.0", icon: "/icons/nostr.png" },
  { name: "Draw", version: "1.0.0", icon: "/icons/draw.png" },
  { name: "Slow", version: "0.0.1", icon: "/icons/slow.png" },
];

export interface FileServer {
  /** e.g. "http://127.0.0.1:40123" */
  readonly url: string;
  /** Requests seen, as "GET /path". */
  readonly requests: string[];
  /** Sockets that closed before their response was complete (a cancelled download). */
  readonly aborted: number;
  close(): Promise<void>;
}

export interface FileServerOptions {
  /** Size of /large.bin in bytes (default 8 MiB). */
  largeBytes?: number;
  /** Bytes per second for /large.bin (default: as fast as it goes). */
  largeRate?: number;
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startFileServer(options: FileServerOptions = {}): Promise<FileServer> {
  const largeBytes = options.largeBytes ?? 8 * 1024 * 1024;
  const requests: string[] = [];
  let aborted = 0;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push(`${req.method} ${path}`);
    res.on("close", () => {
      if (!res.writableFinished) aborted++;
    });
    if (path === "/apps.json") return send(res, "application/json", JSON.stringify(APP_INDEX));
    if (path === "/data.json") return send(res, "application/json", JSON.stringify({ temperature: 21.5, humidity: 40, items: [1, 2, 3] }));
    if (path === "/icons/slow.png") return; // never answers: the per-icon timeout catches it
    if (path.startsWith("/icons/")) return send(res, "image/png", Buffer.from(patternBytes(path.length, 1024 + path.length * 10)));
    if (path === "/hang") return; // never answers
    if (path === "/large.bin") return streamPattern(res, largeBytes, options.largeRate ?? 0);
    if (path === "/stream") return streamLines(res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get aborted() {
      return aborted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

/** The pattern file in 64 KiB writes, paced to `rate` bytes/s when given, with back-pressure. */
function streamPattern(res: http.ServerResponse, total: number, rate: number): void {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": total });
  const piece = 64 * 1024;
  let sent = 0;
  const started = Date.now();
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      if (rate > 0) {
        const due = started + (sent / rate) * 1000;
        if (due > Date.now()) {
          setTimeout(pump, due - Date.now());
          return;
        }
      }
      const n = Math.min(piece, total - sent);
      const ok = res.write(patternBytes(sent, n));
      sent += n;
      if (!ok) {
        res.once("drain", pump);
        return;
      }
    }
    if (sent >= total) res.end();
  };
  pump();
}

/** Ten lines of "reading N", one every 20 ms, chunked (no Content-Length). */
function streamLines(res: http.ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  let n = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(`reading ${++n}\n`);
    if (n === 10) {
      clearInterval(timer);
      res.end();
    }
  }, 20);
}
