/**
 * A TCP (or TLS) connection as a MicroPython/CPython asyncio stream: one
 * object is both the reader and the writer.
 *
 * Reading: the socket's bytes land in a list of chunks as Node delivers them;
 * a read takes from the list, and parks on `Stream.read` only when the list
 * cannot answer yet. A cancelled read therefore loses nothing: the bytes stay
 * in the list for the next read. While nobody reads, the socket is paused
 * once HIGH_WATER bytes wait, so a slow reader holds back a fast sender (TCP
 * flow control does the rest), and it flows again as soon as a read needs more.
 *
 * Writing: `write()` hands the bytes to the socket at once (Node queues what
 * the kernel does not take; a large array is lent, not copied, until the next
 * `drain()` returns); `drain()` parks on `drain` while that queue is above
 * the socket's high-water mark.
 *
 * Errors: the socket always has an 'error' listener, so a reset never becomes
 * an uncaught exception; it is kept and thrown by the next read (once the bytes
 * that came before it are read) and by `drain()`.
 */
import type { Socket } from "node:net";
import { IoWait } from "../core/iowait.ts";
import { RuntimeError } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import { completed } from "../core/parking.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { IncompleteReadError, errorHint, hostError } from "./errors.ts";
import { checkSize } from "./args.ts";

/** Unread bytes above which the socket is paused while no task reads. */
const HIGH_WATER = 256 * 1024;
/** A paused socket flows again once the unread bytes fall to this. */
const LOW_WATER = 64 * 1024;
const NEWLINE = 10;

/** `drain()` with room in the socket's buffer: done at once, nothing allocated. */
const DRAINED: Awaitable<void> = completed("writer.drain()");

/**
 * What `getExtraInfo` answers: the other end's address, or this end's.
 *
 * @example
 * ```ts
 * const which: ExtraInfoName = "peername";
 * const [host, port] = writer.getExtraInfo(which);
 * ```
 */
export type ExtraInfoName = "peername" | "sockname";

/**
 * One end of a TCP or TLS connection: the `reader` and the `writer` that
 * `openConnection` and `startServer` hand out are this same object.
 *
 * @example
 * ```ts
 * const [reader, writer] = yield* openConnection("127.0.0.1", 8000);
 * writer.write("hello\n");
 * yield* writer.drain();
 * const line = yield* reader.readLine(); // Uint8Array, "\n" included
 * writer.close();
 * yield* writer.waitClosed();
 * ```
 */
export class Stream implements Disposable {
  /** Unread chunks, oldest first: `chunks[head]` from byte `offset` on. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  private buffered = 0;
  /** No byte will come any more (the peer's FIN, or the socket closed). */
  private eof = false;
  /** The connection broke (reset, TLS failure): thrown by reads once the buffer is empty, and by drain. */
  private error: Error | null = null;
  /** `close()` was called. */
  private closing = false;
  /** The socket has closed ('close' event). */
  private closed = false;
  private paused = false;
  private readonly readable = new IoWait("Stream.read");
  private readonly writable = new IoWait("drain");
  private readonly closedWait = new IoWait("Stream.waitClosed");
  private readonly peer: [string, number];
  private readonly local: [string, number];

  /** @internal made by `openConnection` and `startServer` */
  constructor(private readonly socket: Socket) {
    this.peer = [socket.remoteAddress ?? "", socket.remotePort ?? 0];
    this.local = [socket.localAddress ?? "", socket.localPort ?? 0];
    socket.setNoDelay(true); // as CPython's asyncio: a small write goes out at once
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
    socket.on("drain", this.onDrain);
  }

  /** "127.0.0.1:8000", for messages and task names. */
  get peerLabel(): string {
    const [host, port] = this.peer;
    return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  }

  // ---- socket events ----

  private readonly onData = (chunk: Uint8Array): void => {
    if (this.closing) return; // closed on our side: nobody will read it
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.readable.length !== 0) this.readable.wakeAll();
    else if (this.buffered >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.eof = true;
    this.readable.wakeAll();
  };

  private readonly onError = (cause: Error): void => {
    // After close() the connection is ours to drop; an error then (EPIPE while flushing) tells nobody anything.
    if (this.error === null && !this.closing) this.error = hostError(`the connection with ${this.peerLabel} failed`, cause, errorHint(cause));
    this.readable.wakeAll();
    this.writable.wakeAll();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.eof = true;
    this.readable.wakeAll();
    this.writable.wakeAll();
    this.closedWait.wakeAll();
  };

  private readonly onDrain = (): void => {
    this.writable.wakeAll();
  };

  // ---- reading ----

  /**
   * Reads up to `n` bytes: some of what is there now (at most what one
   * socket read brought, so it is never copied), or, when nothing is, at
   * least one byte as soon as it comes. `n = -1` (the default) reads until the peer
   * closes its side. At the end of the stream it gives an empty array.
   *
   * @example
   * ```ts
   * for (;;) {
   *   const data = yield* reader.read(4096);
   *   if (data.length === 0) break; // the peer closed
   *   handle(data);
   * }
   * ```
   */
  read(n = -1): Awaitable<Uint8Array> {
    checkSize(n, "Stream.read(n): n", -1);
    return this.readSome(n);
  }

