// The network examples, run in-process on the real clock (sockets on 127.0.0.1),
// and once as a user runs one: its own process, ending by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { run, createTask, sleep, type Coro } from "taskloop";
import * as echoServer from "../../examples/net/echo-server.ts";
import * as echoClient from "../../examples/net/echo-client.ts";
import * as chat from "../../examples/net/chat.ts";
import * as listener from "../../examples/mpos/websocket-listener.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const real = { clock: "real" } as const;

function lines(): { log: (line: string) => void; lines: string[] } {
  const out: string[] = [];
  return { lines: out, log: (line) => void out.push(line) };
}

test("echo client: with its own server on a free port, three lines go out and come back upper-cased, then both ends close", async () => {
  const { log, lines: out } = lines();
  await run(echoClient.main({ log }), real);
  assert.deepEqual(out, [
    "server: a client connected",
    'client: sent "hello", got "HELLO"',
    'client: sent "from taskloop", got "FROM TASKLOOP"',
    'client: sent "goodbye", got "GOODBYE"',
    "server: the client left",
    "client: closed",
  ]);
});

test("echo server: serves a client that connects to it, then closes by itself once idle", async () => {
  const { log, lines: out } = lines();
  await run(
    (function* (): Coro<void> {
      const server = createTask(echoServer.main({ port: 0, idleSeconds: 0.3, log }));
      // The client finds the port in the server's first line.
      while (out.length === 0) yield* sleep(0.01);
      const port = Number(/:(\d+)$/.exec(out[0]!)![1]);
      yield* echoClient.main({ port, log: (line) => log(line) });
      yield* server;
    })(),
    real,
  );
  assert.match(out[0]!, /^server: listening on 127\.0\.0\.1:\d+$/);
  assert.deepEqual(out.slice(1, 5), [
    "server: a client connected",
    'client: sent "hello", got "HELLO"',
    'client: sent "from taskloop", got "FROM TASKLOOP"',
    'client: sent "goodbye", got "GOODBYE"',
  ]);
  assert.deepEqual(new Set(out.slice(5, 7)), new Set(["server: the client left", "client: closed"]));
  assert.equal(out.at(-1), "server: no client for 0.3 s, closed");
});

test("chat: three clients join, speak in turn and leave; each broadcast reaches every member present", async () => {
  const { log, lines: out } = lines();
  await run(chat.main(log), real);
  assert.deepEqual(out, [
    "chat server started",
    "alice joins",
    '  "* alice joined" heard by alice',
    "bob joins",
    '  "* bob joined" heard by alice, bob',
    "carol joins",
    '  "* carol joined" heard by alice, bob, carol',
    'alice says "hi everyone"',
    '  "alice: hi everyone" heard by alice, bob, carol',
    'bob says "hello alice"',
    '  "bob: hello alice" heard by alice, bob, carol',
    'carol says "hey both"',
    '  "carol: hey both" heard by alice, bob, carol',
    "alice leaves",
    '  "* alice left" heard by bob, carol',
    "bob leaves",
    '  "* bob left" heard by carol',
    "carol leaves",
    "chat server closed",
  ]);
});

test("MicroPythonOS websocket_listener: the listener task receives the feed's three updates, then sees the close with its code and reason", async () => {
  const { log, lines: out } = lines();
  await run(listener.main(log), real);
  assert.deepEqual(out, [
    "app: connected, listening for updates",
    "app: BTC is now 64250.5",
    "app: BTC is now 64310.25",
    "app: BTC is now 64190",
    "listener: connection closed (1000 feed finished)",
    "app: done",
  ]);
});

test("the chat example runs as a user runs it (npx tsx examples/net/chat.ts) and ends by itself", { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/net/chat.ts"], { cwd: root, timeout: 50_000 });
  const printed = stdout.trim().split("\n");
  assert.equal(printed[0], "chat server started");
  assert.equal(printed.at(-1), "chat server closed");
});
