// WebSocket (client side, and the socket a serveWebSocket handler gets):
// messages, order, cancellation, close codes, back-pressure, keep-alive, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import http from "node:http";
import { createHash } from "node:crypto";
import { run, createTask, sleep, getEventLoop, waitFor, Event, CancelledError, TimeoutError, type Coro } from "taskloop";
import { openWebSocket, serveWebSocket, ConnectionClosed, type WebSocket, type Message } from "taskloop/net";
import { closedPort, makeCertificate, real } from "./_net.ts";

function* echo(ws: WebSocket): Coro<void> {
  while (true) yield* ws.send(yield* ws.receive());
}

test("text messages come back as strings and binary ones as Uint8Array, in the order sent", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      yield* ws.send("héllo");
      yield* ws.send(new Uint8Array([0, 1, 255]));
      yield* ws.send("");
      const out: Message[] = [];
      for (let i = 0; i < 3; i++) out.push(yield* ws.receive());
      ws.close();
      yield* ws.waitClosed();
      server.close();
      return out;
    })(),
    real,
  );
  assert.deepEqual(got, ["héllo", new Uint8Array([0, 1, 255]), ""]);
});

test("close code and reason reach the other side, and receive() then throws ConnectionClosed with them, once the messages before the close are received", async () => {
  const got = await run(
    (function* () {
      const seen: string[] = [];
      const server = yield* serveWebSocket(
        function* (ws: WebSocket) {
          yield* ws.send("first");
          yield* ws.send("second");
          ws.close(4001, "done here");
          yield* ws.waitClosed();
        },
        "127.0.0.1",
        0,
      );
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      yield* ws.waitClosed(); // closed already, the two messages still queued
      try {
        while (true) seen.push(String(yield* ws.receive()));
      } catch (e) {
        assert.ok(e instanceof ConnectionClosed);
        seen.push(`${e.name} ${e.code} ${e.reason}`);
        seen.push(e.message);
      }
      let sendError = "";
      try {
        yield* ws.send("too late");
      } catch (e) {
        sendError = e instanceof ConnectionClosed ? `ConnectionClosed ${e.code}` : String(e);
      }
      server.close();
      return { seen, sendError };
    })(),
    real,
  );
  assert.deepEqual(got.seen, ["first", "second", "ConnectionClosed 4001 done here", 'the WebSocket is closed (code 4001, reason "done here")']);
  assert.equal(got.sendError, "ConnectionClosed 4001");
});

test("the client's close(code, reason) reaches the server's handler as ConnectionClosed with that code and reason", async () => {
  const got = await run(
    (function* () {
      const closed = new Event();
      let seen = "";
      const server = yield* serveWebSocket(
        function* (ws: WebSocket) {
          try {
            while (true) yield* ws.receive();
          } catch (e) {
            if (e instanceof ConnectionClosed) seen = `${e.code} ${e.reason}`;
            closed.set();
            throw e;
          }
        },
        "127.0.0.1",
        0,
      );
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      ws.close(1000, "bye");
      yield* ws.waitClosed();
      yield* waitFor(closed.wait(), 5);
      server.close();
      return { seen, client: ws.closedWith };
    })(),
    real,
  );
  assert.deepEqual(got, { seen: "1000 bye", client: { code: 1000, reason: "bye" } });
});

test("a task cancelled in receive() loses no message: the messages that arrive meanwhile are all received next, in order", async () => {
  const got = await run(
    (function* () {
      const go = new Event();
      const server = yield* serveWebSocket(
        function* (ws: WebSocket) {
          yield* go.wait();
          for (let i = 0; i < 5; i++) yield* ws.send(`m${i}`);
          yield* ws.receive(); // until the client closes
        },
        "127.0.0.1",
        0,
      );
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      const listener = createTask(ws.receive() as Coro<Message>, { name: "listener" });
      yield* sleep(0.02);
      const waitingOn = getEventLoop()
        .tasks()
        .find((t) => t.name === "listener")?.waitingOn;
      listener.cancel();
      let cancelled = false;
      try {
        yield* listener;
      } catch (e) {
        cancelled = e instanceof CancelledError;
      }
      go.set();
      let timedOut = false;
      const first = yield* ws.receive();
      try {
        yield* waitFor(ws.receive(), 0); // a receive cut short by a timeout loses nothing either
      } catch (e) {
        timedOut = e instanceof TimeoutError;
      }
      const rest: Message[] = [first];
      for (let i = 0; i < 4; i++) rest.push(yield* ws.receive());
      ws.close();
      server.close();
      return { waitingOn, cancelled, timedOut, rest };
    })(),
    real,
  );
  assert.deepEqual(got, { waitingOn: "WebSocket.receive", cancelled: true, timedOut: true, rest: ["m0", "m1", "m2", "m3", "m4"] });
});

