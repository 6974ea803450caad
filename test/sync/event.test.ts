import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, newEventLoop, Event, RuntimeError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

/** Runs `body` as a task of `loop` and gives what it returned or threw (run errors included). */
async function outcome(loop: ReturnType<typeof newEventLoop>, body: () => Coro<unknown>): Promise<unknown> {
  try {
    return await loop.runUntilComplete(
      (function* () {
        try {
          return { returned: yield* body() };
        } catch (e) {
          return e;
        }
      })(),
    );
  } catch (e) {
    return { runRejected: e };
  }
}

// CPython 3.12: RuntimeError: <asyncio.locks.Event ...> is bound to a different event loop
test("an Event waited on by a task of one loop refuses a wait() from a task of another loop with a RuntimeError naming the different event loop", {
  timeout: 5000,
}, async () => {
  const ev = new Event();
  const first = newEventLoop(virtual);
  first.createTask(
    (function* () {
      yield* ev.wait();
    })(),
    { name: "waits in the first loop" },
  );
  await first.runUntilComplete(
    (function* () {
      yield;
      yield;
    })(),
  ); // the waiter is parked on ev
  const second = newEventLoop(virtual);
  const got = await outcome(second, function* () {
    return yield* ev.wait();
  });
  assert.ok(got instanceof RuntimeError, `expected a RuntimeError thrown by wait(), got ${String((got as { runRejected?: unknown }).runRejected ?? got)}`);
  assert.match(got.message, /different event loop/);
});

test("an Event whose waiters are gone can be waited on by a task of the next loop (it outlives a run)", async () => {
  const ev = new Event();
  await run(
    function* () {
      createTask(
        (function* () {
          yield* sleep(0.01);
          ev.set();
        })(),
      );
      yield* ev.wait();
    },
    { clock: "virtual" },
  );
  ev.clear();
  const order: string[] = [];
  await run(
    function* () {
      createTask(
        (function* () {
          yield* sleep(0.01);
          order.push("set");
          ev.set();
        })(),
      );
      yield* ev.wait();
      order.push("woke");
    },
    { clock: "virtual" },
  );
  assert.deepEqual(order, ["set", "woke"]);
});
