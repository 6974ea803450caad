/**
 * Where the body goes: memory, the user's chunk callback, or a file. Each sink
 * gets every byte exactly once and in order (the transfer skips what a restart
 * from zero sends again), so none of them has to undo anything.
 */
import { until } from "../core/hostwait.ts";
import type { Awaitable } from "../core/types.ts";
import { AtomicFile } from "./atomicfile.ts";
import { callBack } from "./callbacks.ts";
import type { ChunkCallback, DownloadRequest } from "./options.ts";

/**
 * @internal a destination for the body. Each method returns what to wait for,
 * or `null` when it has already finished (the common case, no allocation).
 */
export interface Sink {
  /** The first good response has arrived: get ready to receive. */
  begin(): Awaitable<unknown> | null;
  /** Takes the next piece of the body. */
  write(chunk: Uint8Array): Awaitable<unknown> | null;
  /** The body is complete (`length` bytes when known): make the result final. */
  commit(length: number | null): Awaitable<unknown> | null;
  /** The download failed or was cancelled: leave nothing behind. Never rejects. */
  discard(): Promise<void> | null;
  /** What the download returns on success. */
  result(): Uint8Array | true;
}

/** @internal the sink `req` asks for. */
export function sinkFor(req: DownloadRequest): Sink {
  if (req.outfile !== null) return new FileSink(req.outfile);
  if (req.chunkCallback !== null) return new CallbackSink(req.chunkCallback);
  return new MemorySink();
}

/** Keeps the pieces and joins them once at the end (one copy of the body). */
class MemorySink implements Sink {
  private chunks: Uint8Array[] = [];
  private length = 0;
  begin(): null {
    return null;
  }
  write(chunk: Uint8Array): null {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return null;
  }
  commit(): null {
    return null;
  }
  discard(): null {
    this.chunks = [];
    return null;
  }
  result(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.chunks = [];
    return out;
  }
}

/** Hands each piece to the user's callback and waits for it. */
class CallbackSink implements Sink {
  constructor(private readonly fn: ChunkCallback) {}
  begin(): null {
    return null;
  }
  write(chunk: Uint8Array): Awaitable<unknown> | null {
    return callBack(this.fn, chunk);
  }
  commit(): null {
    return null;
  }
  discard(): null {
    return null;
  }
  result(): true {
    return true;
  }
}

/** Streams to an `AtomicFile`. */
class FileSink implements Sink {
  private readonly file: AtomicFile;
  constructor(path: string) {
    this.file = new AtomicFile(path);
  }
  begin(): Awaitable<void> {
    return until(this.file.open());
  }
  write(chunk: Uint8Array): Awaitable<void> | null {
    const previous = this.file.write(chunk);
    return previous === null ? null : until(previous);
  }
  commit(length: number | null): Awaitable<void> {
    return until(this.file.commit(length));
  }
  discard(): Promise<void> {
    return this.file.discard();
  }
  result(): true {
    return true;
  }
}
