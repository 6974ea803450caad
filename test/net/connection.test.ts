// openConnection: connecting, and the errors a person connecting can make or meet.
// Ports MicroPython's tests/net_hosted/asyncio_loopback.py and net_inet/asyncio_open_connection.py (locally).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, CancelledError, getEventLoop } from "taskloop";
import { openConnection, startServer, type Stream } from "taskloop/net";
import { closedPort, nodeServer, real, text } from "./_net.ts";

test("loopback: a client writes 100 bytes, the echo handler reads them exactly and writes them back, both close (asyncio_loopback)", async () => {
  const log: string[] = [];
  await run(
    (function* () {
      function* echoHandler(r: Stream, w: Stream) {
        log.push("handler reading");
        yield* sleep(0.1);
        const data = yield* r.readExactly(100);
        log.push(`handler got ${data.length} bytes`);
        w.write(data);
        yield* w.drain();
        w.close();
        yield* w.waitClosed();
        log.push("handler closed");
      }
      const server = yield* startServer(echoHandler, "127.0.0.1", 0);
      const [r, w] = yield* openConnection("127.0.0.1", server.port);
      const dataIn = new Uint8Array(100).fill(65);
      w.write(dataIn);
      yield* w.drain();
      yield* sleep(0.1);
      const data = yield* r.readExactly(100);
      log.push(`client got ${data.length} bytes`);
      assert.deepEqual(data, dataIn);
      w.close();
      yield* w.waitClosed();
      log.push("client closed");
      server.close();
      yield* server.waitClosed();
    })(),
    real,
  );
  assert.deepEqual(log.slice(0, 2), ["handler reading", "handler got 100 bytes"]);
  assert.ok(log.includes("client got 100 bytes") && log.includes("client closed"));
});

test("an HTTP-style request and response over openConnection: write, drain, read the status line", async () => {
  const peer = await nodeServer((s) => s.once("data", () => s.end("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")));
  try {
    const status = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        w.write("GET / HTTP/1.0\r\n\r\n");
        yield* w.drain();
        const line = text(yield* r.readLine());
        w.close();
        yield* w.waitClosed();
        return line;
      })(),
      real,
    );
    assert.equal(status, "HTTP/1.0 200 OK\r\n");
  } finally {
    await peer.close();
  }
});

test("a refused connection throws an error naming the host and port, with the code ECONNREFUSED", async () => {
  const port = await closedPort();
  const error = await run(
    (function* () {
      try {
        yield* openConnection("127.0.0.1", port);
        return null;
      } catch (e) {
        return e as Error & { code?: string };
      }
    })(),
    real,
  );
  assert.ok(error);
  assert.equal(error.code, "ECONNREFUSED");
  assert.match(
    error.message,
    new RegExp(`openConnection\\("127\\.0\\.0\\.1", ${port}\\): cannot connect to 127\\.0\\.0\\.1:${port}: .*nothing is listening there`),
  );
});

test("an unknown host throws an error that names the host", { timeout: 30_000 }, async () => {
  const error = await run(
    (function* () {
      try {
        yield* openConnection("no-such-host.invalid", 80);
        return null;
      } catch (e) {
        return e as Error;
      }
    })(),
    real,
  );
  assert.ok(error);
  assert.match(error.message, /cannot connect to no-such-host\.invalid:80/);
});

test("bad arguments are refused at once: a port out of range is a RangeError, a non-number port or host a TypeError, an unknown option a TypeError", () => {
  assert.throws(() => openConnection("127.0.0.1", 0), { name: "RangeError", message: /port must be an integer 1-65535, got 0/ });
  assert.throws(() => openConnection("127.0.0.1", 70000), { name: "RangeError", message: /port must be an integer 1-65535/ });
  assert.throws(() => openConnection("127.0.0.1", 80.5), { name: "RangeError" });
  assert.throws(() => openConnection("127.0.0.1", "80" as unknown as number), { name: "TypeError", message: /port must be an integer/ });
  assert.throws(() => openConnection(127 as unknown as string, 80), { name: "TypeError", message: /host must be a string/ });
  assert.throws(() => openConnection("", 80), { name: "TypeError", message: /host must not be empty/ });
  assert.throws(() => openConnection("127.0.0.1", 80, { tsl: true } as object), { name: "TypeError", message: /unknown option "tsl"/ });
  assert.throws(() => openConnection("127.0.0.1", 80, { tls: "yes" as unknown as boolean }), {
    name: "TypeError",
    message: /options\.tls must be true or an object/,
  });
});

test("a task cancelled while connecting ends with CancelledError and leaves no connection behind", async () => {
  let connections = 0;
  const peer = await nodeServer(() => connections++);
  try {
    const outcome = await run(
      (function* () {
        const t = createTask(
          (function* () {
            return yield* openConnection("127.0.0.1", peer.port);
          })(),
          { name: "connect" },
        );
        yield* sleep(0);
        assert.equal(
          getEventLoop()
            .tasks()
            .find((i) => i.name === "connect")?.waitingOn,
          "promise",
        );
        t.cancel();
        try {
          yield* t;
          return "connected";
        } catch (e) {
          return e instanceof CancelledError ? "cancelled" : String(e);
        }
      })(),
      real,
    );
    assert.equal(outcome, "cancelled");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.sockets.size, 0); // accepted (maybe), then closed
  } finally {
    await peer.close();
  }
});

test("awaiting a stream method with await instead of yield* is a TypeError that says what to write", async () => {
  const peer = await nodeServer(() => {});
  try {
    await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const misuse = async (): Promise<unknown> => await (r.read(1) as unknown as Promise<unknown>);
        yield* sleep(0);
        w.close();
        return misuse;
      })(),
      real,
    ).then(async (misuse) => {
      await assert.rejects(misuse(), { name: "TypeError", message: /reader\.read\(\) is awaited with `yield\* reader\.read\(\)`/ });
    });
  } finally {
    await peer.close();
  }
});
