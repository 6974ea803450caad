// The portability program: one engine-neutral run through the core behaviours
// of the `taskloop` and `taskloop/device` entries. It uses nothing but
// ECMAScript and what the README's host requirements list (setTimeout for the
// real clock and for host callbacks), so the same esbuild bundle runs in Node,
// Chromium, Deno, Bun and QuickJS (test/portability/engines.test.ts). It
// returns a trace of lines; every engine must give EXPECTED_TRACE exactly.
import {
  CancelledError,
  Event,
  Lock,
  Queue,
  ThreadSafeFlag,
  TimeoutError,
  createTask,
  gather,
  getEventLoop,
  run,
  schedule,
  sleep,
  until,
  waitFor,
  type Coro,
} from "taskloop";
import { DHT22, Pin, Pushbutton } from "taskloop/device";

/** Runs every section in order; a section that throws ends the trace with the error. */
export async function portabilityTrace(): Promise<string[]> {
  const trace: string[] = [];
  const sections: Array<[string, (say: (line: string) => void) => Promise<void>]> = [
    ["virtual clock", virtualClock],
    ["real clock", realClock],
    ["cancel", cancel],
    ["waitFor", waitForSection],
    ["gather", gatherSection],
    ["Queue", queueSection],
    ["Lock", lockSection],
    ["Event from a host callback", eventFromHost],
    ["ThreadSafeFlag", threadSafeFlag],
    ["schedule", scheduleSection],
    ["loop.tasks()", tasksSection],
    ["promises", promises],
    ["device", device],
  ];
  for (const [name, section] of sections) {
    trace.push(`# ${name}`);
    try {
      await section((line) => trace.push(line));
    } catch (error) {
      trace.push(`FAILED: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      break;
    }
  }
  return trace;
}

/** The trace every engine must give. */
export const EXPECTED_TRACE: readonly string[] = [
  "# virtual clock",
  "0 a",
  "0 b",
  "100 a",
  "150 b",
  "200 a",
  "300 b",
  "main returned 42 at 450",
  "# real clock",
  "short first, then long",
  "each slept at least its time: true",
  "# cancel",
  "worker cleanup ran",
  "cancelled: true, CancelledError: true",
  "# waitFor",
  "fast: 7",
  "slow task cleaned up",
  "slow: TimeoutError at 50",
  "# gather",
  "results: 1,2,3 at 30",
  "settled: ok,Error: boom",
  "# Queue",
  "put 0",
  "put 1",
  "got 0",
  "got 1",
  "put 2",
  "got 2",
  "queue empty: true",
  "# Lock",
  "A has it",
  "A gives it back",
  "B has it",
  "B disposes it",
  "C has it",
  "C gives it back",
  "locked after all: false",
  "# Event from a host callback",
  "event set by a host timer: true",
  "# ThreadSafeFlag",
  "flag set by a host timer: 1",
  "# schedule",
  "ran at 0,100,200,300",
  "stats: 4 runs, 0 overruns",
  "# loop.tasks()",
  "main running -",
  "sleeper sleeping sleep 1000 ms",
  "waiter waiting Event",
  "# promises",
  "yield promise: hello",
  "until rejected: Error: nope",
  "await task: 5",
  "# device",
  "LED 1 at 0, 0 at 500, 1 at 1000, 0 at 1500",
  "press at 0",
  "press at 200",
  "double at 200",
  "long at 1200",
  "DHT22 two reads: 22.0 °C 44.7 %, 22.1 °C 45.0 %",
];

async function virtualClock(say: (line: string) => void): Promise<void> {
  function* ticker(name: string, periodMs: number, n: number): Coro<void> {
    for (let i = 0; i < n; i++) {
      say(`${getEventLoop().time()} ${name}`);
      yield* sleep(periodMs / 1000);
    }
  }
  const result = await run(
    function* (): Coro<number> {
      const a = createTask(ticker("a", 100, 3));
      const b = createTask(ticker("b", 150, 3));
      yield* a;
      yield* b;
      return 42;
    },
    { clock: "virtual" },
  );
  say(`main returned ${result} at ${getEventLoop().time()}`);
}

async function realClock(say: (line: string) => void): Promise<void> {
  const order: string[] = [];
  const slept: boolean[] = [];
  function* sleeper(name: string, ms: number): Coro<void> {
    const start = getEventLoop().time();
    yield* sleep(ms / 1000);
    slept.push(getEventLoop().time() - start >= ms - 1); // the host clock may count whole ms
    order.push(name);
  }
  await run(
    function* (): Coro<void> {
      // Started in this order, the short sleep's deadline is the earlier one even
      // if the host is slow to start the second task: the order never depends on speed.
      yield* gather(sleeper("short", 10), sleeper("long", 30));
    },
    { clock: "real" },
  );
  say(`${order[0]} first, then ${order[1]}`);
  say(`each slept at least its time: ${slept.every(Boolean)}`);
}

async function cancel(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const worker = createTask(
        (function* (): Coro<void> {
          try {
            yield* sleep(10);
          } finally {
            say("worker cleanup ran");
          }
        })(),
      );
      yield* sleep(0.01);
      worker.cancel();
      let caught: unknown = null;
      try {
        yield* worker;
      } catch (e) {
        caught = e;
      }
      say(`cancelled: ${worker.cancelled()}, CancelledError: ${caught instanceof CancelledError}`);
    },
    { clock: "virtual" },
  );
}

async function waitForSection(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const fast = yield* waitFor(
        (function* (): Coro<number> {
          yield* sleep(0.01);
          return 7;
        })(),
        1,
      );
      say(`fast: ${fast}`);
      const start = getEventLoop().time();
      try {
        yield* waitFor(
          (function* (): Coro<void> {
            try {
              yield* sleep(5);
            } finally {
              say("slow task cleaned up");
            }
          })(),
          0.05,
        );
      } catch (e) {
        // The cleanup line comes first: waitFor waits for its task to finish.
        say(`slow: ${e instanceof TimeoutError ? "TimeoutError" : String(e)} at ${getEventLoop().time() - start}`);
      }
    },
    { clock: "virtual" },
  );
}

async function gatherSection(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      function* after(ms: number, value: number): Coro<number> {
        yield* sleep(ms / 1000);
        return value;
      }
      const results = yield* gather(after(30, 1), after(10, 2), after(20, 3));
      say(`results: ${results.join(",")} at ${getEventLoop().time()}`);
      function* boom(): Coro<string> {
        yield* sleep(0);
        throw new Error("boom");
      }
      function* ok(): Coro<string> {
        yield* sleep(0);
        return "ok";
      }
      const settled = yield* gather(ok(), boom(), { returnExceptions: true });
      say(`settled: ${settled.map((x) => String(x)).join(",")}`);
    },
    { clock: "virtual" },
  );
}

async function queueSection(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const q = new Queue<number>(2);
      const producer = createTask(
        (function* (): Coro<void> {
          for (let i = 0; i < 3; i++) {
            yield* q.put(i);
            say(`put ${i}`);
          }
        })(),
      );
      yield* sleep(0.01);
      for (let i = 0; i < 3; i++) say(`got ${yield* q.get()}`);
      yield* producer;
      say(`queue empty: ${q.empty()}`);
    },
    { clock: "virtual" },
  );
}

async function lockSection(say: (line: string) => void): Promise<void> {
  // Where the engine lacks Symbol.dispose, leases use Symbol.for("Symbol.dispose").
  const dispose = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
  await run(
    function* (): Coro<void> {
      const lock = new Lock();
      function* user(name: string, viaDispose: boolean): Coro<void> {
        const lease = yield* lock.acquire();
        say(`${name} has it`);
        yield* sleep(0.01);
        if (viaDispose) {
          say(`${name} disposes it`);
          (lease as unknown as Record<symbol, () => void>)[dispose]!();
        } else {
          say(`${name} gives it back`);
          lease.release();
        }
      }
      yield* gather(user("A", false), user("B", true), user("C", false));
      say(`locked after all: ${lock.locked()}`);
    },
    { clock: "virtual" },
  );
}

async function eventFromHost(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const ev = new Event();
      setTimeout(() => ev.set(), 5);
      const got = yield* waitFor(ev.wait(), 30); // a generous bound: only a lost wake-up would reach it
      say(`event set by a host timer: ${got}`);
    },
    { clock: "real" },
  );
}

async function threadSafeFlag(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const flag = new ThreadSafeFlag();
      let woken = 0;
      const waiter = createTask(
        (function* (): Coro<void> {
          yield* flag.wait();
          woken++;
        })(),
      );
      setTimeout(() => flag.set(), 5);
      yield* waitFor(waiter, 30);
      say(`flag set by a host timer: ${woken}`);
    },
    { clock: "real" },
  );
}

async function scheduleSection(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const times: number[] = [];
      const loop = getEventLoop();
      const job = schedule(10, () => void times.push(loop.time()));
      yield* sleep(0.35);
      job.cancel();
      say(`ran at ${times.join(",")}`);
      say(`stats: ${job.stats.runs} runs, ${job.stats.overruns} overruns`);
    },
    { clock: "virtual" },
  );
}

async function tasksSection(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const ev = new Event();
      createTask(
        (function* (): Coro<void> {
          yield* sleep(1);
        })(),
        { name: "sleeper" },
      );
      createTask(
        (function* (): Coro<void> {
          yield* ev.wait();
        })(),
        { name: "waiter" },
      );
      yield* sleep(0);
      for (const t of getEventLoop().tasks()) say(`${t.name} ${t.state} ${t.waitingOn ?? "-"}`);
    },
    { clock: "virtual" },
  );
}

async function promises(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const hello = yield Promise.resolve("hello");
      say(`yield promise: ${String(hello)}`);
      try {
        yield* until(Promise.reject(new Error("nope")));
      } catch (e) {
        say(`until rejected: ${String(e)}`);
      }
    },
    { clock: "virtual" },
  );
  const five = await run(
    function* (): Coro<number> {
      const t = createTask(
        (function* (): Coro<number> {
          yield* sleep(0.01);
          return 5;
        })(),
      );
      return yield* t;
    },
    { clock: "virtual" },
  );
  say(`await task: ${five}`);
}

async function device(say: (line: string) => void): Promise<void> {
  await run(
    function* (): Coro<void> {
      const loop = getEventLoop();
      const led = new Pin("LED", Pin.OUT);
      const blinker = createTask(
        (function* (): Coro<void> {
          for (;;) {
            led.toggle();
            yield* sleep(0.5);
          }
        })(),
      );
      yield* sleep(1.7);
      blinker.cancel();
      say(`LED ${led.history.map((c) => `${c.value} at ${c.time}`).join(", ")}`);

      const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
      const t0 = loop.time();
      const at = (): number => loop.time() - t0;
      const button = new Pushbutton(pin)
        .press(() => say(`press at ${at()}`))
        .double(() => say(`double at ${at()}`))
        .long(() => say(`long at ${at()}`));
      pin.drive(0);
      yield* sleep(0.1);
      pin.drive(1);
      yield* sleep(0.1);
      pin.drive(0);
      yield* sleep(1.1);
      pin.drive(1);
      yield* sleep(0.1);
      button.deinit();

      const sensor = new DHT22(new Pin(15), { seed: 7 });
      const reads: string[] = [];
      for (let i = 0; i < 2; i++) {
        sensor.measure();
        reads.push(`${sensor.temperature().toFixed(1)} °C ${sensor.humidity().toFixed(1)} %`);
        yield* sleep(2);
      }
      say(`DHT22 two reads: ${reads.join(", ")}`);
    },
    { clock: "virtual" },
  );
}
