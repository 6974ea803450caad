import { test } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, createTask, run, sleep, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

/**
 * A coroutine written by hand (not a generator function): the scheduler
 * resumes native generators through the builtin `next`/`throw`, and wraps
 * anything else in a generator that delegates to it.
 */
function handWritten(log: string[]): Coro<string> {
  let step = 0;
  const inner = sleep(0.5)[Symbol.iterator]();
  const it: Coro<string> = {
    next(value?: unknown): IteratorResult<unknown, string> {
      if (step === 0) {
        step = 1;
        log.push("start");
        return inner.next() as IteratorResult<unknown, string>; // parks the task in the sleep (a yield)
      }
      if (step === 1) {
        const r = inner.next(value); // the resume
        if (!r.done) return r as IteratorResult<unknown, string>;
        step = 2;
        log.push("woke");
        return { value: "done", done: true };
      }
      return { value: "done", done: true };
    },
    throw(error: unknown): IteratorResult<unknown, string> {
      log.push(`thrown ${error instanceof CancelledError ? "CancelledError" : String(error)}`);
      throw error;
    },
    return(value: string): IteratorResult<unknown, string> {
      return { value, done: true };
    },
    [Symbol.iterator]() {
      return this;
    },
  } as Coro<string>;
  return it;
}

test("a hand-written iterator runs as a task: it parks, is resumed with the resume value, and its return value is the task's result", async () => {
  const log: string[] = [];
  const got = await run(function* () {
    return yield* createTask(handWritten(log));
  }, virtual);
  assert.equal(got, "done");
  assert.deepEqual(log, ["start", "woke"]);
});

test("cancelling a task whose coroutine is a hand-written iterator throws CancelledError into it", async () => {
  const log: string[] = [];
  await run(function* () {
    const t = createTask(handWritten(log));
    yield* sleep(0.1);
    t.cancel();
    yield* sleep(0);
    assert.equal(t.cancelled(), true);
  }, virtual);
  assert.deepEqual(log, ["start", "thrown CancelledError"]);
});
