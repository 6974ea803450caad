// serveWebSocket: one task per connection, failures kept to their connection,
// how the handler's end closes the socket, closing the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { WebSocket as RawWebSocket } from "ws";
import { run, sleep, getEventLoop, until, type Coro, type ExceptionContext } from "taskloop";
import { openWebSocket, serveWebSocket, ConnectionClosed, type WebSocket } from "taskloop/net";
import { real } from "./_net.ts";

function* echo(ws: WebSocket): Coro<void> {
  while (true) yield* ws.send(yield* ws.receive());
}

/** How the client saw its socket end: "code reason". */
function* closing(ws: WebSocket): Coro<string> {
  try {
    while (true) yield* ws.receive();
  } catch (e) {
    if (!(e instanceof ConnectionClosed)) throw e;
    return `${e.code} ${e.reason}`.trim();
  }
}

test("each connection runs the handler as its own task, named after the handler and the peer, waiting on WebSocket.receive in loop.tasks()", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const a = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      const b = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      yield* a.send("a");
      yield* b.send("b");
      const replies = [yield* a.receive(), yield* b.receive()];
      yield* sleep(0.01);
      const tasks = getEventLoop()
        .tasks()
        .filter((t) => t.name.startsWith("echo "))
        .map((t) => `${t.state} ${t.waitingOn}`);
      const names = getEventLoop()
        .tasks()
        .filter((t) => t.name.startsWith("echo "))
        .every((t) => /^echo 127\.0\.0\.1:\d+$/.test(t.name));
      a.close();
      b.close();
      server.close();
      return { replies, tasks, names };
    })(),
    real,
  );
  assert.deepEqual(got, { replies: ["a", "b"], tasks: ["waiting WebSocket.receive", "waiting WebSocket.receive"], names: true });
});

test("an error in one handler goes to the loop's exception handler and closes that socket with 1011; the other connections are untouched", async () => {
  const reports: ExceptionContext[] = [];
  const got = await run(
    (function* () {
      getEventLoop().setExceptionHandler((_loop, context) => reports.push(context));
      const server = yield* serveWebSocket(
        function* handler(ws: WebSocket) {
          while (true) {
            const m = yield* ws.receive();
            if (m === "boom") throw new Error("handler failed on purpose");
            yield* ws.send(String(m).toUpperCase());
          }
        },
        "127.0.0.1",
        0,
      );
      const good = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      const bad = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      yield* bad.send("boom");
      const badEnd = yield* closing(bad);
      yield* good.send("still fine");
      const reply = yield* good.receive();
      good.close();
      server.close();
      return { badEnd, reply };
    })(),
    real,
  );
  assert.deepEqual(got, { badEnd: "1011 internal error", reply: "STILL FINE" });
  assert.equal(reports.length, 1);
  assert.equal((reports[0]!.exception as Error).message, "handler failed on purpose");
  assert.match(reports[0]!.future!.name, /^handler 127\.0\.0\.1:\d+$/);
});

test("a handler that returns closes its socket with 1000; a listener ended by its own ConnectionClosed is a normal end, not a reported error", async () => {
  const reports: unknown[] = [];
  const got = await run(
    (function* () {
      getEventLoop().setExceptionHandler((_loop, context) => reports.push(context.exception));
      const returns = yield* serveWebSocket(
        function* (ws: WebSocket) {
          yield* ws.send("only this");
        },
        "127.0.0.1",
        0,
      );
      const listens = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const one = yield* openWebSocket(`ws://127.0.0.1:${returns.port}/`);
      const first = yield* one.receive();
      const oneEnd = yield* closing(one);
      const two = yield* openWebSocket(`ws://127.0.0.1:${listens.port}/`);
      two.close(4000, "client leaves");
      yield* two.waitClosed();
      yield* sleep(0.02);
      returns.close();
      listens.close();
      return { first, oneEnd };
    })(),
    real,
  );
  assert.deepEqual(got, { first: "only this", oneEnd: "1000" });
  assert.deepEqual(reports, []);
});