test("send() applies back-pressure: while the peer does not receive, the sender ends up waiting in WebSocket.send, and every message arrives in order afterwards", async () => {
  const got = await run(
    (function* () {
      const go = new Event();
      const received: number[] = [];
      const done = new Event();
      const count = 400;
      const server = yield* serveWebSocket(
        function* (ws: WebSocket) {
          yield* go.wait();
          for (let i = 0; i < count; i++) {
            const m = yield* ws.receive();
            received.push((m as Uint8Array)[0]! | ((m as Uint8Array)[1]! << 8));
          }
          done.set();
          yield* ws.receive();
        },
        "127.0.0.1",
        0,
      );
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      const sender = createTask(
        (function* () {
          for (let i = 0; i < count; i++) {
            const block = new Uint8Array(256 * 1024);
            block[0] = i & 255;
            block[1] = i >> 8;
            yield* ws.send(block);
          }
        })(),
        { name: "sender" },
      );
      let waitingOn: string | null = null;
      for (let i = 0; i < 500 && waitingOn !== "WebSocket.send"; i++) {
        yield* sleep(0.01);
        waitingOn =
          getEventLoop()
            .tasks()
            .find((t) => t.name === "sender")?.waitingOn ?? null;
      }
      go.set();
      yield* sender;
      yield* waitFor(done.wait(), 30);
      ws.close();
      server.close();
      return { waitingOn, inOrder: received.every((v, i) => v === i), n: received.length };
    })(),
    real,
  );
  assert.deepEqual(got, { waitingOn: "WebSocket.send", inOrder: true, n: 400 });
});

test("ping keep-alive: with pingIntervalSeconds the connection stays up while the server answers, and is dropped (1006) when the peer stops answering", async () => {
  // A peer that completes the handshake and then never answers anything (no pong).
  const silent = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", (request) => {
      const keyLine = /sec-websocket-key: *(.+)\r\n/i.exec(request.toString())![1]!.trim();
      const accept = createHash("sha1").update(`${keyLine}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const silentPort = (silent.address() as net.AddressInfo).port;
  try {
    const got = await run(
      (function* () {
        const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
        const alive = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`, { pingIntervalSeconds: 0.05 });
        const mute = yield* openWebSocket(`ws://127.0.0.1:${silentPort}/`, { pingIntervalSeconds: 0.05 });
        let muteClosed = "";
        try {
          yield* waitFor(mute.receive(), 5);
        } catch (e) {
          muteClosed = e instanceof ConnectionClosed ? `ConnectionClosed ${e.code}` : String(e);
        }
        // The answering server kept the other connection up all that time.
        yield* alive.send("still there?");
        const reply = yield* alive.receive();
        alive.close();
        server.close();
        return { muteClosed, reply };
      })(),
      real,
    );
    assert.deepEqual(got, { muteClosed: "ConnectionClosed 1006", reply: "still there?" });
  } finally {
    silent.close();
  }
});

test("a refused connection throws an error naming the URL and ECONNREFUSED", async () => {
  const port = await closedPort();
  const error = await run(
    (function* () {
      try {
        yield* openWebSocket(`ws://127.0.0.1:${port}/`);
        return null;
      } catch (e) {
        return e as Error & { code?: string };
      }
    })(),
    real,
  );
  assert.equal(error?.code, "ECONNREFUSED");
  assert.match(error!.message, new RegExp(`openWebSocket\\(ws://127\\.0\\.0\\.1:${port}/\\): cannot connect: .*nothing is listening there`));
});

