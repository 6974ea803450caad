/**
 * Writing a file so that it appears whole or not at all: the body goes to a
 * temporary file beside the target, which is renamed over the target only once
 * it is complete.
 */
import { randomBytes } from "node:crypto";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * @internal a file written through a temporary sibling (`.name.<random>.part`
 * in the same folder, so the final rename stays on one file system and is
 * atomic). Writes are double-buffered: `write` starts writing a chunk and only
 * waits for the write before it, so the disk works while the next chunk is
 * fetched. Every file operation is a host promise that runs to its end even if
 * the task waiting for it is cancelled, and `discard` waits for them all: no
 * file handle is lost and no temporary file is left behind.
 *
 * The rename is not preceded by an fsync: the file is whole for every reader
 * and survives a crash of the process, but not necessarily a power cut.
 */
export class AtomicFile {
  readonly tempPath: string;
  private opening: Promise<FileHandle | null> | null = null;
  private handle: FileHandle | null = null;
  /** The write in flight (never rejects: its error lands in `error`). */
  private inflight: Promise<void> | null = null;
  private busy = false;
  private error: unknown = null;
  private committing: Promise<void> | null = null;
  private discarded = false;
  private written = 0;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.part`);
  }

  /** Bytes handed to the disk so far. */
  get size(): number {
    return this.written;
  }

  /** Creates the temporary file (it must not exist yet). */
  open(): Promise<void> {
    this.opening = open(this.tempPath, "wx").then(
      (fh) => (this.handle = fh),
      (err: unknown) => {
        this.error = err;
        return null;
      },
    );
    return this.opening.then(() => this.check());
  }

  /**
   * Starts writing `chunk` once the previous write has finished. Returns what
   * to wait for before the next `write` (the previous write), or `null` when
   * there is nothing to wait for.
   */
  write(chunk: Uint8Array): Promise<void> | null {
    this.check();
    this.written += chunk.length;
    if (!this.busy) {
      this.start(chunk);
      return null;
    }
    const previous = this.inflight!;
    return previous.then(() => {
      this.check();
      if (!this.discarded) this.start(chunk);
    });
  }

  /**
   * Waits for the last write, checks that the file has `expected` bytes (when
   * given), closes it and renames it over `path`.
   */
  commit(expected: number | null): Promise<void> {
    this.committing = this.finish(expected);
    return this.committing;
  }

  /**
   * Waits for whatever is in flight, closes the file and removes the
   * temporary file. Never rejects. After a successful commit there is nothing
   * to remove: the file stays in place.
   */
  async discard(): Promise<void> {
    this.discarded = true;
    if (this.committing !== null) {
      try {
        await this.committing;
        return;
      } catch {
        // fall through: clean up what the failed commit left
      }
    }
    await this.opening;
    while (this.busy) await this.inflight;
    await this.close().catch(() => {});
    if (this.opening !== null) await unlink(this.tempPath).catch(() => {});
  }

  private start(chunk: Uint8Array): void {
    const fh = this.handle!;
    this.busy = true;
    this.inflight = writeAll(fh, chunk).then(
      () => void (this.busy = false),
      (err: unknown) => {
        this.busy = false;
        this.error ??= err;
      },
    );
  }

  private async finish(expected: number | null): Promise<void> {
    await this.inflight;
    this.check();
    if (expected !== null && this.written !== expected) {
      throw new Error(`wrote ${this.written} bytes but the server announced ${expected}`);
    }
    await this.close();
    await rename(this.tempPath, this.path);
  }

  private async close(): Promise<void> {
    const fh = this.handle;
    this.handle = null;
    if (fh !== null) await fh.close();
  }

  private check(): void {
    if (this.error !== null) throw this.error;
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
