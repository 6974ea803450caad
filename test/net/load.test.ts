// Load, bounded to a few seconds: many concurrent connections through one
// echo server with every byte checked, then clients resetting mid-transfer
// while the server keeps serving the others; the same for WebSockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import type net from "node:net";
import { run, createTask, gather, getEventLoop, until, sleep, type Coro, type ExceptionContext } from "taskloop";
import { openConnection, startServer, serveWebSocket, openWebSocket, type Stream, type WebSocket } from "taskloop/net";
import { nodeClient, pattern, real } from "./_net.ts";

const MB = 1 << 20;
const CHUNK = 64 * 1024;

function* echo(r: Stream, w: Stream): Coro<void> {
  for (let data = yield* r.read(CHUNK); data.length > 0; data = yield* r.read(CHUNK)) {
    w.write(data);
    yield* w.drain();
  }
}

/**
 * One client: sends `payload` in 64 KiB writes from a writer task while it
 * reads the echo back, and checks every byte against what it sent.
 */
function* echoClient(port: number, payload: Uint8Array): Coro<number> {
  const [r, w] = yield* openConnection("127.0.0.1", port);
  const writer = createTask(
    (function* () {
      for (let at = 0; at < payload.length; at += CHUNK) {
        w.write(payload.subarray(at, at + CHUNK));
        yield* w.drain();
      }
    })(),
  );
  let got = 0;
  const expected = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  while (got < payload.length) {
    const data = yield* r.read(CHUNK);
    if (data.length === 0) throw new Error(`EOF after ${got} of ${payload.length} bytes`);
    if (expected.compare(data, 0, data.length, got, got + data.length) !== 0) throw new Error(`wrong bytes at ${got}..${got + data.length}`);
    got += data.length;
  }
  yield* writer;
  w.close();
  yield* w.waitClosed();
  return got;
}

test("500 concurrent clients each send 1 MB through one echo server and get every byte back, in order", { timeout: 120_000 }, async () => {
  const clients = 500;
  // Each client sends its own 1 MB window of one random buffer: a byte delivered to the wrong client shows.
  const source = pattern(MB + clients, 12345);
  const totals = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0, { backlog: 1024 });
      const results = yield* gather(...Array.from({ length: clients }, (_, c) => echoClient(server.port, source.subarray(c, c + MB))));
      server.close();
      return results;
    })(),
    real,
  );
  assert.equal(totals.length, clients);
  assert.ok(totals.every((n) => n === MB));
});

test("clients that reset mid-transfer fail only their own connections: the server keeps serving the others to the last byte, and reports each reset through the exception handler", {
  timeout: 120_000,
}, async () => {
  const clients = 400;
  const resetters = 100;
  const source = pattern(MB + clients, 777);
  const reports: ExceptionContext[] = [];
  const got = await run(
    (function* () {
      getEventLoop().setExceptionHandler((_loop, context) => reports.push(context));
      const server = yield* startServer(echo, "127.0.0.1", 0, { backlog: 1024 });
      // Plain sockets that send 256 KiB, read a little of the echo, then reset (RST).
      const reset = (): Coro<void> =>
        (function* () {
          const socket: net.Socket = yield* until(nodeClient(server.port));
          socket.write(Buffer.alloc(256 * 1024, 1));
          yield* until(new Promise<void>((resolve) => socket.once("data", () => resolve())));
          yield* sleep(0.01 * Math.random());
          socket.resetAndDestroy();
        })();
      const all = yield* gather(
        ...Array.from({ length: clients }, (_, c) => echoClient(server.port, source.subarray(c, c + MB))),
        ...Array.from({ length: resetters }, reset),
      );
      yield* sleep(0.1); // the server's handlers meet the resets
      const fresh = yield* echoClient(server.port, source.subarray(0, 1000)); // and it still accepts
      server.close();
      return { completed: all.slice(0, clients) as number[], fresh };
    })(),
    real,
  );
  assert.ok(got.completed.every((n) => n === MB));
  assert.equal(got.fresh, 1000);
  // Each reset connection's task failed with the reset (or ended at EOF if the RST came after its last read).
  assert.ok(reports.length > 0 && reports.length <= resetters, `${reports.length} reports`);
  for (const r of reports) {
    const code = (r.exception as { code?: string }).code;
    assert.ok(code === "ECONNRESET" || code === "EPIPE", `${r.message}: ${String(r.exception)}`);
    assert.match(r.future!.name, /^echo 127\.0\.0\.1:\d+$/);
  }
});

test("200 WebSocket clients each send 1,000 messages through one echo server and get them all back, in order", { timeout: 120_000 }, async () => {
  const clients = 200;
  const messages = 1000;
  function* wsEcho(ws: WebSocket): Coro<void> {
    while (true) yield* ws.send(yield* ws.receive());
  }
  function* client(port: number, id: number): Coro<number> {
    const ws = yield* openWebSocket(`ws://127.0.0.1:${port}/`);
    const sender = createTask(
      (function* () {
        for (let i = 0; i < messages; i++) yield* ws.send(i % 2 === 0 ? `${id}:${i}` : new Uint8Array([id & 255, id >> 8, i & 255, i >> 8]));
      })(),
    );
    for (let i = 0; i < messages; i++) {
      const m = yield* ws.receive();
      const ok = i % 2 === 0 ? m === `${id}:${i}` : m instanceof Uint8Array && m[0] === (id & 255) && m[1] === id >> 8 && m[2] === (i & 255) && m[3] === i >> 8;
      if (!ok) throw new Error(`client ${id}: message ${i} is ${String(m)}`);
    }
    yield* sender;
    ws.close();
    yield* ws.waitClosed();
    return messages;
  }
  const totals = await run(
    (function* () {
      const server = yield* serveWebSocket(wsEcho, "127.0.0.1", 0, { backlog: 1024 });
      const results = yield* gather(...Array.from({ length: clients }, (_, id) => client(server.port, id)));
      server.close();
      return results;
    })(),
    real,
  );
  assert.equal(totals.length, clients);
  assert.ok(totals.every((n) => n === messages));
});