test("a failed handshake (an HTTP server answering 404) throws an error saying the server did not switch to WebSocket", async () => {
  const web = http.createServer((_req, res) => {
    res.writeHead(404);
    res.end("not here");
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  const port = (web.address() as net.AddressInfo).port;
  try {
    const message = await run(
      (function* () {
        try {
          yield* openWebSocket(`ws://127.0.0.1:${port}/nowhere`);
          return "connected";
        } catch (e) {
          return (e as Error).message;
        }
      })(),
      real,
    );
    assert.match(
      message,
      /openWebSocket\(ws:\/\/127\.0\.0\.1:\d+\/nowhere\): the WebSocket handshake failed: the server answered HTTP 404 instead of 101 Switching Protocols/,
    );
  } finally {
    web.close();
  }
});

test("bad arguments are refused at once: a non-ws: URL, a non-URL, bad options, a bad close code or reason", async () => {
  assert.throws(() => openWebSocket("http://example.com/chat"), {
    name: "TypeError",
    message: /url must start with ws:\/\/ or wss:\/\/, got "http:\/\/example\.com\/chat" \(for a WebSocket on that server, write ws:\/\/example\.com\/chat\)/,
  });
  assert.throws(() => openWebSocket("not a url"), { name: "TypeError", message: /"not a url" is not a URL/ });
  assert.throws(() => openWebSocket(42 as unknown as string), { name: "TypeError", message: /url must be a string/ });
  assert.throws(() => openWebSocket("ws://127.0.0.1:1/", { pingIntervalSeconds: 0 }), {
    name: "RangeError",
    message: /pingIntervalSeconds must be a number of seconds > 0/,
  });
  assert.throws(() => openWebSocket("ws://127.0.0.1:1/", { headers: { n: 1 } as unknown as Record<string, string> }), {
    name: "TypeError",
    message: /headers must be an object of strings/,
  });
  assert.throws(() => openWebSocket("ws://127.0.0.1:1/", { protocol: "x" } as object), { name: "TypeError", message: /unknown option "protocol"/ });
  await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`);
      assert.throws(() => ws.close(1006), { name: "RangeError", message: /code must be 1000 \(normal\)/ });
      assert.throws(() => ws.close(1000, "x".repeat(124)), { name: "RangeError", message: /at most 123 bytes/ });
      assert.throws(() => ws.send(42 as unknown as string), {
        name: "TypeError",
        message: /data must be a string \(text message\) or a Uint8Array \(binary message\)/,
      });
      ws.close();
      yield* ws.waitClosed();
      server.close();
    })(),
    real,
  );
});

test("subprotocols: the client offers them (with extra handshake headers) and learns which one the server chose", async () => {
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0);
      const ws = yield* openWebSocket(`ws://127.0.0.1:${server.port}/`, { protocols: ["chat.v1"], headers: { "x-client": "test" } });
      const protocol = ws.protocol;
      ws.close();
      server.close();
      return protocol;
    })(),
    real,
  );
  assert.equal(got, "chat.v1"); // ws servers pick the first offered protocol by default
});

test("wss: a WebSocket over TLS with a certificate made at test time, trusted by the client through tls.ca", async () => {
  const { key, cert } = makeCertificate();
  const got = await run(
    (function* () {
      const server = yield* serveWebSocket(echo, "127.0.0.1", 0, { tls: { key, cert } });
      const ws = yield* openWebSocket(`wss://localhost:${server.port}/`, { tls: { ca: cert } });
      yield* ws.send("secret");
      const reply = yield* ws.receive();
      let refused = "";
      try {
        yield* openWebSocket(`wss://localhost:${server.port}/`);
      } catch (e) {
        refused = (e as { code?: string }).code ?? "";
      }
      ws.close();
      server.close();
      return { reply, refused };
    })(),
    real,
  );
  assert.deepEqual(got, { reply: "secret", refused: "DEPTH_ZERO_SELF_SIGNED_CERT" });
});
