// The MicroPythonOS guide's websocket_listener: one task receives messages in a
// `while True` loop and hands them to the app, until the socket closes.
// Here a local server (started by the example itself) plays the remote service:
// it pushes three price updates, then closes the connection.
// Run: npx tsx examples/mpos/websocket-listener.ts
import { run, createTask, sleep, type Coro } from "taskloop";
import { serveWebSocket, openWebSocket, ConnectionClosed, type WebSocket } from "taskloop/net";
import { isMain, print, type Log } from "../_runner.ts";

/** The remote service: a few updates, 0.2 s apart, then a normal close. */
function* priceFeed(ws: WebSocket): Coro<void> {
  for (const price of [64250.5, 64310.25, 64190]) {
    yield* ws.send(JSON.stringify({ symbol: "BTC", price }));
    yield* sleep(0.2);
  }
  ws.close(1000, "feed finished");
  yield* ws.waitClosed();
}

/** The app's listener task: `while (true) { const m = yield* ws.receive(); … }`. */
function* websocketListener(ws: WebSocket, onUpdate: (price: number) => void, log: Log): Coro<void> {
  try {
    while (true) {
      const message = yield* ws.receive();
      const update = JSON.parse(String(message)) as { symbol: string; price: number };
      onUpdate(update.price);
    }
  } catch (e) {
    if (!(e instanceof ConnectionClosed)) throw e;
    log(`listener: connection closed (${e.code} ${e.reason})`);
  }
}

export function* main(log: Log = print): Coro<void> {
  const server = yield* serveWebSocket(priceFeed, "127.0.0.1", 0);
  const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
  log("app: connected, listening for updates");
  const listener = createTask(
    websocketListener(ws, (price) => log(`app: BTC is now ${price}`), log),
    { name: "websocket_listener" },
  );
  yield* listener; // the app would go on with its UI meanwhile
  server.close();
  log("app: done");
}

if (isMain(import.meta)) await run(main());
