// startServer and Server: one task per connection, failures kept to their
// connection, closing. Ports MicroPython's tests/net_hosted/asyncio_start_server.py
// and multi_net/asyncio_tcp_server_client.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, until, CancelledError, type Coro, type ExceptionContext } from "taskloop";
import { openConnection, startServer, type Stream } from "taskloop/net";
import { collect, nodeClient, real, text } from "./_net.ts";

function* echo(r: Stream, w: Stream): Coro<void> {
  for (let data = yield* r.read(4096); data.length > 0; data = yield* r.read(4096)) {
    w.write(data);
    yield* w.drain();
  }
}

test("each connection runs the callback as its own task, named after the callback and the peer, and loop.tasks() shows it waiting on Stream.read", async () => {
  const seen = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0);
      const [r1, w1] = yield* openConnection("127.0.0.1", server.port);
      const [r2, w2] = yield* openConnection("127.0.0.1", server.port);
      w1.write("one\n");
      w2.write("two\n");
      const replies = [text(yield* r1.readLine()), text(yield* r2.readLine())];
      yield* sleep(0.01);
      const ports = [w1.getExtraInfo("sockname")[1], w2.getExtraInfo("sockname")[1]];
      const tasks = getEventLoop()
        .tasks()
        .filter((t) => t.name.startsWith("echo "));
      w1.close();
      w2.close();
      server.close();
      return {
        replies,
        tasks: tasks.map((t) => `${t.name} ${t.state} ${t.waitingOn}`).sort(),
        expected: ports.map((p) => `echo 127.0.0.1:${p} waiting Stream.read`).sort(),
      };
    })(),
    real,
  );
  assert.deepEqual(seen.replies, ["one\n", "two\n"]);
  assert.deepEqual(seen.tasks, seen.expected);
});

test("an error in one connection's task goes to the loop's exception handler; the other connections are untouched", async () => {
  const reports: ExceptionContext[] = [];
  const result = await run(
    (function* () {
      getEventLoop().setExceptionHandler((_loop, context) => reports.push(context));
      const server = yield* startServer(
        function* handler(r: Stream, w: Stream) {
          for (;;) {
            const line = text(yield* r.readLine());
            if (line === "") return;
            if (line === "boom\n") throw new Error("handler failed on purpose");
            w.write(line.toUpperCase());
            yield* w.drain();
          }
        },
        "127.0.0.1",
        0,
      );
      const [ra, wa] = yield* openConnection("127.0.0.1", server.port);
      const [rb, wb] = yield* openConnection("127.0.0.1", server.port);
      wa.write("hi\n");
      wb.write("boom\n");
      const a1 = text(yield* ra.readLine());
      const b = yield* rb.read(); // the failed connection's stream was closed: EOF
      wa.write("still here\n");
      const a2 = text(yield* ra.readLine());
      wa.close();
      wb.close();
      server.close();
      return { a1, a2, bLength: b.length };
    })(),
    real,
  );
  assert.deepEqual(result, { a1: "HI\n", a2: "STILL HERE\n", bLength: 0 });
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.message, "Task exception wasn't retrieved");
  assert.equal((reports[0]!.exception as Error).message, "handler failed on purpose");
  assert.match(reports[0]!.future!.name, /^handler 127\.0\.0\.1:\d+$/);
});

test("when a connection's callback returns, its stream is closed: the client reads EOF", async () => {
  const got = await run(
    (function* () {
      const server = yield* startServer(
        function* greet(_r: Stream, w: Stream) {
          w.write("hello and goodbye\n");
        },
        "127.0.0.1",
        0,
      );
      const socket = yield* until(nodeClient(server.port));
      const all = yield* until(collect(socket));
      server.close();
      return all.toString();
    })(),
    real,
  );
  assert.equal(got, "hello and goodbye\n");
});

test("server.close() stops accepting at once and frees the port, waitClosed() returns, and a connection already accepted goes on", async () => {
  const got = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0);
      const [r, w] = yield* openConnection("127.0.0.1", server.port);
      w.write("before\n");
      const before = text(yield* r.readLine());
      const waiter = createTask(server.waitClosed() as Coro<void>, { name: "waiter" });
      yield* sleep(0);
      const waitingOn = getEventLoop()
        .tasks()
        .find((t) => t.name === "waiter")?.waitingOn;
      server.close();
      yield* waiter;
      let refused = "";
      try {
        yield* openConnection("127.0.0.1", server.port);
      } catch (e) {
        refused = (e as { code?: string }).code ?? String(e);
      }
      w.write("after\n");
      const after = text(yield* r.readLine());
      // The port is free again: a new server can listen on it.
      const again = yield* startServer(echo, "127.0.0.1", server.port);
      again.close();
      w.close();
      return { before, waitingOn, refused, after, samePort: again.port === server.port };
    })(),
    real,
  );
  assert.deepEqual(got, { before: "before\n", waitingOn: "Server.waitClosed", refused: "ECONNREFUSED", after: "after\n", samePort: true });
});

