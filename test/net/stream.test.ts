// Stream semantics over real sockets on 127.0.0.1, the other end a plain Node
// socket so each test decides exactly when bytes, EOF or a reset arrive.
// Ports MicroPython's tests/multi_net/asyncio_tcp_{readall,readexactly,readinto,
// close_write,client_rst}.py and net_hosted/asyncio_loopback.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, until, waitFor, Event, RuntimeError, TimeoutError, CancelledError, type Coro } from "taskloop";
import { openConnection, startServer, IncompleteReadError, type Stream } from "taskloop/net";
import { bytes, collect, delay, nodeClient, nodeServer, real, text } from "./_net.ts";

test("read(n) gives what has arrived, up to n bytes, and waits for at least one byte when nothing has", async () => {
  const peer = await nodeServer((s) => {
    s.write("abc");
    setTimeout(() => s.write("d"), 50);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const first = text(yield* r.read(2));
        yield* sleep(0.02); // "c" is buffered by now
        const second = text(yield* r.read(100));
        const third = text(yield* r.read(100)); // waits for the late "d"
        w.close();
        return [first, second, third];
      })(),
      real,
    );
    assert.deepEqual(got, ["ab", "c", "d"]);
  } finally {
    await peer.close();
  }
});

test("read() reads to EOF, across a pause; afterwards read() and read(1) give empty arrays (asyncio_tcp_readall)", async () => {
  const peer = await nodeServer((s) => {
    s.write("a");
    setTimeout(() => s.end("bc"), 100);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const all = yield* r.read();
        const again = yield* r.read();
        const one = yield* r.read(1);
        w.close();
        yield* w.waitClosed();
        return [text(all), again, one];
      })(),
      real,
    );
    assert.deepEqual(got, ["abc", new Uint8Array(0), new Uint8Array(0)]);
  } finally {
    await peer.close();
  }
});

test("readExactly(n) waits for n bytes across writes, readExactly(0) is empty, and an early EOF throws IncompleteReadError with the partial bytes (asyncio_tcp_readexactly)", async () => {
  const peer = await nodeServer((s) => {
    s.write("a");
    setTimeout(() => {
      s.write("b");
      s.write("c");
      s.end("d");
    }, 100);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const out: unknown[] = [text(yield* r.readExactly(2)), (yield* r.readExactly(0)).length, text(yield* r.readExactly(1))];
        try {
          yield* r.readExactly(2);
          out.push("no error");
        } catch (e) {
          assert.ok(e instanceof IncompleteReadError);
          out.push(`${e.name} ${text(e.partial)} ${e.expected}`);
        }
        out.push((yield* r.readExactly(0)).length);
        w.close();
        return out;
      })(),
      real,
    );
    assert.deepEqual(got, ["ab", 0, "c", "IncompleteReadError d 2", 0]);
  } finally {
    await peer.close();
  }
});

test("readInto(buf) fills at most buf.length bytes and gives the count, 0 at EOF; a non-Uint8Array is a TypeError (asyncio_tcp_readinto)", async () => {
  const peer = await nodeServer((s) => {
    s.write("ab");
    setTimeout(() => s.end("c"), 50);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const buf = new Uint8Array(2);
        const out: unknown[] = [];
        let n = yield* r.readInto(buf);
        out.push(n, text(buf.subarray(0, n)));
        n = yield* r.readInto(buf);
        out.push(n, text(buf.subarray(0, n)));
        out.push(yield* r.readInto(buf));
        assert.throws(() => r.readInto(5 as unknown as Uint8Array), { name: "TypeError", message: /readInto\(buf\): buf must be a Uint8Array/ });
        w.close();
        return out;
      })(),
      real,
    );
    assert.deepEqual(got, [2, "ab", 1, "c", 0]);
  } finally {
    await peer.close();
  }
});

test("readLine() keeps the newline, waits for a line split across writes, gives the unterminated rest at EOF, then an empty array", async () => {
  const peer = await nodeServer((s) => {
    s.write("one\ntw");
    setTimeout(() => s.end("o\nthree"), 50);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const lines: string[] = [];
        for (let i = 0; i < 4; i++) lines.push(text(yield* r.readLine()));
        w.close();
        return lines;
      })(),
      real,
    );
    assert.deepEqual(got, ["one\n", "two\n", "three", ""]);
  } finally {
    await peer.close();
  }
});

