import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

// Values the scheduler cannot inspect: `instanceof`, `typeof x.then` and the like throw
// on them. A failure must stay inside its task: awaiting the task rethrows, run() settles,
// the process goes on.

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Awaits `t` and gives what it threw (or "returned"), without inspecting the value. */
function* outcomeOf(t: Coro<unknown>): Coro<{ threw: boolean; value: unknown }> {
  const task = createTask(t);
  try {
    return { threw: false, value: yield* task };
  } catch (e) {
    return { threw: true, value: e };
  }
}

test("a task that throws a revoked Proxy fails with it: the awaiter gets the proxy back and run settles", { timeout: 5000 }, async () => {
  const proxy = revokedProxy();
  const got = await run(function* () {
    return yield* outcomeOf(
      (function* (): Coro<void> {
        yield;
        throw proxy;
      })(),
    );
  }, virtual);
  assert.equal(got.threw, true);
  assert.ok(got.value === proxy, "the awaiter must receive the very value the task threw");
});

test("a task that yields a revoked Proxy gets a TypeError it can see, and run settles", { timeout: 5000 }, async () => {
  const got = await run(function* () {
    return yield* outcomeOf(
      (function* (): Coro<void> {
        yield revokedProxy() as unknown as undefined;
      })(),
    );
  }, virtual);
  assert.equal(got.threw, true);
  assert.ok(got.value instanceof TypeError, `expected a TypeError, got ${String(got.value)}`);
});

test("a task that yields an object whose then getter throws fails with that error (or a TypeError), and run settles", { timeout: 5000 }, async () => {
  const boom = new Error("then getter");
  const got = await run(function* () {
    return yield* outcomeOf(
      (function* (): Coro<void> {
        yield {
          get then(): never {
            throw boom;
          },
        } as unknown as undefined;
      })(),
    );
  }, virtual);
  assert.equal(got.threw, true);
  assert.ok(got.value === boom || got.value instanceof TypeError, `expected the getter's error or a TypeError, got ${String(got.value)}`);
});

test("the loop keeps running other tasks after a task failed with a value it cannot inspect", { timeout: 5000 }, async () => {
  const log: string[] = [];
  await run(function* () {
    const bad = createTask(
      (function* (): Coro<void> {
        yield;
        throw revokedProxy();
      })(),
    );
    const good = createTask(
      (function* () {
        yield;
        yield;
        log.push("good ran");
      })(),
    );
    try {
      yield* bad;
    } catch {
      log.push("bad failed");
    }
    yield* good;
  }, virtual);
  assert.deepEqual(log, ["bad failed", "good ran"]);
});

test("a task nobody awaits that throws a revoked Proxy is reported by the default exception handler without crashing, and run settles", {
  timeout: 5000,
}, async () => {
  const result = await run(function* () {
    createTask(
      (function* (): Coro<void> {
        yield;
        throw revokedProxy();
      })(),
    );
    yield;
    yield;
    yield;
    return "main done";
  }, virtual);
  assert.equal(result, "main done");
});