  private *readSome(n: number): Coro<Uint8Array> {
    if (n === 0) return new Uint8Array(0);
    if (n < 0) {
      while (!this.eof && this.error === null) yield* this.waitForData();
      if (this.error !== null) throw this.error;
      return this.take(this.buffered);
    }
    while (this.buffered === 0 && !this.eof && this.error === null) yield* this.waitForData();
    if (this.buffered === 0) {
      if (this.error !== null) throw this.error;
      return new Uint8Array(0);
    }
    // At most what the oldest chunk holds: a view of it, never a copy (MicroPython's read(n) is one socket read too).
    const inFirst = this.chunks[this.head]!.length - this.offset;
    return this.take(n < inFirst ? n : inFirst);
  }

  /**
   * Reads up to `buf.length` bytes into `buf` and gives how many (0 at the end
   * of the stream): MicroPython's allocation-free read.
   *
   * @example
   * ```ts
   * const buf = new Uint8Array(1024);
   * const n = yield* reader.readInto(buf);
   * handle(buf.subarray(0, n));
   * ```
   */
  readInto(buf: Uint8Array): Awaitable<number> {
    if (!(buf instanceof Uint8Array)) throw new TypeError(`Stream.readInto(buf): buf must be a Uint8Array to read into, got ${describeValue(buf)}`);
    return this.readIntoSome(buf);
  }

  private *readIntoSome(buf: Uint8Array): Coro<number> {
    if (buf.length === 0) return 0;
    while (this.buffered === 0 && !this.eof && this.error === null) yield* this.waitForData();
    if (this.buffered === 0) {
      if (this.error !== null) throw this.error;
      return 0;
    }
    const n = buf.length < this.buffered ? buf.length : this.buffered;
    this.copyOut(buf, n);
    return n;
  }

  /**
   * Reads exactly `n` bytes. If the stream ends first, throws
   * `IncompleteReadError` with the bytes that did come (`.partial`).
   *
   * @example
   * ```ts
   * const header = yield* reader.readExactly(4);
   * const body = yield* reader.readExactly(new DataView(header.buffer, header.byteOffset).getUint32(0));
   * ```
   */
  readExactly(n: number): Awaitable<Uint8Array> {
    checkSize(n, "Stream.readExactly(n): n", 0);
    return this.readAll(n);
  }

  private *readAll(n: number): Coro<Uint8Array> {
    while (this.buffered < n && !this.eof && this.error === null) yield* this.waitForData();
    if (this.buffered >= n) return this.take(n);
    if (this.error !== null) throw this.error;
    throw new IncompleteReadError(this.take(this.buffered), n);
  }

  /**
   * Reads one line, the `\n` included. At the end of the stream it gives what
   * is left (no `\n`), then an empty array.
   *
   * @example
   * ```ts
   * const line = new TextDecoder().decode(yield* reader.readLine()).trimEnd();
   * ```
   */
  readLine(): Awaitable<Uint8Array> {
    return this.readLineSome();
  }

  private *readLineSome(): Coro<Uint8Array> {
    let searched = 0; // bytes already known to hold no newline
    for (;;) {
      const at = this.indexOfNewline(searched);
      if (at >= 0) return this.take(at + 1);
      searched = this.buffered;
      if (this.eof || this.error !== null) break;
      yield* this.waitForData();
    }
    if (this.buffered === 0 && this.error !== null) throw this.error;
    return this.take(this.buffered);
  }

  /** Parks the running task until more bytes, the end, or an error come. */
  private waitForData(): Awaitable<void> {
    const other = this.readable.head;
    if (other !== null) {
      throw new RuntimeError(
        `Stream.read…(): task ${other.id} (${other.name}) is already waiting to read from ${this}; only one task may read a stream at a time`,
      );
    }
    if (this.paused) this.flow();
    return this.readable.wait();
  }

  private flow(): void {
    this.paused = false;
    this.socket.resume();
  }

