/**
 * `startServer` and `Server`: asyncio's `start_server`, over `node:net` and
 * `node:tls`. Each accepted connection runs the callback as its own task,
 * so one connection's failure is that task's alone.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { call } from "../core/hostwait.ts";
import { IoWait } from "../core/iowait.ts";
import { runningTask } from "../core/context.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import type { Loop } from "../core/loop.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { Stream } from "./stream.ts";
import { hostError } from "./errors.ts";
import { checkHandler, checkHost, checkOptions, checkPort, checkTls } from "./args.ts";

/**
 * A listening server, from `startServer` or `serveWebSocket`.
 *
 * @example
 * ```ts
 * const server = yield* startServer(echo, "127.0.0.1", 0);
 * console.log(`listening on port ${server.port}`);
 * // …
 * server.close();
 * yield* server.waitClosed();
 * ```
 */
export class Server implements Disposable {
  /** The port it listens on (the one picked when started with port 0). */
  readonly port: number;
  private closed = false;
  private readonly closedWait = new IoWait("Server.waitClosed");

  /** @internal made by `startServer` and `serveWebSocket`; `onClose` closes what sits on the listener (a WebSocket server) */
  constructor(
    private readonly listener: net.Server,
    private readonly onClose: (() => void) | null = null,
  ) {
    const address = listener.address();
    this.port = typeof address === "object" && address !== null ? address.port : 0;
  }

  /**
   * Stops accepting connections and frees the port at once. The connections
   * already accepted go on until their handlers end. Safe to call twice.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
    this.listener.close(); // the listening socket closes now; Node's callback would wait for every connection
    this.closedWait.wakeAll();
  }

  /** Waits until `close()` has been called (from another task, or a host callback). */
  waitClosed(): Awaitable<void> {
    return this.waitClosedCoro();
  }

  private *waitClosedCoro(): Coro<void> {
    while (!this.closed) yield* this.closedWait.wait();
  }

  /** Whether it still accepts connections. */
  isServing(): boolean {
    return !this.closed;
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
refuseAwaitOf(Server.prototype["waitClosedCoro"], "server.waitClosed()");

/**
 * Options of `startServer`.
 *
 * @example
 * ```ts
 * const options: StartServerOptions = { backlog: 511, tls: { key, cert } };
 * ```
 */
export interface StartServerOptions {
  /** How many connections may wait to be accepted (Node's default: 511). */
  backlog?: number;
  /** Serve TLS: Node's `tls.createServer` options; `key` and `cert` at least. */
  tls?: tls.TlsOptions;
}

/**
 * Listens on `host:port` (port 0 picks a free one, see `server.port`) and
 * runs `callback(reader, writer)` as a new task for each connection, named
 * after the callback and the peer ("echo 127.0.0.1:53422"). When that task
 * ends, however it ends, its stream is closed. An error thrown by one
 * connection's task goes to the loop's exception handler, as for any task
 * whose error nobody retrieved; the other connections are untouched.
 *
 * @example
 * ```ts
 * function* echo(reader: Stream, writer: Stream): Coro<void> {
 *   for (let data = yield* reader.read(4096); data.length > 0; data = yield* reader.read(4096)) {
 *     writer.write(data);
 *     yield* writer.drain();
 *   }
 * }
 * const server = yield* startServer(echo, "127.0.0.1", 8000);
 * ```
 */
export function startServer(
  callback: (reader: Stream, writer: Stream) => Coro<void>,
  host: string,
  port: number,
  options?: StartServerOptions,
): Awaitable<Server> {
  checkHandler(callback, "startServer(callback, host, port): callback");
  checkHost(host, "startServer(callback, host, port)");
  checkPort(port, "startServer(callback, host, port)", true);
  checkOptions(options, "startServer(callback, host, port, options)", ["backlog", "tls"]);
  const backlog = options?.backlog;
  if (backlog !== undefined && (typeof backlog !== "number" || !Number.isInteger(backlog) || backlog < 1)) {
    throw new RangeError(`startServer(callback, host, port, options): options.backlog must be an integer >= 1, got ${describeValue(backlog)}`);
  }
  checkTls(options?.tls, "startServer(callback, host, port, options)", false);
  return listen(callback, host, port, options ?? {});
}

function* listen(callback: (reader: Stream, writer: Stream) => Coro<void>, host: string, port: number, options: StartServerOptions): Coro<Server> {
  const loop = runningTask("startServer()").loop;
  const secure = options.tls !== undefined;
  const listener = secure ? tls.createServer({ ...options.tls, allowHalfOpen: true }) : net.createServer({ allowHalfOpen: true });
  const label = callback.name || "connection";
  listener.on(secure ? "secureConnection" : "connection", (socket: net.Socket) => {
    const stream = new Stream(socket);
    startConnectionTask(loop, serveConnection(callback, stream), `${label} ${stream.peerLabel}`, () => stream.close());
  });
  // A client that fails the TLS handshake never becomes a connection; Node has dropped its socket.
  if (secure) listener.on("tlsClientError", () => {});
  return yield* listenOn(listener, loop, host, port, options.backlog, "startServer", null);
}
refuseAwaitOf(listen, "startServer(callback, host, port)");

/** @internal listens, reports listener errors to `loop`, and gives the Server (shared with serveWebSocket). */
export function* listenOn(
  listener: net.Server,
  loop: Loop,
  host: string,
  port: number,
  backlog: number | undefined,
  what: string,
  onClose: (() => void) | null,
): Coro<Server> {
  yield* call(
    (signal) =>
      new Promise<void>((resolve, reject) => {
        const fail = (cause: Error): void => {
          const hint = (cause as { code?: string }).code === "EADDRINUSE" ? "; another server listens there: pick another port, or 0 for a free one" : "";
          reject(hostError(`${what}: cannot listen on ${host}:${port}`, cause, hint));
        };
        listener.once("error", fail);
        listener.listen({ host, port, backlog }, () => {
          listener.off("error", fail);
          resolve();
        });
        signal.addEventListener("abort", () => listener.close(), { once: true });
      }),
  );
  // Errors while serving (out of file descriptors, …) are reported, not thrown into the host.
  listener.on("error", (error) => loop.callExceptionHandler({ message: `${what}: the server on ${host}:${port} failed`, exception: error }));
  return new Server(listener, onClose);
}

/** @internal a connection's task; if the loop is closed, the connection is dropped. */
export function startConnectionTask(loop: Loop, coro: Coro<void>, name: string, drop: () => void): void {
  try {
    loop.createTask(coro, { name });
  } catch (error) {
    drop();
    loop.callExceptionHandler({ message: `cannot start a task for connection ${name}`, exception: error });
  }
}

function* serveConnection(callback: (reader: Stream, writer: Stream) => Coro<void>, stream: Stream): Coro<void> {
  try {
    const coro: unknown = callback(stream, stream);
    if (!isCoroutine(coro)) {
      throw new TypeError(`startServer(callback): callback must return a coroutine (write it as function*), it returned ${describeValue(coro)}`);
    }
    yield* coro as Coro<void>;
  } finally {
    stream.close();
  }
}
