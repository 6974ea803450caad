// Ports of the wait cases of CPython 3.12's Lib/test/test_asyncio/test_tasks.py
// (test_wait*): each test runs the case of cpython/wait.py with the same name
// and must print what CPython 3.12 printed (cpython/wait.exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, wait, isCancelled, type Coro, type Task } from "taskloop";
import { expected, names, runCase } from "./_cpython.ts";

const PROGRAM = "wait";

async function check(name: string, body: Parameters<typeof runCase>[0]): Promise<void> {
  assert.deepEqual(await runCase(body), expected(PROGRAM, name));
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

type Print = Parameters<Parameters<typeof runCase>[0]>[0];

function* sleeper(print: Print, clock: () => string, dt: number, name: string, fail = false): Coro<string> {
  yield* sleep(dt);
  print(name, "finished at", clock());
  if (fail) throw new ZeroDivisionError(name);
  return name;
}

test("by default wait returns when every task has finished, and at once when they already have", () =>
  check("all_completed", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 1.5, "b"), { name: "b" });
    let [done, pending] = yield* wait([b, a]);
    print("done", names(done), "pending", names(pending), "at", clock());
    [done, pending] = yield* wait([b, a]);
    print("again: done", names(done), "pending", names(pending), "at", clock());
  }));

test("a task given twice is one task in the result", () =>
  check("duplicate_tasks_count_once", function* (print) {
    function* coro(s: string): Coro<string> {
      return s;
    }
    const c = createTask(coro("test"), { name: "c" });
    const d = createTask(coro("spam"), { name: "d" });
    const [done, pending] = yield* wait([c, c, d]);
    const results = [...done].map((t) => `'${t.result()}'`).sort();
    print("done", names(done), "pending", names(pending), `[${results.join(", ")}]`);
  }));

test("FIRST_COMPLETED returns at the first task that finishes and leaves the rest running", () =>
  check("first_completed", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 10, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 0.1, "b"), { name: "b" });
    const [done, pending] = yield* wait([b, a], { returnWhen: "FIRST_COMPLETED" });
    print("done", names(done), "pending", names(pending), "at", clock(), "a done", a.done());
    a.cancel();
  }));

test("FIRST_COMPLETED counts every task that has finished by the time the waiter resumes", () =>
  check("first_completed_takes_everything_done_by_then", function* (print) {
    function* coro1(): Coro<void> {
      print("coro1 step");
      yield* sleep(0);
      print("coro1 done");
    }
    function* coro2(): Coro<void> {
      print("coro2 step 1");
      yield* sleep(0);
      print("coro2 step 2");
      yield* sleep(0);
      print("coro2 done");
    }
    const a = createTask(coro1(), { name: "a" });
    const b = createTask(coro2(), { name: "b" });
    const [done, pending] = yield* wait([b, a], { returnWhen: "FIRST_COMPLETED" });
    print("done", names(done), "pending", names(pending));
  }));

test("FIRST_EXCEPTION returns at once for a task that has already failed", () =>
  check("first_exception_already_failed", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 10, "a"), { name: "a" });
    const b = createTask(
      (function* (): Coro<void> {
        throw new ZeroDivisionError("err");
      })(),
      { name: "b" },
    );
    yield* sleep(0);
    const [done, pending] = yield* wait([b, a], { returnWhen: "FIRST_EXCEPTION" });
    print("done", names(done), "pending", names(pending), "at", clock());
    a.cancel();
  }));

test("FIRST_EXCEPTION returns when a task fails while waiting", () =>
  check("first_exception_while_waiting", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 10, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 0.1, "b", true), { name: "b" });
    const [done, pending] = yield* wait([b, a], { returnWhen: "FIRST_EXCEPTION" });
    print("done", names(done), "pending", names(pending), "at", clock());
    a.cancel();
  }));

test("FIRST_EXCEPTION waits for every task when none fails", () =>
  check("first_exception_without_failure_waits_for_all", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 0.1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 0.2, "b"), { name: "b" });
    const [done, pending] = yield* wait([b, a], { returnWhen: "FIRST_EXCEPTION" });
    print("done", names(done), "pending", names(pending), "at", clock());
  }));

test("wait never throws a task's error: a failed task is in done", () =>
  check("all_completed_with_an_exception", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 1.5, "b", true), { name: "b" });
    const [done, pending] = yield* wait([b, a]);
    const errors = [...done].filter((f) => f.exception() !== undefined).map((f) => f.name);
    print("done", names(done), "pending", names(pending), "failed", errors.join(","), "at", clock());
  }));

