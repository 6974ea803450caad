// An asyncio echo client: send a line, read the reply, three times, then close.
// Run: npx tsx examples/net/echo-client.ts        (starts its own echo server on a free port)
//  or: npx tsx examples/net/echo-client.ts 8765   (talks to examples/net/echo-server.ts)
import { run, sleep, type Coro } from "taskloop";
import { openConnection } from "taskloop/net";
import { isMain, print, type Log } from "../_runner.ts";
import { startEchoServer } from "./echo-server.ts";

export function* main(options: { port?: number; log?: Log } = {}): Coro<void> {
  const log = options.log ?? print;
  // Without a port, bring a server along, so the example runs on its own.
  const activity = { open: 0, last: 0 };
  const server = options.port === undefined ? yield* startEchoServer(0, log, activity) : null;
  const port = options.port ?? server!.port;
  const [reader, writer] = yield* openConnection("127.0.0.1", port);
  for (const message of ["hello", "from taskloop", "goodbye"]) {
    writer.write(`${message}\n`);
    yield* writer.drain();
    const reply = new TextDecoder().decode(yield* reader.readLine());
    log(`client: sent ${JSON.stringify(message)}, got ${JSON.stringify(reply.trimEnd())}`);
  }
  writer.close();
  yield* writer.waitClosed();
  if (server !== null) while (activity.open > 0) yield* sleep(0.01); // let our own server see us leave first
  log("client: closed");
  if (server !== null) {
    server.close();
    yield* server.waitClosed();
  }
}

const port = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
if (isMain(import.meta)) await run(main({ port }));