test("two servers on one port: the second fails with an error naming the address and EADDRINUSE; closing does not throw (asyncio_start_server)", async () => {
  const got = await run(
    (function* () {
      const server1 = yield* startServer(echo, "127.0.0.1", 0);
      let error: (Error & { code?: string }) | null = null;
      try {
        yield* startServer(echo, "127.0.0.1", server1.port);
      } catch (e) {
        error = e as Error & { code?: string };
      }
      server1.close();
      yield* server1.waitClosed();
      server1.close(); // a second close does nothing
      return { code: error?.code, message: error?.message ?? "", port: server1.port };
    })(),
    real,
  );
  assert.equal(got.code, "EADDRINUSE");
  assert.match(got.message, new RegExp(`startServer: cannot listen on 127\\.0\\.0\\.1:${got.port}: .*pick another port`));
});

test("a task cancelled in waitClosed() gets CancelledError, however many times it was rescheduled first (asyncio_start_server)", async () => {
  const outcomes = await run(
    (function* () {
      const out: string[] = [];
      for (let sleeps = 0; sleeps < 5; sleeps++) {
        let server: { close(): void } | null = null;
        const t = createTask(
          (function* () {
            const srv = yield* startServer(echo, "127.0.0.1", 0);
            server = srv;
            yield* srv.waitClosed();
            out.push("unreachable");
          })(),
        );
        for (let i = 0; i < sleeps; i++) yield* sleep(0);
        t.cancel();
        try {
          yield* t;
        } catch (e) {
          if (e instanceof CancelledError) out.push("CancelledError");
        }
        (server as { close(): void } | null)?.close();
      }
      return out;
    })(),
    real,
  );
  assert.deepEqual(outcomes, ["CancelledError", "CancelledError", "CancelledError", "CancelledError", "CancelledError"]);
});

test("when main ends, run() cancels the connection tasks and their streams are closed: the client sees EOF", async () => {
  let client: Promise<Buffer> | null = null;
  let port = 0;
  await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0);
      port = server.port;
      const socket = yield* until(nodeClient(port));
      client = collect(socket);
      yield* sleep(0.02); // the connection's task waits in read
      server.close();
    })(),
    real,
  );
  assert.ok(port > 0);
  assert.equal((await client!).length, 0);
});

test("bad arguments are refused at once: an async function or a non-function callback, a bad port, a bad backlog", () => {
  assert.throws(() => startServer((async () => {}) as unknown as () => Coro<void>, "127.0.0.1", 0), {
    name: "TypeError",
    message: /callback must be a generator function \(function\*\)/,
  });
  assert.throws(() => startServer(null as unknown as () => Coro<void>, "127.0.0.1", 0), {
    name: "TypeError",
    message: /callback must be a generator function/,
  });
  assert.throws(() => startServer(echo, "127.0.0.1", -1), { name: "RangeError", message: /port must be an integer 0-65535 \(0 picks a free port\), got -1/ });
  assert.throws(() => startServer(echo, "127.0.0.1", 65536), { name: "RangeError" });
  assert.throws(() => startServer(echo, "127.0.0.1", 0, { backlog: 0 }), { name: "RangeError", message: /backlog must be an integer >= 1/ });
  assert.throws(() => startServer(echo, "127.0.0.1", 0, { tls: true as unknown as object }), {
    name: "TypeError",
    message: /options\.tls must be an object of node:tls server options/,
  });
});

test("a callback that does not return a coroutine fails its connection's task with a TypeError saying so", async () => {
  const reports: unknown[] = [];
  await run(
    (function* () {
      getEventLoop().setExceptionHandler((_loop, context) => reports.push(context.exception));
      const server = yield* startServer(((_r: Stream, _w: Stream) => 42) as unknown as () => Coro<void>, "127.0.0.1", 0);
      const socket = yield* until(nodeClient(server.port));
      yield* until(collect(socket));
      server.close();
    })(),
    real,
  );
  assert.equal(reports.length, 1);
  assert.match((reports[0] as Error).message, /callback must return a coroutine \(write it as function\*\), it returned 42/);
});

test("using a server in a `using` block closes it at the block's end", async () => {
  const serving = await run(
    (function* () {
      let s: { isServing(): boolean } | null = null;
      {
        using server = yield* startServer(echo, "127.0.0.1", 0);
        s = server;
      }
      return s!.isServing();
    })(),
    real,
  );
  assert.equal(serving, false);
});
