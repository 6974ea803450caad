import { test } from "node:test";
import assert from "node:assert/strict";
import {
  run,
  newEventLoop,
  getEventLoop,
  sleep,
  createTask,
  Activity,
  ActivityStack,
  RuntimeError,
  type Coro,
  type ExceptionContext,
  type LifecycleHook,
} from "taskloop";

const virtual = { clock: "virtual" } as const;

/** An activity that logs each hook as "<time> <name>.<hook>". */
class Logged extends Activity {
  constructor(
    readonly name: string,
    readonly log: string[],
  ) {
    super();
  }
  protected note(what: string): void {
    this.log.push(`${getEventLoop().time()} ${this.name}.${what}`);
  }
  override onCreate(): LifecycleHook {
    this.note("onCreate");
  }
  override onStart(): LifecycleHook {
    this.note("onStart");
  }
  override onResume(): LifecycleHook {
    this.note("onResume");
  }
  override onPause(): LifecycleHook {
    this.note("onPause");
  }
  override onStop(): LifecycleHook {
    this.note("onStop");
  }
  override onDestroy(): LifecycleHook {
    this.note("onDestroy");
  }
}

test("hooks run in MicroPythonOS's order through a stack of three activities", async () => {
  const log: string[] = [];
  const sizes: number[] = [];
  await run(function* () {
    const stack = new ActivityStack();
    const [a, b, c] = [new Logged("A", log), new Logged("B", log), new Logged("C", log)];
    yield* stack.startActivity(a);
    yield* stack.startActivity(b);
    yield* stack.startActivity(c);
    sizes.push(stack.size);
    assert.equal(stack.top, c);
    assert.deepEqual([a.hasForeground(), b.hasForeground(), c.hasForeground()], [false, false, true]);
    log.push("-- back");
    yield* stack.back();
    assert.equal(stack.top, b);
    assert.equal(c.lifecycleState, "destroyed");
    log.push("-- back");
    yield* stack.back();
    log.push("-- back");
    yield* stack.back();
    sizes.push(stack.size);
    assert.equal(stack.top, null);
    yield* stack.back(); // nothing left: does nothing
  }, virtual);
  assert.deepEqual(sizes, [3, 0]);
  assert.deepEqual(
    log.map((l) => l.split(" ")[1]),
    [
      "A.onCreate",
      "A.onStart",
      "A.onResume",
      "A.onPause",
      "A.onStop",
      "B.onCreate",
      "B.onStart",
      "B.onResume",
      "B.onPause",
      "B.onStop",
      "C.onCreate",
      "C.onStart",
      "C.onResume",
      "back",
      "C.onPause",
      "C.onStop",
      "C.onDestroy",
      "B.onStart",
      "B.onResume",
      "back",
      "B.onPause",
      "B.onStop",
      "B.onDestroy",
      "A.onStart",
      "A.onResume",
      "back",
      "A.onPause",
      "A.onStop",
      "A.onDestroy",
    ],
  );
});

test("a generator hook runs as a task named after the hook, and the next hook waits for it", async () => {
  const log: string[] = [];
  const hookTasks: string[] = [];
  class Slow extends Logged {
    override *onCreate(): Coro<void> {
      hookTasks.push(
        ...getEventLoop()
          .tasks()
          .map((t) => t.name)
          .filter((n) => n.includes("onCreate")),
      );
      yield* sleep(2);
      this.note("onCreate done");
    }
  }
  await run(function* () {
    yield* new ActivityStack().startActivity(new Slow("S", log));
  }, virtual);
  assert.deepEqual(hookTasks, ["Slow.onCreate"]);
  assert.deepEqual(log, ["2000 S.onCreate done", "2000 S.onStart", "2000 S.onResume"]);
});

test("tasks an activity owns are cancelled and awaited, their finally blocks included, before onDestroy", async () => {
  const log: string[] = [];
  class Monitor extends Logged {
    override onCreate(): LifecycleHook {
      this.note("onCreate");
      const note = (what: string): void => this.note(what);
      this.createTask(
        (function* () {
          try {
            for (;;) {
              note("check status");
              yield* sleep(1);
            }
          } finally {
            yield* sleep(0.25); // cleanup that itself waits: park the motor
            note("monitor cleaned up");
          }
        })(),
        { name: "monitor" },
      );
    }
  }
  let listed: string[] = [];
  await run(function* () {
    const stack = new ActivityStack();
    const m = new Monitor("M", log);
    yield* stack.startActivity(m);
    yield* sleep(2.5);
    listed = m.tasks().map((t) => `${t.name} ${t.waitingOn}`);
    yield* stack.back();
    assert.deepEqual(m.tasks(), []);
  }, virtual);
  assert.deepEqual(listed, ["monitor sleep 1000 ms"]);
  assert.deepEqual(log, [
    "0 M.onCreate",
    "0 M.onStart",
    "0 M.onResume",
    "0 M.check status",
    "1000 M.check status",
    "2000 M.check status",
    "2500 M.onPause",
    "2500 M.onStop",
    "2750 M.monitor cleaned up",
    "2750 M.onDestroy",
  ]);
});