test("an array written and drained may be reused at once, small or large: the peer gets the bytes as they were when written", async () => {
  let received: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  const peer = await nodeServer((s) => void (received = collect(s)));
  const big = new Uint8Array(1 << 20);
  try {
    await run(
      (function* () {
        const [, w] = yield* openConnection("127.0.0.1", peer.port);
        const small = bytes("aaaa");
        for (const letter of "abcd") {
          small.fill(letter.charCodeAt(0)); // no drain between: small arrays are copied
          w.write(small);
        }
        for (let i = 1; i <= 8; i++) {
          big.fill(i); // the MicroPython idiom: one buffer, refilled after each drain
          w.write(big);
          yield* w.drain();
        }
        w.close();
        yield* w.waitClosed();
      })(),
      real,
    );
    const all = await received;
    assert.equal(all.subarray(0, 16).toString(), "aaaabbbbccccdddd");
    assert.equal(all.length, 16 + 8 * big.length);
    for (let i = 1; i <= 8; i++) {
      const block = all.subarray(16 + (i - 1) * big.length, 16 + i * big.length);
      assert.ok(
        block.every((b) => b === i),
        `block ${i}`,
      );
    }
  } finally {
    await peer.close();
  }
});

test("drain() waits while the peer does not read (the task shows 'drain' in loop.tasks()), and goes on when it does; every byte arrives", async () => {
  let peerSocket: import("node:net").Socket | null = null;
  const peer = await nodeServer((s) => {
    peerSocket = s;
    s.pause(); // not reading: the kernel buffers fill up
  });
  const block = new Uint8Array(1 << 20).fill(7);
  const blocks = 64;
  try {
    const seen = await run(
      (function* () {
        const [, w] = yield* openConnection("127.0.0.1", peer.port);
        const writer = createTask(
          (function* () {
            for (let i = 0; i < blocks; i++) {
              w.write(block);
              yield* w.drain();
            }
            return "wrote all";
          })(),
          { name: "writer" },
        );
        let waiting: string | null = null;
        for (let i = 0; i < 200 && waiting !== "drain"; i++) {
          yield* sleep(0.01);
          waiting =
            getEventLoop()
              .tasks()
              .find((t) => t.name === "writer")?.waitingOn ?? null;
        }
        const total = until(
          new Promise<number>((resolve) => {
            let n = 0;
            peerSocket!.on("data", (c: Buffer) => {
              n += c.length;
              if (n === block.length * blocks) resolve(n);
            });
            peerSocket!.resume();
          }),
        );
        const result = yield* writer;
        const n = yield* total;
        w.close();
        return { waiting, result, n };
      })(),
      real,
    );
    assert.deepEqual(seen, { waiting: "drain", result: "wrote all", n: block.length * blocks });
  } finally {
    await peer.close();
  }
});

test("closing then writing: the peer's read gives EOF, and write() after close() throws a RuntimeError naming the stream (asyncio_tcp_close_write)", async () => {
  let peerGot: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  const peer = await nodeServer((s) => {
    s.write("x");
    peerGot = collect(s);
  });
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const first = text(yield* r.read(1));
        w.close();
        yield* w.waitClosed();
        let error: unknown = null;
        try {
          w.write("x");
        } catch (e) {
          error = e;
        }
        return { first, error };
      })(),
      real,
    );
    assert.equal(got.first, "x");
    assert.ok(got.error instanceof RuntimeError);
    assert.match((got.error as Error).message, /Stream\.write\(\): the stream with 127\.0\.0\.1:\d+ is closed/);
    assert.equal((await peerGot).length, 0); // EOF, nothing else
  } finally {
    await peer.close();
  }
});

test("getExtraInfo gives [host, port] for peername and sockname; another name is a TypeError", async () => {
  const peer = await nodeServer(() => {});
  try {
    await run(
      (function* () {
        const [, w] = yield* openConnection("127.0.0.1", peer.port);
        assert.deepEqual(w.getExtraInfo("peername"), ["127.0.0.1", peer.port]);
        const [host, port] = w.getExtraInfo("sockname");
        assert.equal(host, "127.0.0.1");
        assert.ok(port > 0 && port !== peer.port);
        assert.throws(() => w.getExtraInfo("socket" as "peername"), { name: "TypeError", message: /"peername" or "sockname"/ });
        w.close();
      })(),
      real,
    );
  } finally {
    await peer.close();
  }
});

