// Port of MicroPython tests/extmod/asyncio_cancel_self.py (+ .exp).
// MicroPython documents this as unsupported (its .exp says "can't cancel self");
// SPEC.md rule 2 says CPython 3.12 wins for documented MicroPython limitations,
// so the expected lines are CPython 3.12's output for the same program.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, isCancelled, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("a task that cancels itself and then returns ends cancelled, and its awaiter gets CancelledError", async () => {
  const { lines, print } = recorder();
  let globalTask: Task<void> | null = null;

  function* task(): Coro<void> {
    print("task start");
    globalTask!.cancel();
  }

  function* main(): Coro<void> {
    globalTask = createTask(task());
    try {
      yield* globalTask;
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("main cancel");
    }
    print("main done");
  }

  try {
    await run(main(), virtual);
  } catch (er) {
    print(er instanceof Error ? er.message : String(er));
  }
  assert.deepEqual(lines, ["task start", "main cancel", "main done"]);
});

// Not in the MicroPython test: the same program with a suspension after the
// self-cancel (SPEC §2: "CancelledError is raised at its next suspension point").
// Expected lines are CPython 3.12's output.
test("a task that cancels itself gets CancelledError at its next suspension point", async () => {
  const { lines, print } = recorder();
  let globalTask: Task<void> | null = null;

  function* task(): Coro<void> {
    print("task start");
    globalTask!.cancel();
    try {
      yield* sleep(0);
      print("not reached");
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("task cancelled at its next await");
      throw er;
    }
  }

  function* main(): Coro<void> {
    globalTask = createTask(task());
    try {
      yield* globalTask;
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("main cancel");
    }
    print(globalTask.cancelled());
    print("main done");
  }

  await run(main(), virtual);
  assert.deepEqual(lines, ["task start", "task cancelled at its next await", "main cancel", "True", "main done"]);
});