test("whileForeground starts the factory on every resume and cancels it on every pause", async () => {
  const counts = { started: 0, stopped: 0, polls: 0 };
  class Sensors extends Activity {
    override onCreate(): LifecycleHook {
      this.whileForeground(
        function* () {
          counts.started++;
          try {
            for (;;) {
              counts.polls++;
              yield* sleep(0.1);
            }
          } finally {
            counts.stopped++;
          }
        },
        { name: "poll" },
      );
    }
  }
  const snapshots: string[] = [];
  const snap = (): void => void snapshots.push(`${counts.started}/${counts.stopped}/${counts.polls}`);
  await run(function* () {
    const stack = new ActivityStack();
    const sensors = new Sensors();
    yield* stack.startActivity(sensors);
    yield* sleep(0.35); // polls at 0, 100, 200, 300
    snap();
    for (let i = 0; i < 3; i++) {
      yield* stack.startActivity(new Activity()); // covers the sensors screen: paused
      assert.equal(sensors.hasForeground(), false);
      assert.deepEqual(sensors.tasks(), []);
      yield* sleep(10);
      snap(); // no polls while covered
      yield* stack.back(); // resumed again
      yield* sleep(0.05);
    }
    yield* stack.back();
    snap();
  }, virtual);
  assert.deepEqual(snapshots, ["1/0/4", "1/1/4", "2/2/5", "3/3/6", "4/4/7"]);
});

test("whileForeground called while the activity is resumed starts at once", async () => {
  let started = 0;
  await run(function* () {
    const stack = new ActivityStack();
    const a = new Activity();
    yield* stack.startActivity(a);
    a.whileForeground(function* () {
      started++;
      yield* sleep(100);
    });
    yield* sleep(0);
    assert.equal(started, 1);
    assert.equal(a.tasks().length, 1);
    yield* stack.back();
  }, virtual);
  assert.equal(started, 1);
});

test("a hook that throws is reported through the exception handler and the lifecycle goes on", async () => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  class Broken extends Logged {
    override onStart(): LifecycleHook {
      throw new Error("no screen");
    }
    override *onPause(): Coro<void> {
      yield* sleep(0.1);
      throw new Error("save failed");
    }
  }
  const loop = newEventLoop(virtual);
  loop.setExceptionHandler((_l, context) => void reports.push(context));
  await loop.runUntilComplete(
    (function* () {
      const stack = new ActivityStack();
      const home = new Logged("Home", log);
      const broken = new Broken("B", log);
      yield* stack.startActivity(home);
      yield* stack.startActivity(broken);
      assert.equal(stack.top, broken);
      assert.equal(broken.hasForeground(), true);
      yield* stack.back();
      assert.equal(stack.size, 1);
      assert.equal(stack.top, home);
      assert.equal(home.hasForeground(), true);
    })(),
  );
  assert.deepEqual(
    reports.map((r) => `${r.message}: ${(r.exception as Error).message}`),
    ["Activity hook Broken.onStart() failed: no screen", "Activity hook Broken.onPause() failed: save failed"],
  );
  assert.ok(reports.every((r) => r["activity"] instanceof Broken));
  assert.deepEqual(
    log.map((l) => l.split(" ")[1]),
    [
      "Home.onCreate",
      "Home.onStart",
      "Home.onResume",
      "Home.onPause",
      "Home.onStop",
      "B.onCreate",
      "B.onResume",
      "B.onStop",
      "B.onDestroy",
      "Home.onStart",
      "Home.onResume",
    ],
  );
});

test("finish() from the activity's own task closes it like back(), and that task is cancelled with the rest", async () => {
  const log: string[] = [];
  let reachedAfterFinish = false;
  class Form extends Logged {
    override onCreate(): LifecycleHook {
      this.note("onCreate");
      const self = this;
      this.createTask(
        (function* () {
          yield* sleep(1);
          self.note("saved");
          self.finish();
          yield* sleep(0);
          reachedAfterFinish = true;
        })(),
        { name: "save" },
      );
    }
  }
  const stack = new ActivityStack();
  await run(function* () {
    yield* stack.startActivity(new Logged("Home", log));
    yield* stack.startActivity(new Form("Form", log));
    yield* sleep(5);
  }, virtual);
  assert.equal(reachedAfterFinish, false);
  assert.equal(stack.size, 1);
  assert.deepEqual(log.slice(-6), [
    "1000 Form.saved",
    "1000 Form.onPause",
    "1000 Form.onStop",
    "1000 Form.onDestroy",
    "1000 Home.onStart",
    "1000 Home.onResume",
  ]);
});

