import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { run, createTask, sleep, until, call, type Coro, type Task, getEventLoop } from "taskloop";

const virtual = { clock: "virtual" } as const;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const N = 2000;

/**
 * Makes N tasks wait on `wait(never)` for a promise that never settles, cancels
 * them, lets them finish, drops every reference the test holds, and counts how
 * many task objects and per-task markers (held only by the generator's frame)
 * are still alive after a forced GC.
 */
async function survivorsOfCancelledWaits(wait: (never: Promise<never>) => Coro<unknown>): Promise<{ tasks: number; markers: number; keep: Promise<never> }> {
  const never = new Promise<never>(() => {});
  const taskRefs: WeakRef<Task<unknown>>[] = [];
  const markerRefs: WeakRef<object>[] = [];
  await run(function* () {
    let tasks: Task<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      const marker = { i, payload: new Array(16).fill(i) };
      markerRefs.push(new WeakRef(marker));
      const t = createTask(
        (function* () {
          try {
            yield* wait(never);
          } finally {
            marker.payload.length = 0; // keeps `marker` in the generator's frame
          }
        })(),
      );
      taskRefs.push(new WeakRef(t));
      tasks.push(t);
    }
    // No timed sleeps: virtual time stands still while a host wait is pending.
    yield* sleep(0);
    for (const t of tasks) t.cancel();
    yield* sleep(0);
    yield* sleep(0);
    for (const t of tasks) assert.equal(t.cancelled(), true);
    tasks = [];
  }, virtual);
  for (let round = 0; round < 3; round++) {
    await macrotask();
    gc();
  }
  return {
    tasks: taskRefs.filter((r) => r.deref() !== undefined).length,
    markers: markerRefs.filter((r) => r.deref() !== undefined).length,
    keep: never,
  };
}

function assertCollected(s: { tasks: number; markers: number }): void {
  // "Almost all": a handful may survive in the engine's caches, not thousands.
  assert.ok(s.tasks <= N / 100, `${s.tasks} of ${N} cancelled tasks are still reachable`);
  assert.ok(s.markers <= N / 100, `${s.markers} of ${N} cancelled generators' frames are still reachable`);
}

test("a cancelled until(p) on a promise that never settles does not keep its task reachable", { timeout: 30_000 }, async () => {
  const s = await survivorsOfCancelledWaits(function* (never) {
    return yield* until(never);
  });
  assertCollected(s);
  assert.ok(s.keep instanceof Promise); // the long-lived promise is alive throughout
});

test("a cancelled `yield p` on a promise that never settles does not keep its task reachable", { timeout: 30_000 }, async () => {
  const s = await survivorsOfCancelledWaits(function* (never) {
    return (yield never) as unknown;
  });
  assertCollected(s);
  assert.ok(s.keep instanceof Promise);
});

test("a cancelled call(fn) whose promise never settles does not keep its task reachable", { timeout: 30_000 }, async () => {
  const s = await survivorsOfCancelledWaits(function* (never) {
    return yield* call(() => never);
  });
  assertCollected(s);
  assert.ok(s.keep instanceof Promise);
});

/** What the task caught: `{ caught }` so that `undefined` is told apart from no throw. */
function* catchOf(body: () => Coro<unknown>): Coro<{ caught: unknown } | "no throw"> {
  try {
    yield* body();
    return "no throw";
  } catch (e) {
    return { caught: e };
  }
}

test("until() of a promise rejected with undefined throws exactly undefined into the task, not a symbol", { timeout: 5000 }, async () => {
  const got = await run(function* () {
    return yield* catchOf(function* () {
      return yield* until(Promise.reject());
    });
  }, virtual);
  assert.deepEqual(got, { caught: undefined });
});

test("`yield` of a promise rejected with undefined throws exactly undefined into the task, not a symbol", { timeout: 5000 }, async () => {
  const got = await run(function* () {
    return yield* catchOf(function* () {
      return (yield Promise.reject()) as unknown;
    });
  }, virtual);
  assert.deepEqual(got, { caught: undefined });
});

test("call() of an async function that throws undefined throws exactly undefined into the task, not a symbol", { timeout: 5000 }, async () => {
  const got = await run(function* () {
    return yield* catchOf(function* () {
      return yield* call(async () => {
        throw undefined;
      });
    });
  }, virtual);
  assert.deepEqual(got, { caught: undefined });
});

test("until waits for a host promise and types its result", async () => {
  await run(function* () {
    const n: number = yield* until(new Promise<number>((r) => setTimeout(() => r(7), 5)));
    assert.equal(n, 7);
    try {
      yield* until(Promise.reject(new Error("nope")));
      assert.fail("expected rejection");
    } catch (e) {
      assert.equal((e as Error).message, "nope");
    }
  });
  assert.throws(() => until(3 as unknown as Promise<number>), /until\(p\): p must be a promise/);
});

test("call runs host work with a signal and gives its result, sync or async", async () => {
  await run(function* () {
    const sync = yield* call((signal) => (signal instanceof AbortSignal ? "sync" : "no signal"));
    assert.equal(sync, "sync");
    const asyncValue = yield* call(async () => "async");
    assert.equal(asyncValue, "async");
  });
  assert.throws(() => call("x" as unknown as () => number), TypeError);
});

test("virtual time does not jump while a task waits on a host promise", async () => {
  await run(function* () {
    const loop = getEventLoop();
    createTask(
      (function* () {
        yield* sleep(3600);
      })(),
    );
    yield* until(new Promise((r) => setTimeout(r, 20)));
    assert.equal(loop.time(), 0);
  }, virtual);
});
