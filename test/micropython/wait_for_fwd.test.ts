// Port of MicroPython tests/extmod/asyncio_wait_for_fwd.py (+ .exp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, waitFor, isCancelled, TimeoutError, type Coro, type Task } from "taskloop";
import { recorder, virtual } from "./_py.ts";

test("cancelling a task blocked in waitFor is forwarded to the awaited work, whether either side catches it", async () => {
  const { lines, print } = recorder();

  function* awaiting(t: number, returnIfFail: boolean): Coro<boolean | undefined> {
    try {
      print("awaiting started");
      yield* sleep(t);
    } catch (er) {
      if (isCancelled(er)) {
        // CPython wait_for raises CancelledError inside task but TimeoutError in wait_for
        print("awaiting canceled");
        if (returnIfFail) return false; // return has no effect if Cancelled
        throw er;
      }
      print("caught exception", er instanceof Error ? er.message : String(er));
      throw er;
    }
    return undefined;
  }

  function* testCancellationForwarded(catchOutside: boolean, catchInside: boolean): Coro<void> {
    print("----------");

    function* wait(): Coro<void> {
      try {
        yield* waitFor(awaiting(2, catchInside), 1);
      } catch (er) {
        if (er instanceof TimeoutError) {
          print("Got timeout error");
          throw er;
        }
        if (isCancelled(er)) {
          print("Got canceled");
          if (!catchOutside) throw er;
          return;
        }
        throw er;
      }
    }

    function* cancel(t: Task<void>): Coro<void> {
      print("cancel started");
      yield* sleep(0.01);
      print("cancel wait()");
      t.cancel();
    }

    const t = createTask(wait());
    createTask(cancel(t));
    try {
      yield* t;
    } catch (er) {
      if (!isCancelled(er)) throw er;
      print("waiting got cancelled");
    }
  }

  await run(testCancellationForwarded(false, false), virtual);
  await run(testCancellationForwarded(false, true), virtual);
  await run(testCancellationForwarded(true, true), virtual);
  await run(testCancellationForwarded(true, false), virtual);

  assert.deepEqual(lines, [
    "----------",
    "cancel started",
    "awaiting started",
    "cancel wait()",
    "Got canceled",
    "awaiting canceled",
    "waiting got cancelled",
    "----------",
    "cancel started",
    "awaiting started",
    "cancel wait()",
    "Got canceled",
    "awaiting canceled",
    "waiting got cancelled",
    "----------",
    "cancel started",
    "awaiting started",
    "cancel wait()",
    "Got canceled",
    "awaiting canceled",
    "----------",
    "cancel started",
    "awaiting started",
    "cancel wait()",
    "Got canceled",
    "awaiting canceled",
  ]);
});
