import { test } from "node:test";
import assert from "node:assert/strict";
import {
  run,
  createTask,
  sleep,
  sleepMs,
  currentTask,
  getEventLoop,
  taskGroup,
  shield,
  Event,
  Lock,
  Semaphore,
  Condition,
  Queue,
  Barrier,
  type SlowStepInfo,
  type TaskInfo,
  type Coro,
} from "taskloop";

const virtual = { clock: "virtual" } as const;

/** The classic MicroPython tutorial mistake: `time.sleep()` inside a task holds everyone up. */
function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning, as time.sleep() would
  }
}

test("a step that busy-waits 200 ms is reported by onSlowStep with the task and its duration; well-behaved tasks are not", async () => {
  const reports: SlowStepInfo[] = [];
  let stats: ReturnType<ReturnType<typeof getEventLoop>["tasks"]> = [];
  await run(
    function* () {
      const ticker = (): Coro<void> =>
        (function* () {
          for (;;) yield* sleepMs(10);
        })();
      const ticks = [createTask(ticker(), { name: "tick-1" }), createTask(ticker(), { name: "tick-2" })];
      const busy = createTask(
        (function* () {
          yield* sleepMs(50);
          busyWait(200);
          yield* sleepMs(100);
        })(),
        { name: "busy" },
      );
      yield* sleepMs(300); // the busy step is over, and the tickers have run since
      stats = getEventLoop().tasks();
      yield* busy;
      for (const t of ticks) t.cancel();
    },
    { slowStepMs: 100, onSlowStep: (info) => reports.push(info) },
  );
  assert.equal(reports.length, 1, `reported: ${reports.map((r) => `${r.task.name} ${r.durationMs.toFixed(1)} ms`).join(", ")}`);
  assert.equal(reports[0]!.task.name, "busy");
  assert.ok(reports[0]!.durationMs >= 199, `durationMs ${reports[0]!.durationMs}`);
  const busyInfo = stats.find((i) => i.name === "busy")!;
  assert.ok(busyInfo.maxStepMs >= 199 && busyInfo.busyMs >= busyInfo.maxStepMs, `busy: ${JSON.stringify(busyInfo)}`);
  // The tickers' timers came due during the busy step: they ran late, and loop.tasks() says so.
  const tick = stats.find((i) => i.name === "tick-1")!;
  assert.ok(tick.maxLateMs >= 100, `tick-1: ${JSON.stringify(tick)}`);
  assert.ok(tick.maxStepMs < 100, `tick-1: ${JSON.stringify(tick)}`);
});

test("the default slow-step report prints one line to stderr naming the task and the duration", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    await run(
      function* () {
        const t = createTask(
          (function* () {
            busyWait(150);
            yield* sleep(0);
          })(),
          { name: "spinner" },
        );
        yield* t;
      },
      { slowStepMs: 100 },
    );
  } finally {
    console.error = original;
  }
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /spinner/);
  assert.match(lines[0]!, /\d+(\.\d)? ms/);
});

test("without slowStepMs nothing is reported", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    await run(
      function* () {
        busyWait(120);
        yield* sleep(0);
      },
      { clock: "real" },
    );
  } finally {
    console.error = original;
  }
  assert.deepEqual(lines, []);
});

test("loop.tasks() shows each task's state, what it waits on in words, and its steps", async () => {
  await run(function* () {
    const loop = getEventLoop();
    const event = new Event();
    const lock = new Lock();
    yield* lock.acquire();
    const sem = new Semaphore(0);
    const empty = new Queue<number>();
    const full = new Queue<number>(1);
    full.putNowait(1);
    const cond = new Condition();
    const barrier = new Barrier(2);
    const forever = (): Coro<void> =>
      (function* () {
        yield* event.wait();
      })();
    const worker = createTask(forever(), { name: "worker" });
    const shielded = createTask(forever(), { name: "precious" });
    const waiters = [
      createTask(
        (function* () {
          yield* sleep(0.5);
        })(),
        { name: "sleeper" },
      ),
      createTask(
        (function* () {
          yield* event.wait();
        })(),
        { name: "event" },
      ),
      createTask(
        (function* () {
          yield* lock.acquire();
        })(),
        { name: "lock" },
      ),
      createTask(
        (function* () {
          yield* sem.acquire();
        })(),
        { name: "semaphore" },
      ),
      createTask(
        (function* () {
          yield* empty.get();
        })(),
        { name: "get" },
      ),
      createTask(
        (function* () {
          yield* full.put(2);
        })(),
        { name: "put" },
      ),
      createTask(
        (function* () {
          yield* full.join();
        })(),
        { name: "join" },
      ),
      createTask(
        (function* () {
          yield* cond.acquire();
          yield* cond.wait();
        })(),
        { name: "condition" },
      ),
      createTask(
        (function* () {
          yield* barrier.wait();
        })(),
        { name: "barrier" },
      ),
      createTask(
        (function* () {
          yield* taskGroup(function* (tg) {
            tg.createTask(forever());
          });
        })(),
        { name: "group" },
      ),
      createTask(
        (function* () {
          yield* shield(shielded);
        })(),
        { name: "shield" },
      ),
      createTask(
        (function* () {
          yield* worker;
        })(),
        { name: "awaiter" },
      ),
    ];
    const fresh = createTask((function* () {})(), { name: "fresh" });
    yield* sleep(0.1);
    const extra = createTask((function* () {})(), { name: "not-started" });
    const byName = new Map(loop.tasks().map((i) => [i.name, i]));
    const view = (name: string) => {
      const i = byName.get(name)!;
      return [i.state, i.waitingOn, i.steps];
    };
    assert.deepEqual(view("main"), ["running", null, 2]);
    assert.deepEqual(view("sleeper"), ["sleeping", "sleep 500 ms", 1]);
    assert.deepEqual(view("event"), ["waiting", "Event", 1]);
    assert.deepEqual(view("lock"), ["waiting", "Lock", 1]);
    assert.deepEqual(view("semaphore"), ["waiting", "Semaphore", 1]);
    assert.deepEqual(view("get"), ["waiting", "Queue.get", 1]);
    assert.deepEqual(view("put"), ["waiting", "Queue.put", 1]);
    assert.deepEqual(view("join"), ["waiting", "Queue.join", 1]);
    assert.deepEqual(view("condition"), ["waiting", "Condition", 1]);
    assert.deepEqual(view("barrier"), ["waiting", "Barrier", 1]);
    assert.deepEqual(view("group"), ["waiting", "taskGroup (1 child left)", 1]);
    assert.deepEqual(view("shield"), ["waiting", `shield(task ${shielded.id} (precious))`, 1]);
    assert.deepEqual(view("awaiter"), ["waiting", `task ${worker.id} (worker)`, 1]);
    assert.deepEqual(view("not-started"), ["ready", null, 0]);
    assert.equal(byName.has("fresh"), false); // finished tasks are not listed
    assert.equal(fresh.done(), true);
    assert.equal(byName.get("main")!.id, currentTask().id);
    for (const t of [...waiters, worker, shielded, extra]) t.cancel();
  }, virtual);
});

