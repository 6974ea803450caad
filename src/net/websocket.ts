/**
 * `WebSocket` and `openWebSocket`: a WebSocket as a task sees it, on the
 * `ws` package. Messages are queued in arrival order as `ws` delivers them,
 * and `receive()` takes from the queue, parking on `WebSocket.receive` only
 * when it is empty: a cancelled receive loses nothing. While nobody
 * receives, the socket is paused once the queue is long, so a slow task
 * holds back its peer. `send()` waits only while the socket's send buffer is
 * above its high-water mark (back-pressure).
 */
import type { Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { WebSocket as WsSocket, type RawData } from "ws";
import { IoWait } from "../core/iowait.ts";
import { call } from "../core/hostwait.ts";
import { RuntimeError } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import { completed } from "../core/parking.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { ConnectionClosed, errorHint, hostError } from "./errors.ts";
import { checkOptions, checkTls } from "./args.ts";

/** Queued messages (or their bytes) above which the socket is paused while no task receives. */
const QUEUE_HIGH_MESSAGES = 1024;
const QUEUE_HIGH_BYTES = 1 << 20;

const SENT: Awaitable<void> = completed("ws.send(data)");

/**
 * @internal the part of a `ws` WebSocket that the wrapper uses, so that the
 * published types do not need `@types/ws`.
 *
 * @example
 * ```ts
 * const raw: RawSocket = new (await import("ws")).WebSocket("ws://127.0.0.1:8080/");
 * ```
 */
export interface RawSocket {
  readonly protocol: string;
  on(event: string, listener: (...args: never[]) => void): unknown;
  send(data: string | Uint8Array): void;
  ping(): void;
  pause(): void;
  resume(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/**
 * How a WebSocket closed, as `ws.closedWith` tells it.
 *
 * @example
 * ```ts
 * const info: CloseInfo | null = ws.closedWith; // { code: 1000, reason: "bye" }
 * ```
 */
export interface CloseInfo {
  /** The close code (1006 when the connection dropped without a close frame). */
  code: number;
  /** The close frame's reason ("" if none). */
  reason: string;
}

/**
 * What `receive()` gives: a text message as a string, a binary one as bytes.
 *
 * @example
 * ```ts
 * const m: Message = yield* ws.receive();
 * if (typeof m === "string") console.log("text", m); else console.log(`${m.length} bytes`);
 * ```
 */
export type Message = string | Uint8Array;

/**
 * One WebSocket connection, from `openWebSocket` or given to a
 * `serveWebSocket` handler. The listener pattern of the MicroPythonOS guide:
 *
 * @example
 * ```ts
 * const ws = yield* openWebSocket("ws://127.0.0.1:8080/");
 * yield* ws.send("hello");
 * try {
 *   while (true) {
 *     const message = yield* ws.receive(); // string (text) or Uint8Array (binary)
 *     console.log("got", message);
 *   }
 * } catch (e) {
 *   if (!(e instanceof ConnectionClosed)) throw e;
 *   console.log(`closed: ${e.code} ${e.reason}`);
 * }
 * ```
 */
export class WebSocket implements Disposable {
  private queue: Message[] = [];
  private head = 0;
  private queuedBytes = 0;
  private paused = false;
  /** Set by the 'close' event: from then on, `receive()` throws once the queue is empty. */
  private closeCode: number | null = null;
  private closeReason = "";
  private closeCause: Error | null = null;
  private closing = false;
  private readonly receiving = new IoWait("WebSocket.receive");
  private readonly sending = new IoWait("WebSocket.send");
  private readonly closedWait = new IoWait("WebSocket.waitClosed");
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private awaitingPong = false;
  /** Pings in a row still unanswered at the next tick. */
  private missed = 0;

  /** @internal made by `openWebSocket` and `serveWebSocket` */
  constructor(
    private readonly ws: RawSocket,
    private readonly socket: Socket,
    /** Who is at the other end: the URL (client) or the peer's address (server). */
    readonly peer: string,
    pingIntervalSeconds: number | undefined,
  ) {
    ws.on("message", this.onMessage);
    ws.on("close", this.onClose);
    ws.on("error", this.onError);
    socket.on("drain", this.onDrain);
    if (pingIntervalSeconds !== undefined) {
      ws.on("pong", () => (this.awaitingPong = false));
      this.pingTimer = setInterval(this.keepAlive, pingIntervalSeconds * 1000);
      this.pingTimer.unref(); // the connection keeps the process alive, not its pings
    }
  }

  /** The subprotocol the server chose ("" if none). */
  get protocol(): string {
    return this.ws.protocol;
  }

  // ---- ws events ----

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    this.awaitingPong = false; // the peer is alive
    const message = isBinary ? toBytes(data) : data.toString();
    this.queue.push(message);
    this.queuedBytes += message.length;
    if (this.receiving.length !== 0) this.receiving.wakeAll();
    else if (!this.paused && (this.queue.length - this.head >= QUEUE_HIGH_MESSAGES || this.queuedBytes >= QUEUE_HIGH_BYTES)) {
      this.paused = true;
      this.ws.pause();
    }
  };

  private readonly onClose = (code: number, reason: Buffer): void => {
    this.closeCode = code;
    this.closeReason = reason.toString();
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.receiving.wakeAll();
    this.sending.wakeAll();
    this.closedWait.wakeAll();
  };

  private readonly onError = (error: Error): void => {
    this.closeCause ??= error; // 'close' follows (code 1006 when the connection just dropped)
  };

  private readonly onDrain = (): void => {
    this.sending.wakeAll();
  };

  /**
   * Pings the peer. When two pings in a row got no answer (no pong, no
   * message), the peer is gone: drop the connection (code 1006). The verdict
   * waits for the host's next I/O poll: after this process itself was held
   * up, timers run before the sockets' pending bytes are read, and a pong
   * sitting in the kernel must not be taken for silence.
   */
  private readonly keepAlive = (): void => {
    if (!this.awaitingPong) this.missed = 0;
    else if (++this.missed >= 2) {
      setImmediate(this.judge);
      return;
    }
    this.awaitingPong = true;
    this.ws.ping();
  };

  private readonly judge = (): void => {
    if (this.awaitingPong && this.closeCode === null) this.ws.terminate();
  };

  // ---- receiving ----

  /**
   * The next message, in arrival order: a string for a text message, a
   * `Uint8Array` for a binary one. Once the socket is closed and every
   * message before the close has been received, throws `ConnectionClosed`
   * with the close code and reason.
   *
   * @example
   * ```ts
   * while (true) {
   *   const message = yield* ws.receive();
   *   if (typeof message === "string") console.log(JSON.parse(message));
   * }
   * ```
   */
  receive(): Awaitable<Message> {
    return this.receiveCoro();
  }

  private *receiveCoro(): Coro<Message> {
    while (this.head === this.queue.length) {
      if (this.closeCode !== null) throw this.closedError();
      const other = this.receiving.head;
      if (other !== null) {
        throw new RuntimeError(
          `WebSocket.receive(): task ${other.id} (${other.name}) is already receiving from ${this.peer}; only one task may receive at a time`,
        );
      }
      if (this.paused) this.flow();
      yield* this.receiving.wait();
    }
    const message = this.queue[this.head]!;
    this.queue[this.head++] = "";
    this.queuedBytes -= message.length;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.queue.length - this.head < QUEUE_HIGH_MESSAGES / 4 && this.queuedBytes < QUEUE_HIGH_BYTES / 4) this.flow();
    return message;
  }

  private flow(): void {
    this.paused = false;
    this.ws.resume();
  }

  private closedError(): ConnectionClosed {
    const error = new ConnectionClosed(this.closeCode ?? 1006, this.closeReason);
    if (this.closeCause !== null) error.cause = this.closeCause;
    return error;
  }

  // ---- sending ----

  /**
   * Sends a message: a string as text, a `Uint8Array` as binary. It waits
   * only while the socket's send buffer is above its high-water mark, so a
   * fast sender goes at its peer's pace. Throws `ConnectionClosed` once the
   * socket is closing or closed.
   *
   * @example
   * ```ts
   * yield* ws.send(JSON.stringify({ temperature: 21.5 }));
   * yield* ws.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: Message): Awaitable<void> {
    if (typeof data !== "string" && !(data instanceof Uint8Array)) {
      throw new TypeError(`WebSocket.send(data): data must be a string (text message) or a Uint8Array (binary message), got ${describeValue(data)}`);
    }
    if (this.closing || this.closeCode !== null) {
      throw this.closeCode !== null
        ? this.closedError()
        : new ConnectionClosed(1000, "", `WebSocket.send(): the WebSocket to ${this.peer} is closing (close() was called on it)`);
    }
    this.ws.send(data);
    return this.socket.writableNeedDrain ? this.sendSlowly() : SENT;
  }

  private *sendSlowly(): Coro<void> {
    while (this.socket.writableNeedDrain && this.closeCode === null) yield* this.sending.wait();
  }

  // ---- closing ----

  /**
   * Starts the closing handshake with `code` (default 1000, normal closure;
   * 3000-4999 are yours) and a `reason` of at most 123 bytes. Messages that
   * arrived before it can still be received. Safe to call twice.
   *
   * @example
   * ```ts
   * ws.close(1000, "bye");
   * yield* ws.waitClosed();
   * ```
   */
  close(code = 1000, reason = ""): void {
    if (typeof code !== "number" || !validCloseCode(code)) {
      throw new RangeError(
        `WebSocket.close(code, reason): code must be 1000 (normal), 1001-1003 or 1007-1014 (the protocol's), or 3000-4999 (yours), got ${describeValue(code)}`,
      );
    }
    if (typeof reason !== "string") throw new TypeError(`WebSocket.close(code, reason): reason must be a string, got ${describeValue(reason)}`);
    if (Buffer.byteLength(reason) > 123)
      throw new RangeError(`WebSocket.close(code, reason): reason must be at most 123 bytes of UTF-8, got ${Buffer.byteLength(reason)}`);
    if (this.closing || this.closeCode !== null) return;
    this.closing = true;
    this.ws.close(code, reason);
  }

  /** Waits until the socket is closed (the closing handshake is over, or the connection dropped). */
  waitClosed(): Awaitable<void> {
    return this.waitClosedCoro();
  }

  private *waitClosedCoro(): Coro<void> {
    while (this.closeCode === null) yield* this.closedWait.wait();
  }

  /** The close code and reason once closed, else null. */
  get closedWith(): CloseInfo | null {
    return this.closeCode === null ? null : { code: this.closeCode, reason: this.closeReason };
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal drops the connection at once, without a closing handshake. */
  terminate(): void {
    this.closing = true;
    this.ws.terminate();
  }

  toString(): string {
    return `WebSocket(${this.peer})`;
  }
}
refuseAwaitOf(WebSocket.prototype["receiveCoro"], "ws.receive()");
refuseAwaitOf(WebSocket.prototype["sendSlowly"], "ws.send(data)");
refuseAwaitOf(WebSocket.prototype["waitClosedCoro"], "ws.waitClosed()");

function validCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
}

/** A binary message as one Uint8Array (`ws` gives a Buffer by default). */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) data = Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * Options of `openWebSocket`.
 *
 * @example
 * ```ts
 * const options: OpenWebSocketOptions = { headers: { authorization: "Bearer …" }, pingIntervalSeconds: 20 };
 * ```
 */
