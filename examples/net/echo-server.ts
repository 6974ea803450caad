// MicroPython's asyncio echo server: every connection is its own task, echoing lines back.
// Run: npx tsx examples/net/echo-server.ts
// It listens on 127.0.0.1:8765 and stops by itself after 5 s without a connection; meanwhile,
// in another terminal: npx tsx examples/net/echo-client.ts 8765
import { run, sleep, getEventLoop, type Coro } from "taskloop";
import { startServer, type Server, type Stream } from "taskloop/net";
import { isMain, print, type Log } from "../_runner.ts";

/** Starts the echo server; each client's lines come back to it, upper-cased. */
export function* startEchoServer(port: number, log: Log, activity: { open: number; last: number } = { open: 0, last: 0 }): Coro<Server> {
  function* echo(reader: Stream, writer: Stream): Coro<void> {
    activity.open++;
    log("server: a client connected");
    try {
      for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
        writer.write(new TextDecoder().decode(line).toUpperCase());
        yield* writer.drain();
      }
      log("server: the client left");
    } finally {
      activity.open--;
      activity.last = getEventLoop().time();
    }
  }
  return yield* startServer(echo, "127.0.0.1", port);
}

/** Serves until nobody has been connected for `idleSeconds`. */
export function* main(options: { port?: number; idleSeconds?: number; log?: Log } = {}): Coro<void> {
  const { port = 8765, idleSeconds = 5, log = print } = options;
  const activity = { open: 0, last: getEventLoop().time() };
  const server = yield* startEchoServer(port, log, activity);
  log(`server: listening on 127.0.0.1:${server.port}`);
  while (activity.open > 0 || getEventLoop().time() - activity.last < idleSeconds * 1000) yield* sleep(0.1);
  server.close();
  yield* server.waitClosed();
  log(`server: no client for ${idleSeconds} s, closed`);
}

if (isMain(import.meta)) await run(main());