test("finish() on an activity below the top destroys it where it is, leaving the top resumed", async () => {
  const log: string[] = [];
  await run(function* () {
    const stack = new ActivityStack();
    const below = new Logged("Below", log);
    const top = new Logged("Top", log);
    yield* stack.startActivity(below);
    yield* stack.startActivity(top);
    log.length = 0;
    below.finish();
    yield* sleep(0.01);
    assert.equal(stack.size, 1);
    assert.equal(stack.top, top);
    assert.equal(below.lifecycleState, "destroyed");
    below.finish(); // twice: nothing more happens
    new Logged("never started", log).finish(); // not on a stack: nothing happens
    yield* sleep(0.01);
  }, virtual);
  assert.deepEqual(
    log.map((l) => l.split(" ")[1]),
    ["Below.onDestroy"],
  );
});

test("cancelling the task that waits for startActivity does not stop the transition halfway", async () => {
  const log: string[] = [];
  class SlowStart extends Logged {
    override *onStart(): Coro<void> {
      yield* sleep(1);
      this.note("onStart");
    }
  }
  await run(function* () {
    const stack = new ActivityStack();
    const screen = new SlowStart("S", log);
    const opener = createTask(
      (function* () {
        yield* stack.startActivity(screen);
      })(),
    );
    yield* sleep(0.5);
    opener.cancel();
    yield* sleep(0);
    assert.ok(opener.cancelled());
    yield* sleep(1);
    assert.equal(screen.hasForeground(), true);
    assert.equal(stack.top, screen);
  }, virtual);
  assert.deepEqual(log, ["0 S.onCreate", "1000 S.onStart", "1000 S.onResume"]);
});

test("transitions asked for at once run one after the other, in order", async () => {
  const log: string[] = [];
  class Slow extends Logged {
    override *onResume(): Coro<void> {
      yield* sleep(1);
      this.note("onResume");
    }
  }
  await run(function* () {
    const stack = new ActivityStack();
    const first = stack.startActivity(new Slow("One", log));
    const second = stack.startActivity(new Slow("Two", log));
    const back = stack.back();
    yield* first;
    yield* second;
    yield* back;
    assert.equal(stack.size, 1);
  }, virtual);
  assert.deepEqual(
    log.map((l) => l.split(" ").slice(0, 2).join(" ")),
    [
      "0 One.onCreate",
      "0 One.onStart",
      "1000 One.onResume",
      "1000 One.onPause",
      "1000 One.onStop",
      "1000 Two.onCreate",
      "1000 Two.onStart",
      "2000 Two.onResume",
      "2000 Two.onPause",
      "2000 Two.onStop",
      "2000 Two.onDestroy",
      "2000 One.onStart",
      "3000 One.onResume",
    ],
  );
});

test("startActivity refuses what is not an Activity and an activity started before", async () => {
  await run(function* () {
    const stack = new ActivityStack();
    assert.throws(() => stack.startActivity({} as Activity), /activity must be an Activity/);
    const a = new Activity();
    yield* stack.startActivity(a);
    assert.throws(
      () => stack.startActivity(a),
      (e: unknown) => e instanceof RuntimeError && /started before \(it is resumed\)/.test(e.message),
    );
    assert.throws(() => new ActivityStack().startActivity(a), RuntimeError);
    yield* stack.back();
    assert.throws(() => stack.startActivity(a), /it is destroyed/);
  }, virtual);
});

test("a destroyed activity refuses to start tasks, and whileForeground checks its factory", async () => {
  await run(function* () {
    const stack = new ActivityStack();
    const a = new Activity();
    assert.throws(() => a.whileForeground("poll" as unknown as () => Coro<void>), /factory must be a function/);
    yield* stack.startActivity(a);
    yield* stack.back();
    assert.throws(
      () => a.createTask((function* () {})()),
      (e: unknown) => e instanceof RuntimeError && /destroyed, so it cannot start tasks/.test(e.message),
    );
  }, virtual);
});

test("a whileForeground factory that does not return a coroutine is reported, and the activity goes on", async () => {
  const reports: ExceptionContext[] = [];
  const loop = newEventLoop(virtual);
  loop.setExceptionHandler((_l, context) => void reports.push(context));
  await loop.runUntilComplete(
    (function* () {
      const stack = new ActivityStack();
      const a = new Activity();
      a.whileForeground((() => 5) as unknown as () => Coro<void>);
      yield* stack.startActivity(a);
      assert.equal(a.hasForeground(), true);
      yield* stack.back();
    })(),
  );
  assert.equal(reports.length, 1);
  assert.match((reports[0]!.exception as Error).message, /factory\(\) must return a coroutine/);
});