export interface OpenWebSocketOptions {
  /** Extra HTTP headers for the handshake request. */
  headers?: Record<string, string>;
  /** Subprotocols to offer; `ws.protocol` tells which one the server chose. */
  protocols?: string | string[];
  /** Ping the server this often; two pings in a row unanswered drop the connection (code 1006). */
  pingIntervalSeconds?: number;
  /** For `wss:`: Node's `tls.connect` options (`ca` for a private CA, …). */
  tls?: ConnectionOptions;
}

/**
 * Opens a WebSocket to `url` (`ws://` or `wss://`). A refused connection, an
 * unknown host or a server that does not switch to WebSocket (a failed
 * handshake: HTTP 404, …) throws an error saying which. Cancelling the task
 * while it connects abandons the connection.
 *
 * @example
 * ```ts
 * const ws = yield* openWebSocket("ws://127.0.0.1:8080/chat", { pingIntervalSeconds: 20 });
 * yield* ws.send("hi");
 * console.log(yield* ws.receive());
 * ws.close();
 * ```
 */
export function openWebSocket(url: string | URL, options?: OpenWebSocketOptions): Awaitable<WebSocket> {
  const parsed = checkWebSocketUrl(url);
  checkOptions(options, "openWebSocket(url, options)", ["headers", "protocols", "pingIntervalSeconds", "tls"]);
  const headers = options?.headers;
  if (headers !== undefined && (typeof headers !== "object" || headers === null || Object.values(headers).some((v) => typeof v !== "string"))) {
    throw new TypeError(`openWebSocket(url, options): options.headers must be an object of strings like { authorization: "…" }, got ${describeValue(headers)}`);
  }
  const protocols = options?.protocols;
  if (protocols !== undefined && typeof protocols !== "string" && !(Array.isArray(protocols) && protocols.every((p) => typeof p === "string"))) {
    throw new TypeError(`openWebSocket(url, options): options.protocols must be a string or an array of strings, got ${describeValue(protocols)}`);
  }
  const ping = checkPingInterval(options?.pingIntervalSeconds, "openWebSocket(url, options)");
  checkTls(options?.tls, "openWebSocket(url, options)", false);
  return connectWebSocket(parsed.href, headers, protocols, ping, options?.tls);
}