test("a task cancelled while blocked in read loses no byte: the next read gets everything, and the stream stays usable", async () => {
  let peerSocket: import("node:net").Socket | null = null;
  const peer = await nodeServer((s) => void (peerSocket = s));
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const reader = createTask(r.readExactly(6) as Coro<Uint8Array>, { name: "reader" });
        yield* sleep(0.02);
        assert.equal(
          getEventLoop()
            .tasks()
            .find((t) => t.name === "reader")?.waitingOn,
          "Stream.read",
        );
        peerSocket!.write("abc"); // arrives while the reader waits for 6
        yield* sleep(0.05);
        reader.cancel();
        let cancelled = false;
        try {
          yield* reader;
        } catch (e) {
          cancelled = e instanceof CancelledError;
        }
        peerSocket!.write("def\n");
        const line = text(yield* r.readLine());
        // A read that times out (waitFor cancels it) also leaves the stream usable.
        let timedOut = false;
        try {
          yield* waitFor(r.read(10), 0.05);
        } catch (e) {
          timedOut = e instanceof TimeoutError;
        }
        peerSocket!.end("after");
        const rest = text(yield* r.read());
        w.close();
        return { cancelled, line, timedOut, rest };
      })(),
      real,
    );
    assert.deepEqual(got, { cancelled: true, line: "abcdef\n", timedOut: true, rest: "after" });
  } finally {
    await peer.close();
  }
});

test("a task cancelled while blocked in drain leaves the stream usable; a later drain finishes and every byte arrives in order", async () => {
  let peerSocket: import("node:net").Socket | null = null;
  const peer = await nodeServer((s) => {
    peerSocket = s;
    s.pause();
  });
  const block = new Uint8Array(1 << 20);
  try {
    const n = await run(
      (function* () {
        const [, w] = yield* openConnection("127.0.0.1", peer.port);
        let written = 0;
        const writer = createTask(
          (function* () {
            for (;;) {
              w.write(block.fill(written++ & 255));
              yield* w.drain();
            }
          })(),
          { name: "writer" },
        );
        while (
          getEventLoop()
            .tasks()
            .find((t) => t.name === "writer")?.waitingOn !== "drain"
        )
          yield* sleep(0.01);
        writer.cancel();
        try {
          yield* writer;
        } catch {
          // cancelled, as asked
        }
        assert.ok(writer.cancelled());
        w.write(bytes("end"));
        const total = until(
          new Promise<Buffer>((resolve) => {
            const chunks: Buffer[] = [];
            peerSocket!.on("data", (c: Buffer) => chunks.push(c));
            peerSocket!.on("end", () => resolve(Buffer.concat(chunks)));
            peerSocket!.resume();
          }),
        );
        yield* w.drain();
        w.close();
        const all = yield* total;
        // Block i is filled with i: check the order and that nothing is missing.
        const blocks = (all.length - 3) / block.length;
        assert.ok(Number.isInteger(blocks) && blocks === written, `${all.length} bytes, ${written} blocks written`);
        for (let i = 0; i < blocks; i++) assert.equal(all[i * block.length + 12345], i & 255);
        assert.equal(all.subarray(-3).toString(), "end");
        return blocks;
      })(),
      real,
    );
    assert.ok(n > 1);
  } finally {
    await peer.close();
  }
});

test("a reset by the client reaches the server's reader as an error from its read, after the bytes sent before it, never as an uncaught exception (asyncio_tcp_client_rst)", async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);
  process.on("uncaughtException", onUncaught);
  try {
    const got = await run(
      (function* () {
        const out: string[] = [];
        const handled = new Event();
        const server = yield* startServer(
          function* (r: Stream) {
            out.push(text(yield* r.read(10)));
            yield* sleep(0.2); // the client resets meanwhile
            try {
              for (let data = yield* r.read(100); data.length > 0; data = yield* r.read(100)) out.push(text(data));
              out.push("EOF");
            } catch (e) {
              out.push(`error ${(e as { code?: string }).code}`);
            }
            handled.set();
          },
          "127.0.0.1",
          0,
        );
        const socket = yield* until(nodeClient(server.port));
        socket.write("GET / HTTP/1.0\r\n\r\n");
        yield* sleep(0.1);
        socket.resetAndDestroy(); // SO_LINGER 0 and close: a TCP RST
        yield* waitFor(handled.wait(), 10);
        server.close();
        return out;
      })(),
      real,
    );
    assert.deepEqual(got, ["GET / HTTP", "/1.0\r\n\r\n", "error ECONNRESET"]);
    await delay(20);
    assert.deepEqual(uncaught, []);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
});

