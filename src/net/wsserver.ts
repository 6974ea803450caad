/**
 * `serveWebSocket`: a WebSocket server whose every connection is a task, on
 * the `ws` package over Node's HTTP(S) server.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import type { TlsOptions } from "node:tls";
import { WebSocketServer } from "ws";
import { runningTask } from "../core/context.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { isCancelled } from "../core/errors.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { WebSocket, checkPingInterval } from "./websocket.ts";
import { ConnectionClosed } from "./errors.ts";
import { listenOn, startConnectionTask, type Server } from "./server.ts";
import { checkHandler, checkHost, checkOptions, checkPort, checkTls } from "./args.ts";

/**
 * Options of `serveWebSocket`.
 *
 * @example
 * ```ts
 * const options: ServeWebSocketOptions = { path: "/chat", pingIntervalSeconds: 20 };
 * ```
 */
export interface ServeWebSocketOptions {
  /** Accept WebSocket connections on this path only (others get HTTP 400); default: any path. */
  path?: string;
  /** Ping each client this often; two pings in a row unanswered drop it (code 1006). */
  pingIntervalSeconds?: number;
  /** Serve `wss:`: Node's `tls.createServer` options, `key` and `cert` at least. */
  tls?: TlsOptions;
  /** How many connections may wait to be accepted. */
  backlog?: number;
}

/**
 * Listens on `host:port` (0 picks a free port, see `server.port`) and runs
 * `handler(ws)` as a new task for each WebSocket connection, named after the
 * handler and the peer. When the handler returns, the socket is closed with
 * 1000 (normal closure); a `ConnectionClosed` from its own closed socket
 * ends it normally too (the `while (true) receive()` listener). If it throws
 * anything else, the socket is closed with 1011 and the error goes to the
 * loop's exception handler; if it is cancelled, with 1001 (going away).
 * Other connections are untouched. A plain HTTP request gets 426.
 *
 * @example
 * ```ts
 * function* echo(ws: WebSocket): Coro<void> {
 *   while (true) yield* ws.send(yield* ws.receive()); // ends with ConnectionClosed
 * }
 * const server = yield* serveWebSocket(echo, "127.0.0.1", 8080);
 * ```
 */
export function serveWebSocket(handler: (ws: WebSocket) => Coro<void>, host: string, port: number, options?: ServeWebSocketOptions): Awaitable<Server> {
  checkHandler(handler, "serveWebSocket(handler, host, port): handler");
  checkHost(host, "serveWebSocket(handler, host, port)");
  checkPort(port, "serveWebSocket(handler, host, port)", true);
  checkOptions(options, "serveWebSocket(handler, host, port, options)", ["path", "pingIntervalSeconds", "tls", "backlog"]);
  const path = options?.path;
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new TypeError(`serveWebSocket(handler, host, port, options): options.path must be a string starting with "/", got ${describeValue(path)}`);
  }
  const ping = checkPingInterval(options?.pingIntervalSeconds, "serveWebSocket(handler, host, port, options)");
  checkTls(options?.tls, "serveWebSocket(handler, host, port, options)", false);
  const backlog = options?.backlog;
  if (backlog !== undefined && (typeof backlog !== "number" || !Number.isInteger(backlog) || backlog < 1)) {
    throw new RangeError(`serveWebSocket(handler, host, port, options): options.backlog must be an integer >= 1, got ${describeValue(backlog)}`);
  }
  return listen(handler, host, port, path, ping, options?.tls, backlog);
}

function* listen(
  handler: (ws: WebSocket) => Coro<void>,
  host: string,
  port: number,
  path: string | undefined,
  ping: number | undefined,
  tls: TlsOptions | undefined,
  backlog: number | undefined,
): Coro<Server> {
  const loop = runningTask("serveWebSocket()").loop;
  const onRequest = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" });
    res.end("This server speaks WebSocket only.\n");
  };
  const httpServer = tls !== undefined ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  const wss = new WebSocketServer({ server: httpServer, path, perMessageDeflate: false });
  wss.on("error", () => {}); // the HTTP server's own errors are reported by listenOn
  const label = handler.name || "websocket";
  wss.on("connection", (raw, request) => {
    const socket = request.socket as Socket;
    const address = socket.remoteAddress ?? "";
    const peer = `${address.includes(":") ? `[${address}]` : address}:${socket.remotePort ?? 0}`;
    const ws = new WebSocket(raw, socket, peer, ping);
    startConnectionTask(loop, serveSocket(handler, ws), `${label} ${peer}`, () => ws.terminate());
  });
  return yield* listenOn(httpServer, loop, host, port, backlog, "serveWebSocket", () => wss.close());
}
refuseAwaitOf(listen, "serveWebSocket(handler, host, port)");

function* serveSocket(handler: (ws: WebSocket) => Coro<void>, ws: WebSocket): Coro<void> {
  try {
    const coro: unknown = handler(ws);
    if (!isCoroutine(coro)) {
      throw new TypeError(`serveWebSocket(handler): handler must return a coroutine (write it as function*), it returned ${describeValue(coro)}`);
    }
    yield* coro as Coro<void>;
    ws.close(1000);
  } catch (error) {
    // The listener pattern ends with its socket's ConnectionClosed: that is the end of the conversation, not a failure.
    if (error instanceof ConnectionClosed && ws.closedWith !== null) return;
    ws.close(isCancelled(error) ? 1001 : 1011, isCancelled(error) ? "going away" : "internal error");
    throw error;
  }
}