function* connectWebSocket(
  url: string,
  headers: Record<string, string> | undefined,
  protocols: string | string[] | undefined,
  ping: number | undefined,
  tls: ConnectionOptions | undefined,
): Coro<WebSocket> {
  return yield* call(
    (signal) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WsSocket(url, protocols ?? [], { ...tls, headers, perMessageDeflate: false });
        let socket: Socket | null = null;
        ws.once("upgrade", (response) => (socket = response.socket as Socket));
        const fail = (cause: Error): void => {
          ws.terminate();
          const status = /Unexpected server response: (\d+)/.exec(cause.message)?.[1];
          reject(
            status !== undefined
              ? new Error(
                  `openWebSocket(${url}): the WebSocket handshake failed: the server answered HTTP ${status} instead of 101 Switching Protocols (is the path right, and is it a WebSocket server?)`,
                  { cause },
                )
              : hostError(`openWebSocket(${url}): cannot connect`, cause, errorHint(cause)),
          );
        };
        ws.once("error", fail);
        ws.once("open", () => {
          const opened = new WebSocket(ws, socket!, url, ping); // it listens for errors from now on
          ws.off("error", fail);
          resolve(opened);
        });
        signal.addEventListener("abort", () => ws.terminate(), { once: true });
      }),
  );
}
refuseAwaitOf(connectWebSocket, "openWebSocket(url)");

