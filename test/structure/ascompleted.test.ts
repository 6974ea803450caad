// Ports of the as_completed cases of CPython 3.12's
// Lib/test/test_asyncio/test_tasks.py (test_as_completed*): each test runs the
// case of cpython/ascompleted.py with the same name and must print what
// CPython 3.12 printed (cpython/ascompleted.exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, wait, asCompleted, TimeoutError, type Coro, type Awaitable } from "taskloop";
import { expected, runCase } from "./_cpython.ts";

const PROGRAM = "ascompleted";

async function check(name: string, body: Parameters<typeof runCase>[0]): Promise<void> {
  assert.deepEqual(await runCase(body), expected(PROGRAM, name));
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

function* sleeper<T>(dt: number, x: T, fail = false): Coro<T> {
  yield* sleep(dt);
  if (fail) throw new ZeroDivisionError(String(x));
  return x;
}

test("asCompleted gives the results in the order the work finishes", () =>
  check("results_in_completion_order", function* (print, clock) {
    for (const f of asCompleted([sleeper(0.2, "b"), sleeper(1.5, "c"), sleeper(0.1, "a")])) {
      print("got", yield* f, "at", clock());
    }
  }));

test("after the timeout the awaitables not yet served throw TimeoutError and the work runs on", () =>
  check("timeout_throws_for_the_rest", function* (print, clock) {
    const a = createTask(sleeper(1, "a"));
    const b = createTask(sleeper(1.5, "b"));
    for (const f of asCompleted([a, b], { timeout: 1.2 })) {
      try {
        print("got", yield* f, "at", clock());
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        print("TimeoutError at", clock(), "b done", b.done());
      }
    }
    yield* b;
    print("b still finished at", clock());
  }));

test("a timeout that is not reached leaves no timer behind", () =>
  check("unused_timeout", function* (print, clock) {
    for (const f of asCompleted([sleeper(0.1, "a")], { timeout: 1 })) print("got", yield* f, "at", clock());
    yield* sleep(2);
    print("nothing more at", clock());
  }));

test("whichever awaitable is awaited first gets the first result", () =>
  check("awaitables_in_any_order", function* (print, clock) {
    const futs = [...asCompleted([sleeper(0.5, "a"), sleeper(1, "b")])];
    print(futs.length, "awaitables");
    print("second awaitable gives", yield* futs[1]!, "at", clock());
    print("first awaitable gives", yield* futs[0]!, "at", clock());
  }));

test("the awaitables can be awaited concurrently by tasks of their own", () =>
  check("awaited_concurrently", function* (print) {
    const futs = [...asCompleted([sleeper(0.5, "a"), sleeper(0.6, "b")])];
    const [done] = yield* wait(futs.map((f) => createTask(f as Coro<string>)));
    print(
      `[${[...done]
        .map((t) => `'${t.result()}'`)
        .sort()
        .join(", ")}]`,
    );
  }));

test("a coroutine given twice runs once", () =>
  check("duplicate_coroutines_run_once", function* (print) {
    function* coro(s: string): Coro<string> {
      return s;
    }
    const c = coro("ham");
    const result: string[] = [];
    for (const f of asCompleted([c, c, coro("spam")])) result.push(yield* f);
    print(
      `[${result
        .sort()
        .map((s) => `'${s}'`)
        .join(", ")}]`,
    );
  }));

test("an error comes out of its awaitable, in completion order, and the rest go on", () =>
  check("errors_come_out_in_order", function* (print) {
    for (const f of asCompleted([sleeper(0.1, "a"), sleeper(0.2, "b", true), sleeper(0.3, "c")])) {
      try {
        print("got", yield* f);
      } catch (e) {
        if (!(e instanceof ZeroDivisionError)) throw e;
        print("ZeroDivisionError", e.message);
      }
    }
  }));

test("tasks that have already finished are served too", () =>
  check("tasks_already_done", function* (print) {
    const t = createTask(
      (function* (): Coro<string> {
        return "q";
      })(),
    );
    yield* sleep(0);
    print("done before", t.done());
    for (const f of asCompleted([t])) print("got", yield* f);
  }));

test("the result arrives in the same turn of the loop as CPython's", () =>
  check("wakes_in_the_same_turn_as_cpython", function* (print) {
    function* ticker(): Coro<void> {
      for (let i = 0; i < 6; i++) {
        print("tick", i);
        yield* sleep(0);
      }
    }
    function* quick(): Coro<string> {
      print("quick ran");
      return "q";
    }
    const t = createTask(ticker());
    for (const f of asCompleted([quick()])) print("got", yield* f);
    yield* t;
  }));

// ---- beyond CPython's tests ----

test("results of mixed types come out as a union, without casts", async () => {
  await run(
    function* () {
      const got: (number | string)[] = [];
      for (const f of asCompleted([sleeper(0.2, 1), sleeper(0.1, "one")])) {
        const v: number | string = yield* f;
        got.push(v);
      }
      assert.deepEqual(got, ["one", 1]);
    },
    { clock: "virtual" },
  );
});

test("asCompleted checks its arguments", () => {
  assert.throws(() => asCompleted(42 as unknown as Awaitable<number>[]), /asCompleted\(aws\): aws must be an array/);
  assert.throws(() => asCompleted([() => 1] as unknown as Awaitable<number>[]), /item 1 must be a task, a coroutine or an awaitable/);
  assert.throws(() => asCompleted([], { timeout: "1" as unknown as number }), TypeError);
});
