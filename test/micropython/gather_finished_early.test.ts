// Port of MicroPython tests/extmod/asyncio_gather_finished_early.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, gather, getEventLoop, Event, type Coro, type Task } from "taskloop";
import { ValueError, pyTuple, recorder, virtual } from "./_py.ts";

test("gather of tasks that already finished (or failed) before it started, with and without returnExceptions", async () => {
  const { lines, print } = recorder();

  function* taskThatFinishesEarly(id: string, event: Event, fail: boolean): Coro<void> {
    print("task_that_finishes_early", id);
    event.set();
    if (fail) throw new ValueError("intentional exception", id);
  }

  function* taskThatRuns(): Coro<void> {
    for (let i = 0; i < 5; i++) {
      print("task_that_runs", i);
      yield* sleep(0);
    }
  }

  function* main(startTaskThatRuns: boolean, taskFail: boolean, returnExceptions: boolean): Coro<void> {
    print("== start", startTaskThatRuns, taskFail, returnExceptions);

    // Set exception handler to suppress exception output.
    getEventLoop().setExceptionHandler(() => {});

    // Create tasks.
    const eventA = new Event();
    const eventB = new Event();
    const tasks: Task<void>[] = [];
    if (startTaskThatRuns) tasks.push(createTask(taskThatRuns()));
    tasks.push(createTask(taskThatFinishesEarly("a", eventA, taskFail)));
    tasks.push(createTask(taskThatFinishesEarly("b", eventB, taskFail)));

    // Make sure taskThatFinishesEarly() are both done, before calling gather().
    yield* eventA.wait();
    yield* eventB.wait();

    // Gather the tasks.
    let result: string;
    try {
      result = pyTuple("complete", yield* gather(...tasks, { returnExceptions }));
    } catch (er) {
      result = pyTuple("exception", er, startTaskThatRuns && tasks[0]!.done());
    }

    // Wait for the final task to finish (if it was started).
    if (startTaskThatRuns) yield* tasks[0]!;

    // Print results.
    print(result);
  }

  // Run the test in the 8 different combinations of its arguments.
  for (let i = 0; i < 8; i++) {
    await run(main(Boolean(i & 4), Boolean(i & 2), Boolean(i & 1)), virtual);
  }

  assert.deepEqual(lines, [
    "== start False False False",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "('complete', [None, None])",
    "== start False False True",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "('complete', [None, None])",
    "== start False True False",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "('exception', ValueError('intentional exception', 'a'), False)",
    "== start False True True",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "('complete', [ValueError('intentional exception', 'a'), ValueError('intentional exception', 'b')])",
    "== start True False False",
    "task_that_runs 0",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "task_that_runs 1",
    "task_that_runs 2",
    "task_that_runs 3",
    "task_that_runs 4",
    "('complete', [None, None, None])",
    "== start True False True",
    "task_that_runs 0",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "task_that_runs 1",
    "task_that_runs 2",
    "task_that_runs 3",
    "task_that_runs 4",
    "('complete', [None, None, None])",
    "== start True True False",
    "task_that_runs 0",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "task_that_runs 1",
    "task_that_runs 2",
    "task_that_runs 3",
    "task_that_runs 4",
    "('exception', ValueError('intentional exception', 'a'), False)",
    "== start True True True",
    "task_that_runs 0",
    "task_that_finishes_early a",
    "task_that_finishes_early b",
    "task_that_runs 1",
    "task_that_runs 2",
    "task_that_runs 3",
    "task_that_runs 4",
    "('complete', [None, ValueError('intentional exception', 'a'), ValueError('intentional exception', 'b')])",
  ]);
});
