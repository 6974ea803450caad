/**
 * taskloop/net: network I/O on the loop. TCP and TLS streams with
 * MicroPython/CPython asyncio semantics (`openConnection`, `startServer`,
 * `Stream`, `Server`), and WebSockets (`openWebSocket`, `serveWebSocket`,
 * `WebSocket`) on the `ws` package. Node only: the `taskloop` entry stays
 * free of host APIs.
 */
export { Stream, type ExtraInfoName } from "./stream.ts";
export { openConnection, type OpenConnectionOptions } from "./connection.ts";
export { startServer, Server, type StartServerOptions } from "./server.ts";
export { IncompleteReadError, ConnectionClosed, type HostErrorFields } from "./errors.ts";
export { openWebSocket, WebSocket, type CloseInfo, type Message, type OpenWebSocketOptions } from "./websocket.ts";
export { serveWebSocket, type ServeWebSocketOptions } from "./wsserver.ts";