test("when main ends, run() cancels the handlers' tasks and their sockets close with 1001 (going away)", async () => {
  let end: Promise<string> | null = null;
  await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      // A plain `ws` client outside the loop, so it sees what happens after the run ends.
      const client = new RawWebSocket(`ws://127.0.0.1:${server.port}/`);
      end = new Promise((resolve) => client.once("close", (code, reason) => resolve(`${code} ${reason.toString()}`)));
      yield* until(new Promise((resolve) => client.once("open", resolve)));
      yield* sleep(0.02);
      server.close();
    })(),
    real,
  );
  assert.equal(await end, "1001 going away");
});

test("server.close() stops accepting new WebSocket connections; waitClosed() returns; connections already open go on", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      server.close();
      yield* server.waitClosed();
      let refused = "";
      try {
        yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      } catch (e) {
        refused = (e as { code?: string }).code ?? String(e);
      }
      yield* ws.send("still open");
      const reply = yield* ws.receive();
      ws.close();
      return { refused, reply };
    })(),
    real,
  );
  assert.deepEqual(got, { refused: "ECONNREFUSED", reply: "still open" });
});

test("a plain HTTP request to a WebSocket server gets 426 Upgrade Required; a path option refuses other paths", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0, { path: "/chat" });
      const status = yield* until(
        new Promise<number>((resolve, reject) => {
          http
            .get(`http://127.0.0.1:${server.port}/chat`, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on("error", reject);
        }),
      );
      let wrongPath = "";
      try {
        yield* openWebSocket(`ws://127.0.0.1:${server.port}/other`);
      } catch (e) {
        wrongPath = (e as Error).message;
      }
      const ok = yield* openWebSocket(`ws://127.0.0.1:${server.port}/chat`);
      ok.close();
      server.close();
      return { status, wrongPath };
    })(),
    real,
  );
  assert.equal(got.status, 426);
  assert.match(got.wrongPath, /the server answered HTTP 400/);
});

test("with server pings every 0.05 s, 200 messages each way keep their order and a client that answers the pings stays connected", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0, { pingIntervalSeconds: 0.05 });
      // A plain `ws` client: it answers pings by itself, and counts them.
      const client = new RawWebSocket(`ws://127.0.0.1:${server.port}/`);
      let pings = 0;
      client.on("ping", () => pings++);
      const received: string[] = [];
      client.on("message", (data) => received.push(data.toString()));
      yield* until(new Promise((resolve) => client.once("open", resolve)));
      for (let i = 0; i < 200; i++) {
        client.send(`m${i}`);
        if (i === 100) while (pings < 3) yield* sleep(0.01); // pings go on in the middle of the exchange
      }
      while (received.length < 200) yield* sleep(0.01);
      const open = client.readyState === RawWebSocket.OPEN;
      client.close();
      server.close();
      return { inOrder: received.every((m, i) => m === `m${i}`), open, pings: pings >= 3 };
    })(),
    real,
  );
  assert.deepEqual(got, { inOrder: true, open: true, pings: true });
});

test("bad arguments are refused at once: a non-generator handler, a bad port, a bad path, a bad ping interval", () => {
  assert.throws(() => serveWebSocket((async () => {}) as unknown as () => Coro<void>, "127.0.0.1", 0), {
    name: "TypeError",
    message: /handler must be a generator function/,
  });
  assert.throws(() => serveWebSocket(echo, "127.0.0.1", 99999), { name: "RangeError", message: /port must be an integer 0-65535/ });
  assert.throws(() => serveWebSocket(echo, "127.0.0.1", 0, { path: "chat" }), { name: "TypeError", message: /path must be a string starting with "\/"/ });
  assert.throws(() => serveWebSocket(echo, "127.0.0.1", 0, { pingIntervalSeconds: -1 }), {
    name: "RangeError",
    message: /pingIntervalSeconds must be a number of seconds > 0/,
  });
  assert.throws(() => serveWebSocket(echo, "127.0.0.1", 0, { ping: 1 } as object), { name: "TypeError", message: /unknown option "ping"/ });
});
