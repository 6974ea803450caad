// The dashboard's download panel (terminal only: it needs Node's fs and http).
// Key `d` downloads a large generated file from a local server the demo starts,
// through DownloadManager, as a task in the table; `c` cancels it, and the panel
// then shows what is left in the download folder: nothing.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTask, isCancelled, until, type Coro, type Task } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { startFileServer, type FileServer } from "./fileserver.ts";

const SIZE = 64 * 1024 * 1024;
const RATE = 8 * 1024 * 1024; // bytes per second: a download of about 8 s, long enough to cancel

const MiB = 1024 * 1024;

export class DownloadPanel {
  private server: FileServer | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), "taskloop-dashboard-"));
  private task: Task<void> | null = null;
  private percent = 0;
  private speed = 0;
  private status = "";

  constructor(private readonly note: (line: string) => void) {}

  /** Key `d`: starts a download unless one runs. */
  start(): void {
    if (this.task !== null && !this.task.done()) {
      this.note("key d: a download is already running (c cancels it)");
      return;
    }
    this.note("key d: downloading large.bin (64 MiB) from the demo's server");
    this.percent = 0;
    this.speed = 0;
    this.status = "starting";
    this.task = createTask(this.download(), { name: "download" });
  }

  /** Key `c`: cancels the running download. */
  cancel(): void {
    if (this.task === null || this.task.done()) {
      this.note("key c: no download is running");
      return;
    }
    this.note("key c: cancelling the download");
    this.task.cancel();
  }

  /** The panel's line, or null before the first download. */
  line(): string | null {
    if (this.status === "") return null;
    const width = 24;
    const filled = Math.round((this.percent / 100) * width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    if (this.status !== "downloading") return `download ${bar} ${this.percent.toFixed(2).padStart(6)}%  ${this.status}`;
    const left = SIZE * (1 - this.percent / 100);
    const eta = this.speed > 0 ? `ETA ${Math.ceil(left / this.speed)} s` : "ETA -";
    return `download ${bar} ${this.percent.toFixed(2).padStart(6)}%  ${(this.speed / MiB).toFixed(1)} MiB/s  ${eta}`;
  }

  /** Stops the server and removes the download folder. */
  *close(): Coro<void> {
    if (this.task !== null && !this.task.done()) {
      this.task.cancel();
      try {
        yield* this.task;
      } catch {
        // cancelled: its cleanup has run
      }
    }
    if (this.server !== null) yield* until(this.server.close());
    rmSync(this.dir, { recursive: true, force: true });
  }

  private *download(): Coro<void> {
    this.server ??= yield* until(startFileServer({ largeBytes: SIZE, largeRate: RATE }));
    const outfile = join(this.dir, "large.bin");
    rmSync(outfile, { force: true });
    this.status = "downloading";
    try {
      const ok = yield* DownloadManager.downloadUrl(`${this.server.url}/large.bin`, {
        outfile,
        progressCallback: (p) => void (this.percent = p),
        speedCallback: (bps) => void (this.speed = bps),
      });
      this.status = ok ? `done: ${(statSync(outfile).size / MiB).toFixed(1)} MiB, file complete` : "failed (see the log)";
      this.note(`download ${ok ? "complete" : "failed"}`);
    } catch (error) {
      if (!isCancelled(error)) throw error;
      const left = readdirSync(this.dir);
      this.status = `cancelled: ${left.length === 0 ? "no partial file left" : `left behind: ${left.join(", ")}`}`;
      this.note(`download cancelled at ${this.percent.toFixed(2)}%: ${left.length} files left in the download folder`);
      throw error;
    }
  }
}