/** @internal a ws:/wss: URL, or a TypeError saying what is wrong with it. */
function checkWebSocketUrl(url: unknown): URL {
  if (typeof url !== "string" && !(url instanceof URL)) {
    throw new TypeError(`openWebSocket(url): url must be a string like "ws://127.0.0.1:8080/", got ${describeValue(url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`openWebSocket(url): ${JSON.stringify(String(url))} is not a URL; expected something like "ws://127.0.0.1:8080/"`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    const hint =
      parsed.protocol === "http:" || parsed.protocol === "https:"
        ? ` (for a WebSocket on that server, write ${parsed.protocol === "https:" ? "wss" : "ws"}://${parsed.host}${parsed.pathname})`
        : "";
    throw new TypeError(`openWebSocket(url): url must start with ws:// or wss://, got ${JSON.stringify(String(url))}${hint}`);
  }
  return parsed;
}

/** @internal pingIntervalSeconds: undefined, or a number of seconds > 0. */
export function checkPingInterval(seconds: unknown, what: string): number | undefined {
  if (seconds === undefined) return undefined;
  if (typeof seconds !== "number") throw new TypeError(`${what}: options.pingIntervalSeconds must be a number of seconds, got ${describeValue(seconds)}`);
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new RangeError(`${what}: options.pingIntervalSeconds must be a number of seconds > 0, got ${describeValue(seconds)}`);
  return seconds;
}
