/**
 * 9. download: DownloadManager against plain `fetch` in the same run, both
 * from a local HTTP server in a child process (bench/download-server.ts).
 * - big: a 200 MB body (50 MB quick) streamed to a file: MB/s, and the peak
 *   RSS growth over the process's RSS before the download (sampled every 5 ms).
 *   Peer: `fetch` + `pipeline(Readable.fromWeb(body), createWriteStream(file))`.
 * - small: 1,000 concurrent 1 KiB downloads into memory: downloads/s.
 *   Peer: `Promise.all` of `fetch(url).then((r) => r.arrayBuffer())`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { now, withTaskloop, type Aw, type Params, type Sample, type Workload } from "../lib.ts";

const MB = (p: Params): number => (p.quick ? 50 : 200);
const SMALL = 1000;

interface Downloads {
  DownloadManager: {
    download(url: string, options?: { outfile?: string }): Aw<Uint8Array | true>;
  };
}

let server: Promise<{ base: string; child: ChildProcess }> | null = null;

/**
 * Starts the server process once; it exits with this process. Before it is
 * used, one plain fetch and one file pipeline warm up what both sides share
 * (fetch's lazily loaded internals, the JIT), so the first measured download
 * does not carry the process's one-off RSS growth.
 */
function startServer(): Promise<{ base: string; child: ChildProcess }> {
  server ??= launch().then(async (s) => {
    const file = outfile();
    const res = await fetch(`${s.base}/big?mb=4`);
    await pipeline(Readable.fromWeb(res.body! as WebReadableStream<Uint8Array>), createWriteStream(file));
    await rm(file, { force: true });
    await Promise.all(Array.from({ length: 50 }, () => fetch(`${s.base}/small`).then((r) => r.arrayBuffer())));
    return s;
  });
  return server;
}

function launch(): Promise<{ base: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("../download-server.ts", import.meta.url), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "inherit", "ipc"] });
    child.once("error", reject);
    child.stdout!.once("data", (line: Buffer) => {
      const { port } = JSON.parse(line.toString()) as { port: number };
      child.unref();
      child.channel?.unref();
      child.stdout!.destroy();
      resolve({ base: `http://127.0.0.1:${port}`, child });
    });
    process.once("exit", () => child.kill());
  });
}

let downloads: Downloads | string | undefined;
let warmedUp = false;
async function loadDownloads(): Promise<Downloads | string> {
  if (downloads !== undefined) return downloads;
  try {
    const specifier = "taskloop/download"; // a variable, so the suite type-checks before dist/ exists
    const mod = (await import(specifier)) as Partial<Downloads>;
    downloads = mod.DownloadManager ? (mod as Downloads) : "n/a (taskloop/download lacks DownloadManager)";
  } catch (err) {
    downloads = `n/a (taskloop/download not built: ${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
  return downloads;
}

/** Runs `body` while sampling RSS; returns its result and the peak growth in MB. */
async function peakRss<T>(body: () => Promise<T>): Promise<[T, number]> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => void (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const result = await body();
    peak = Math.max(peak, process.memoryUsage.rss());
    return [result, (peak - base) / 1e6];
  } finally {
    clearInterval(timer);
  }
}

const outfile = (): string => join(tmpdir(), `taskloop-bench-${process.pid}.bin`);

async function nodeBig(p: Params): Promise<Sample> {
  const { base } = await startServer();
  const file = outfile();
  const t0 = now();
  const [, rss] = await peakRss(async () => {
    const res = await fetch(`${base}/big?mb=${MB(p)}`);
    await pipeline(Readable.fromWeb(res.body! as WebReadableStream<Uint8Array>), createWriteStream(file));
  });
  const seconds = (now() - t0) / 1000;
  await rm(file, { force: true });
  return { big_mb_per_s: (MB(p) * 1.048576) / seconds, big_rss_mb: rss };
}

async function nodeSmall(): Promise<Sample> {
  const { base } = await startServer();
  const t0 = now();
  const bodies = await Promise.all(Array.from({ length: SMALL }, () => fetch(`${base}/small`).then((r) => r.arrayBuffer())));
  const seconds = (now() - t0) / 1000;
  if (bodies.some((b) => b.byteLength !== 1024)) throw new Error("a small download came back short");
  return { small_per_s: SMALL / seconds };
}

export const downloadWorkload: Workload = {
  name: "download",
  title: "200 MB to a file; 1000 concurrent 1 KiB",
  metrics: [
    { key: "big_mb_per_s", unit: "MB/s, 200 MB to file", higherIsBetter: true },
    { key: "big_rss_mb", unit: "MB peak RSS growth", higherIsBetter: false },
    { key: "small_per_s", unit: "downloads/s, 1000 concurrent", higherIsBetter: true },
  ],
  lacks: { effection: "n/a (no download layer)" },
  notes: { node: "fetch + pipeline(Readable.fromWeb, createWriteStream); Promise.all of fetch + arrayBuffer" },
  reps: [5, 3],
  run: {
    taskloop: async (p) => {
      const dl = await loadDownloads();
      if (typeof dl === "string") return dl;
      return withTaskloop([], async (tl) => {
        const { base } = await startServer();
        const file = outfile();
        if (!warmedUp) {
          // The same warm-up as the plain side had: load and JIT-compile this side's code.
          warmedUp = true;
          await tl.run(
            (function* () {
              yield* dl.DownloadManager.download(`${base}/big?mb=4`, { outfile: file });
            })(),
          );
        }
        const t0 = now();
        const [, rss] = await peakRss(() =>
          tl.run(
            (function* () {
              return yield* dl.DownloadManager.download(`${base}/big?mb=${MB(p)}`, { outfile: file });
            })(),
          ),
        );
        const seconds = (now() - t0) / 1000;
        await rm(file, { force: true });
        const t1 = now();
        const bodies = await tl.run(
          (function* () {
            const all: Aw<Uint8Array | true>[] = [];
            for (let i = 0; i < SMALL; i++) all.push(dl.DownloadManager.download(`${base}/small`));
            return yield* tl.gather(...all);
          })(),
        );
        const smallSeconds = (now() - t1) / 1000;
        if (bodies.some((b) => !(b instanceof Uint8Array) || b.length !== 1024)) throw new Error("a small download came back short");
        return { big_mb_per_s: (MB(p) * 1.048576) / seconds, big_rss_mb: rss, small_per_s: SMALL / smallSeconds };
      });
    },
    node: async (p) => ({ ...(await nodeBig(p)), ...(await nodeSmall()) }),
  },
};