test("a cancelled waiter disappears from loop.tasks() once its cleanup ran", async () => {
  await run(function* () {
    const q = new Queue<number>();
    const t = createTask(
      (function* () {
        yield* q.get();
      })(),
      { name: "getter" },
    );
    yield* sleep(0);
    assert.equal(
      getEventLoop()
        .tasks()
        .some((i) => i.name === "getter"),
      true,
    );
    t.cancel();
    const info = getEventLoop()
      .tasks()
      .find((i) => i.name === "getter")!;
    assert.deepEqual([info.state, info.waitingOn], ["ready", null]);
    yield* sleep(0);
    assert.equal(
      getEventLoop()
        .tasks()
        .some((i) => i.name === "getter"),
      false,
    );
  }, virtual);
});

test("lateMs counts until the task actually runs: woken on time but stuck behind a slow step is late", async () => {
  let victim: ReturnType<ReturnType<typeof getEventLoop>["tasks"]>[number] | undefined;
  await run(
    function* () {
      // A 10 ms spin from 15 ms makes both timers come due together at 25 ms; the hog's
      // was set first, so it runs first and spins 100 ms while the victim, woken, waits its turn.
      createTask(
        (function* () {
          yield* sleepMs(15);
          busyWait(10);
        })(),
        { name: "blocker" },
      );
      const hog = createTask(
        (function* () {
          yield* sleepMs(20);
          busyWait(100);
        })(),
        { name: "hog" },
      );
      const v = createTask(
        (function* () {
          yield* sleepMs(20);
          yield* sleepMs(1000);
        })(),
        { name: "victim" },
      );
      yield* hog;
      yield* sleepMs(1);
      victim = getEventLoop()
        .tasks()
        .find((i) => i.id === v.id);
      v.cancel();
    },
    { clock: "real" },
  );
  assert.ok(victim !== undefined);
  assert.ok(victim.lateMs >= 90 && victim.maxLateMs >= victim.lateMs, JSON.stringify(victim));
});

test("without slowStepMs, a long step amid a burst of short ones is never charged to an innocent task, and a second one is charged to its task (real clock)", async () => {
  let infos: TaskInfo[] = [];
  await run(
    function* () {
      for (let k = 0; k < 20; k++)
        createTask(
          (function* () {
            for (;;) yield* sleep(0);
          })(),
          { name: `spinner ${k}` },
        );
      yield* sleep(0.1); // the spinners' short steps make the loop time them in windows
      createTask(
        (function* () {
          yield* sleep(0.05);
          busyWait(60);
          yield* sleep(0.05);
          busyWait(80);
          yield* sleep(10);
        })(),
        { name: "hog" },
      );
      yield* sleep(0.4);
      infos = getEventLoop().tasks();
    },
    { clock: "real" },
  );
  const hog = infos.find((t) => t.name === "hog")!;
  assert.ok(hog.maxStepMs >= 79, `hog's longest step: ${hog.maxStepMs} ms`);
  assert.ok(hog.busyMs >= 79, `hog's busy time: ${hog.busyMs} ms`);
  for (const t of infos.filter((t) => t.name.startsWith("spinner"))) {
    assert.ok(t.maxStepMs < 40, `${t.name} was charged a step of ${t.maxStepMs} ms`);
  }
});

test("without slowStepMs, a loop that wakes for a few steps at a time times them exactly: a 50 ms step is charged to its task (real clock)", async () => {
  let infos: TaskInfo[] = [];
  await run(
    function* () {
      createTask(
        (function* () {
          yield* sleep(0.02);
          busyWait(50);
          yield* sleep(10);
        })(),
        { name: "busy" },
      );
      createTask(
        (function* () {
          for (;;) yield* sleep(0.02);
        })(),
        { name: "polite" },
      );
      yield* sleep(0.2);
      infos = getEventLoop().tasks();
    },
    { clock: "real" },
  );
  const busy = infos.find((t) => t.name === "busy")!;
  const polite = infos.find((t) => t.name === "polite")!;
  assert.ok(busy.maxStepMs >= 49, `busy's longest step: ${busy.maxStepMs} ms`);
  assert.ok(polite.maxStepMs < 20, `polite was charged a step of ${polite.maxStepMs} ms`);
});