  /** The position of the first "\n" in the unread bytes at or after `from`, or -1. */
  private indexOfNewline(from: number): number {
    let base = 0;
    let offset = this.offset;
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const size = chunk.length - offset;
      if (from < base + size) {
        const start = offset + (from > base ? from - base : 0);
        const at = chunk.indexOf(NEWLINE, start);
        if (at >= 0) return base + at - offset;
      }
      base += size;
      offset = 0;
    }
    return -1;
  }

  /** Takes `n` unread bytes: a view of the chunk when they lie in one, else a copy. */
  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = new Uint8Array(first.buffer, first.byteOffset + this.offset, n);
      this.consume(n);
      return out;
    }
    const out = new Uint8Array(n);
    this.copyOut(out, n);
    return out;
  }

  /** Copies the next `n` unread bytes into `out` and consumes them. */
  private copyOut(out: Uint8Array, n: number): void {
    let done = 0;
    while (done < n) {
      const chunk = this.chunks[this.head]!;
      const size = Math.min(chunk.length - this.offset, n - done);
      out.set(chunk.subarray(this.offset, this.offset + size), done);
      done += size;
      this.consume(size);
    }
  }

  /** Forgets `n` bytes of the first chunk (at most all of it). */
  private consume(n: number): void {
    this.buffered -= n;
    this.offset += n;
    if (this.offset === this.chunks[this.head]!.length) {
      this.chunks[this.head] = EMPTY; // let the chunk go now
      this.head++;
      this.offset = 0;
      if (this.head === this.chunks.length) {
        this.chunks.length = 0;
        this.head = 0;
      } else if (this.head >= 1024) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
    }
    if (this.paused && this.buffered <= LOW_WATER) this.flow();
  }

  // ---- writing ----

  /**
   * Queues `data` to be sent (a string is sent as UTF-8) and returns at once.
   * Follow a run of writes with `yield* drain()`, which waits while too much
   * is queued. After `drain()` you may change or reuse any array you wrote;
   * before it, leave a large one (16 KiB or more) alone: it is sent from
   * where it is, not copied (small ones are copied).
   * Throws `RuntimeError` after `close()`; if the connection has broken, the
   * bytes are dropped and `drain()` throws why.
   *
   * @example
   * ```ts
   * writer.write("PING\n");
   * yield* writer.drain();
   * ```
   */
  write(data: Uint8Array | string): void {
    let bytes: Uint8Array | string;
    if (typeof data === "string") bytes = data;
    // A small array is copied (cheap); a large one is lent to the socket, not copied (a copy would cost a
    // third of the throughput). A write of the high-water mark or more makes Node's needDrain true, so the
    // next drain() waits until the socket has let go of it: after drain() every array may be reused.
    else if (data instanceof Uint8Array) bytes = data.length < this.socket.writableHighWaterMark ? data.slice() : data;
    else throw new TypeError(`Stream.write(data): data must be a Uint8Array or a string, got ${describeValue(data)}`);
    if (this.closing) {
      throw new RuntimeError(`Stream.write(): the stream with ${this.peerLabel} is closed (close() was called on it); open a new connection to send more`);
    }
    if (this.error !== null) return;
    if (this.closed) {
      this.error = new Error(`the connection with ${this.peerLabel} is closed: the peer closed it, so nothing more can be sent`);
      return;
    }
    if (bytes.length !== 0) this.socket.write(bytes);
  }

  /**
   * Waits while the socket's send buffer is above its high-water mark
   * (back-pressure); throws if the connection has broken.
   *
   * @example
   * ```ts
   * for (const block of blocks) { writer.write(block); yield* writer.drain(); }
   * ```
   */
  drain(): Awaitable<void> {
    if (this.error === null && (this.closing || !this.socket.writableNeedDrain)) return DRAINED;
    return this.drainSlowly();
  }

  private *drainSlowly(): Coro<void> {
    for (;;) {
      if (this.error !== null) throw this.error;
      if (this.closing || this.closed || !this.socket.writableNeedDrain) return;
      yield* this.writable.wait();
    }
  }

  // ---- closing ----

  /**
   * Closes the connection: what was written is still sent, then the socket
   * closes. Bytes arriving after this are dropped. Safe to call twice.
   *
   * @example
   * ```ts
   * writer.close();
   * yield* writer.waitClosed();
   * ```
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.readable.wakeAll();
    this.writable.wakeAll();
    if (this.error !== null || this.closed) this.socket.destroy();
    else this.socket.destroySoon(); // flush, FIN, then close
  }

  /** Waits until the socket has closed (after `close()`, or when the connection ends). */
  waitClosed(): Awaitable<void> {
    return this.waitClosedCoro();
  }

  private *waitClosedCoro(): Coro<void> {
    while (!this.closed) yield* this.closedWait.wait();
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The addresses of the connection, as `[host, port]`: `"peername"` is the
   * other end's, `"sockname"` this end's (as CPython's `get_extra_info`).
   *
   * @example
   * ```ts
   * const [host, port] = writer.getExtraInfo("peername");
   * ```
   */
  getExtraInfo(name: ExtraInfoName): [host: string, port: number] {
    if (name === "peername") return [...this.peer];
    if (name === "sockname") return [...this.local];
    throw new TypeError(`Stream.getExtraInfo(name): name must be "peername" or "sockname", got ${describeValue(name)}`);
  }

  toString(): string {
    return `Stream(${this.peerLabel})`;
  }
}

const EMPTY = new Uint8Array(0);

refuseAwaitOf(Stream.prototype["readSome"], "reader.read()");
refuseAwaitOf(Stream.prototype["readIntoSome"], "reader.readInto(buf)");
refuseAwaitOf(Stream.prototype["readAll"], "reader.readExactly(n)");
refuseAwaitOf(Stream.prototype["readLineSome"], "reader.readLine()");
refuseAwaitOf(Stream.prototype["drainSlowly"], "writer.drain()");
refuseAwaitOf(Stream.prototype["waitClosedCoro"], "writer.waitClosed()");
