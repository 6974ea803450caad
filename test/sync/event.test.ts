import { test } from "node:test";
import assert from "node:assert/strict";
import { newEventLoop, Event, RuntimeError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

/** Runs `body` as a task of `loop` and gives what it returned or threw (run errors included). */
async function outcome(loop: ReturnType<typeof newEventLoop>, body: () => Coro<unknown>): Promise<unknown> {
  try {
    return await loop.runUntilComplete(function* () {
      try {
        return { returned: yield* body() };
      } catch (e) {
        return e;
      }
    }());
  } catch (e) {
    return { runRejected: e };
  }
}

// CPython 3.12: RuntimeError: <asyncio.locks.Event ...> is bound to a different event loop
test("an Event waited on by a task of one loop refuses a wait() from a task of another loop with a RuntimeError naming the different event loop", { timeout: 5000 }, async () => {
  const ev = new Event();
  const first = newEventLoop(virtual);
  first.createTask(function* () { yield* ev.wait(); }(), { name: "waits in the first loop" });
  await first.runUntilComplete(function* () { yield; yield; }()); // the waiter is parked on ev
  const second = newEventLoop(virtual);
  const got = await outcome(second, function* () { return yield* ev.wait(); });
  assert.ok(got instanceof RuntimeError, `expected a RuntimeError thrown by wait(), got ${String((got as { runRejected?: unknown }).runRejected ?? got)}`);
  assert.match(got.message, /different event loop/);
});