test("a reset surfaces from drain() as an error with the host's code", async () => {
  const peer = await nodeServer((s) => {
    s.once("data", () => s.resetAndDestroy());
  });
  try {
    const code = await run(
      (function* () {
        const [, w] = yield* openConnection("127.0.0.1", peer.port);
        const block = new Uint8Array(1 << 16);
        try {
          for (let i = 0; i < 100_000; i++) {
            w.write(block);
            yield* w.drain();
            if (i % 16 === 0) yield* sleep(0.001);
          }
          return "no error";
        } catch (e) {
          assert.match((e as Error).message, /the connection with 127\.0\.0\.1:\d+ failed/);
          return (e as { code?: string }).code;
        } finally {
          w.close();
        }
      })(),
      real,
    );
    assert.ok(code === "ECONNRESET" || code === "EPIPE", `code ${code}`);
  } finally {
    await peer.close();
  }
});

test("a second task reading the same stream at the same time gets a RuntimeError naming the first", async () => {
  const peer = await nodeServer(() => {});
  try {
    const message = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const first = createTask(r.read(10) as Coro<Uint8Array>, { name: "first-reader" });
        yield* sleep(0);
        try {
          yield* r.read(10);
          return "no error";
        } catch (e) {
          return (e as Error).message;
        } finally {
          first.cancel();
          w.close();
        }
      })(),
      real,
    );
    assert.match(message, /task \d+ \(first-reader\) is already waiting to read/);
  } finally {
    await peer.close();
  }
});

test("a stream that nobody reads is paused: the sender meets back-pressure instead of filling memory, and every byte is there when read", async () => {
  let sender: import("node:net").Socket | null = null;
  const size = 32 << 20;
  const peer = await nodeServer((s) => {
    sender = s;
    const block = Buffer.alloc(1 << 20, 1);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += block.length;
        if (!s.write(block)) return void s.once("drain", pump);
      }
      s.end();
    };
    pump();
  });
  try {
    const result = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        yield* sleep(0.3); // not reading
        const backlog = sender!.writableLength; // what the sender could not hand to the kernel
        const all = yield* r.read();
        w.close();
        return { backlog, length: all.length, ones: all.every((b) => b === 1) };
      })(),
      real,
    );
    assert.ok(result.backlog > 0, "the sender saw no back-pressure");
    assert.equal(result.length, size);
    assert.ok(result.ones);
  } finally {
    await peer.close();
  }
});

test("network waits are host waits: on the virtual clock a task waiting for bytes gets no deadlock report, and virtual time stands still until they come", async () => {
  const peer = await nodeServer((s) => setTimeout(() => s.end("late"), 100));
  try {
    const got = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const before = getEventLoop().time();
        const data = text(yield* r.read());
        const after = getEventLoop().time();
        w.close();
        return { data, elapsed: after - before };
      })(),
      { clock: "virtual" },
    );
    assert.deepEqual(got, { data: "late", elapsed: 0 });
  } finally {
    await peer.close();
  }
});

test("a task waiting on a socket does not keep the host busy: the event loop is idle while it waits", async () => {
  const peer = await nodeServer((s) => setTimeout(() => s.end("x"), 300));
  try {
    const utilization = await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        const start = performance.eventLoopUtilization();
        yield* r.read();
        const used = performance.eventLoopUtilization(start);
        w.close();
        return used.utilization;
      })(),
      real,
    );
    // A polling loop would be busy all the time (utilization near 1); waiting on the socket costs nothing.
    assert.ok(utilization < 0.5, `event loop utilization ${utilization}`);
  } finally {
    await peer.close();
  }
});

test("misuse gets clear errors: read(n) with a bad n, readExactly(-1)", async () => {
  const peer = await nodeServer(() => {});
  try {
    await run(
      (function* () {
        const [r, w] = yield* openConnection("127.0.0.1", peer.port);
        assert.throws(() => r.read(-2), { name: "RangeError", message: /Stream\.read\(n\): n must be an integer >= -1/ });
        assert.throws(() => r.read(1.5), { name: "RangeError" });
        assert.throws(() => r.read("10" as unknown as number), { name: "TypeError", message: /n must be an integer/ });
        assert.throws(() => r.readExactly(-1), { name: "RangeError", message: /readExactly\(n\): n must be an integer >= 0/ });
        assert.throws(() => w.write(42 as unknown as string), { name: "TypeError", message: /data must be a Uint8Array or a string/ });
        w.close();
      })(),
      real,
    );
  } finally {
    await peer.close();
  }
});
