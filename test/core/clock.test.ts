import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, Event, Lock, ThreadSafeFlag, RuntimeError, until } from "taskloop";

const virtual = { clock: "virtual" } as const;
const real = { clock: "real" } as const;

test("a program that sleeps 24 hours of virtual time finishes at once with the clock at 24 h", async () => {
  const started = performance.now();
  let ticks = 0;
  await run(function* () {
    for (let s = 0; s < 24 * 3600; s += 60) {
      yield* sleep(60);
      ticks++;
    }
    assert.equal(getEventLoop().time(), 24 * 3600 * 1000);
  }, virtual);
  assert.equal(ticks, 24 * 60);
  // Generous bound: the point is that it does not take 24 hours.
  assert.ok(performance.now() - started < 10_000);
});

test("the virtual clock keeps the ordering of real time between interleaved sleepers", async () => {
  const log: string[] = [];
  await run(function* () {
    function* every(name: string, s: number, n: number) {
      for (let i = 0; i < n; i++) {
        yield* sleep(s);
        log.push(`${name}@${getEventLoop().time()}`);
      }
    }
    const a = createTask(every("a", 1, 3));
    const b = createTask(every("b", 0.5, 5));
    yield* a;
    yield* b;
  }, virtual);
  assert.deepEqual(log, ["b@500", "a@1000", "b@1000", "b@1500", "a@2000", "b@2000", "b@2500", "a@3000"]);
});

test("a deadlock on the virtual clock rejects run with a RuntimeError naming each task and its wait", async () => {
  await assert.rejects(
    run(function* () {
      const lock = new Lock();
      const ev = new Event();
      yield* lock.acquire();
      createTask(
        (function* () {
          yield* lock.acquire();
        })(),
        { name: "locker" },
      );
      createTask(
        (function* () {
          yield* ev.wait();
        })(),
        { name: "eventer" },
      );
      yield* ev.wait();
    }, virtual),
    (e: unknown) => {
      assert.ok(e instanceof RuntimeError);
      assert.match(e.message, /deadlock/);
      assert.match(e.message, /main\): waiting on Event/);
      assert.match(e.message, /locker\): waiting on Lock/);
      assert.match(e.message, /eventer\): waiting on Event/);
      return true;
    },
  );
});

test("after a deadlock report the stuck tasks were cancelled, so their finally blocks ran", async () => {
  const log: string[] = [];
  await assert.rejects(
    run(function* () {
      createTask(
        (function* () {
          try {
            yield* new Event().wait();
          } finally {
            log.push("worker cleanup");
          }
        })(),
      );
      try {
        yield* new Event().wait();
      } finally {
        log.push("main cleanup");
      }
    }, virtual),
    /deadlock/,
  );
  assert.deepEqual(log.sort(), ["main cleanup", "worker cleanup"]);
});

test("tasks spinning on sleep(0) do not starve host timers (real clock)", async () => {
  let hostFired = false;
  let spins = 0;
  await run(function* () {
    setTimeout(() => {
      hostFired = true;
    }, 5);
    function* spinner() {
      while (!hostFired && spins < 50_000_000) {
        spins++;
        yield* sleep(0);
      }
    }
    yield* createTask(spinner());
    yield* createTask(spinner());
  }, real);
  assert.equal(hostFired, true);
  assert.ok(spins < 50_000_000);
});

test("tasks spinning on sleep(0) do not starve host promise settlements and I/O callbacks (real clock)", async () => {
  const { createServer, connect } = await import("node:net");
  const server = createServer((s) => s.end("hello"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  let received = "";
  try {
    await run(function* () {
      const sock = connect(port, "127.0.0.1");
      sock.on("data", (d) => {
        received += d.toString();
      });
      const closed = new Promise<void>((r) => sock.on("close", () => r()));
      let done = false;
      void closed.then(() => {
        done = true;
      });
      let spins = 0;
      while (!done && spins < 50_000_000) {
        spins++;
        yield* sleep(0);
      }
    }, real);
  } finally {
    server.close();
  }
  assert.equal(received, "hello");
});

test("Event.set from a host callback wakes an idle loop (real clock)", async () => {
  await run(function* () {
    const ev = new Event();
    setTimeout(() => ev.set(), 10);
    const t0 = getEventLoop().time();
    assert.equal(yield* ev.wait(), true);
    assert.ok(getEventLoop().time() - t0 >= 5);
  }, real);
});

test("ThreadSafeFlag.set from a plain host callback outside any task wakes the waiter (real clock)", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    let n = 0;
    const timer = setInterval(() => flag.set(), 2);
    try {
      for (; n < 3; n++) yield* flag.wait();
    } finally {
      clearInterval(timer);
    }
    assert.equal(n, 3);
  }, real);
});

test("a ThreadSafeFlag waiter on the virtual clock is not a deadlock: the host may still set it", async () => {
  await run(function* () {
    const flag = new ThreadSafeFlag();
    setTimeout(() => flag.set(), 20);
    yield* flag.wait();
  }, virtual);
});

test("run holds no host timer once it has settled, so the process can exit", async () => {
  // A child process runs a program whose leftover task sleeps for an hour; it must exit promptly.
  const { spawnSync } = await import("node:child_process");
  const script = `import { run, createTask, sleep } from "taskloop";
await run(function* () { createTask(function* () { yield* sleep(3600); }()); yield* sleep(0.01); });
console.log("exited");`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(out.stdout.trim(), "exited");
  assert.equal(out.status, 0);
});

test("until waits on the real clock for a promise while other tasks keep running", async () => {
  const log: string[] = [];
  await run(function* () {
    // The promise settles from a host timer once the ticker is done: however slow the
    // machine, main waits on the host while the ticker's real-clock sleeps run.
    let settle!: (v: string) => void;
    const p = new Promise<string>((r) => (settle = r));
    createTask(
      (function* () {
        for (let i = 0; i < 3; i++) {
          log.push(`tick ${i}`);
          yield* sleep(0.001);
        }
        setTimeout(() => settle("late"), 1);
      })(),
    );
    const v = yield* until(p);
    log.push(v);
  }, real);
  assert.deepEqual(log, ["tick 0", "tick 1", "tick 2", "late"]);
});

test("a sleep longer than a host timer can hold arms no overflowing host timer (real clock)", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on("warning", onWarning);
  try {
    await run(
      function* () {
        createTask(
          (function* () {
            yield* sleep(3e6);
          })(),
        ); // about 35 days: the only timer while main waits on the host
        yield* until(new Promise((resolve) => setTimeout(resolve, 50)));
      },
      { clock: "real" },
    );
    await new Promise((resolve) => setTimeout(resolve, 20)); // warnings are emitted on a later tick
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(
    warnings.filter((n) => n === "TimeoutOverflowWarning"),
    [],
  );
});