test("a timeout returns what has finished by then, without cancelling the rest", () =>
  check("timeout_returns_what_is_done", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 1.5, "b"), { name: "b" });
    const [done, pending] = yield* wait([b, a], { timeout: 1.1 });
    print("done", names(done), "pending", names(pending), "at", clock());
    yield* wait([a, b]);
    print("then all at", clock());
  }));

test("a timeout of zero gives the tasks already finished", () =>
  check("timeout_zero_gives_the_done_ones", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 0.1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 0, "b"), { name: "b" });
    yield* sleep(0);
    yield* sleep(0);
    const [done, pending] = yield* wait([a, b], { timeout: 0 });
    print("done", names(done), "pending", names(pending), "at", clock());
    a.cancel();
  }));

// A generator object cannot be told from a coroutine in JavaScript (and
// iterating a coroutine would run it), so a generator of tasks is spread first.
test("wait takes any iterable of tasks, and a generator's tasks spread into an array", () =>
  check("iterator_and_generator_of_tasks", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 0.1, "a"), { name: "a" });
    const b = createTask(sleeper(print, clock, 0.2, "b"), { name: "b" });
    const [done, pending] = yield* wait([b, a][Symbol.iterator]());
    print("done", names(done), "pending", names(pending));
    function* func(i: number): Coro<number> {
      return i;
    }
    function* tasks(): Generator<Task<number>> {
      for (let i = 0; i < 3; i++) yield createTask(func(i), { name: `t${i}` });
    }
    const [done2, pending2] = yield* wait([...tasks()]);
    print("done", names(done2), "pending", names(pending2));
  }));

test("cancelling the waiting task leaves the tasks it waited for running", () =>
  check("cancelling_the_waiter_leaves_the_tasks_running", function* (print, clock) {
    const a = createTask(sleeper(print, clock, 0.2, "a"), { name: "a" });
    function* waiter(): Coro<void> {
      try {
        yield* wait([a]);
      } catch (e) {
        if (isCancelled(e)) print("waiter cancelled, a done", a.done());
        throw e;
      }
    }
    const w = createTask(waiter(), { name: "w" });
    yield* sleep(0.1);
    w.cancel();
    try {
      yield* w;
    } catch (e) {
      if (!isCancelled(e)) throw e;
    }
    print("a result", yield* a, "at", clock());
  }));

test("the waiter resumes in the same turn of the loop as CPython's", () =>
  check("wakes_in_the_same_turn_as_cpython", function* (print) {
    function* ticker(): Coro<void> {
      for (let i = 0; i < 5; i++) {
        print("tick", i);
        yield* sleep(0);
      }
    }
    function* quick(): Coro<void> {
      print("quick done");
    }
    const q = createTask(quick(), { name: "q" });
    const t = createTask(ticker(), { name: "t" });
    const [done] = yield* wait([q]);
    print("wait returned", names(done));
    yield* t;
  }));

// ---- misuse (CPython raises ValueError/TypeError for these) ----

test("wait checks its arguments", async () => {
  await run(
    function* () {
      const t = createTask(sleep(0.1) as unknown as Coro<void>);
      assert.throws(() => wait([]), /wait\(tasks\): tasks is empty/);
      assert.throws(() => wait([t], { returnWhen: "FIRST" as "FIRST_COMPLETED" }), RangeError);
      assert.throws(
        () =>
          wait([
            sleeper(
              () => {},
              () => "",
              1,
              "x",
            ) as unknown as Task<string>,
          ]),
        /coroutines are not accepted/,
      );
      assert.throws(() => wait(t as unknown as Task<unknown>[]), /write wait\(\[task\]\)/);
      assert.throws(
        () =>
          wait(
            sleeper(
              () => {},
              () => "",
              1,
              "x",
            ) as unknown as Task<string>[],
          ),
        /a generator object/,
      );
      assert.throws(() => wait([t], { timeout: Number.NaN }), TypeError);
      assert.throws(() => wait([t], { timout: 1 } as unknown as { timeout: number }), /unknown option "timout"/);
      yield* t;
    },
    { clock: "virtual" },
  );
});

test("the sets keep the tasks' own types", async () => {
  await run(
    function* () {
      const n = createTask(
        (function* (): Coro<number> {
          return 1;
        })(),
      );
      const s = createTask(
        (function* (): Coro<string> {
          return "x";
        })(),
      );
      const [done] = yield* wait([n, s]);
      const results: (number | string)[] = [...done].map((t) => t.result());
      assert.deepEqual(results.sort(), [1, "x"]);
    },
    { clock: "virtual" },
  );
});
