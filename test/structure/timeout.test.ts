// Ports of CPython 3.12's Lib/test/test_asyncio/test_timeouts.py: each test
// runs the case of cpython/timeout.py with the same name and must print what
// CPython 3.12 printed (cpython/timeout.exp). Not ported: entering one scope
// twice and rescheduling before entry (the scope object exists only inside
// timeout(), so neither can be written).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  run,
  createTask,
  currentTask,
  sleep,
  timeout,
  timeoutAt,
  isCancelled,
  getEventLoop,
  TimeoutError,
  CancelledError,
  RuntimeError,
  type Coro,
  type Timeout,
} from "taskloop";
import { expected, inSeconds, runCase } from "./_cpython.ts";

const PROGRAM = "timeout";

/** Keeps the loop busy for `seconds` without yielding, as CPython's time.sleep() in a task does. */
function busy(seconds: number): void {
  getEventLoop().blockFor(seconds * 1000);
}

function isTimeout(e: unknown): e is TimeoutError {
  return e instanceof TimeoutError;
}

async function check(name: string, body: Parameters<typeof runCase>[0]): Promise<void> {
  assert.deepEqual(await runCase(body), expected(PROGRAM, name));
}

test("a scope whose deadline passes cancels the body and throws TimeoutError caused by the CancelledError", () =>
  check("expires", function* (print, clock) {
    let cm!: Timeout;
    try {
      yield* timeout(0.1, function* (scope) {
        cm = scope;
        yield* sleep(10);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("TimeoutError, cause", (e.cause as Error).name, "at", clock());
    }
    print("expired", cm.expired());
  }));

test("timeoutAt takes an absolute deadline on the loop's clock and when() gives it back", () =>
  check("timeout_at_expires", function* (print, clock) {
    const deadline = inSeconds(0.1);
    let cm!: Timeout;
    try {
      yield* timeoutAt(deadline, function* (scope) {
        cm = scope;
        yield* sleep(10);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("TimeoutError at", clock());
    }
    print("expired", cm.expired(), "when is the deadline", cm.when() === deadline);
  }));

test("of nested scopes expiring together only the outer one throws TimeoutError", () =>
  check("nested_same_deadline_only_outer_raises", function* (print) {
    const deadline = inSeconds(0.1);
    let cm1!: Timeout, cm2!: Timeout;
    try {
      yield* timeoutAt(deadline, function* (outer) {
        cm1 = outer;
        try {
          yield* timeoutAt(deadline, function* (inner) {
            cm2 = inner;
            yield* sleep(10);
          });
        } catch (e) {
          if (isCancelled(e)) print("inner scope let CancelledError through");
          throw e;
        }
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("outer scope raised TimeoutError");
    }
    print("expired", cm1.expired(), cm2.expired());
  }));

test("the body sees CancelledError where it waits when the deadline comes", () =>
  check("body_sees_cancelled_error", function* (print) {
    try {
      yield* timeout(0.1, function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (isCancelled(e)) print("body: CancelledError");
          throw e;
        }
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("TimeoutError");
    }
  }));

test("a body that finishes in time leaves the scope unexpired", () =>
  check("not_expired", function* (print) {
    let cm!: Timeout;
    yield* timeout(10, function* (scope) {
      cm = scope;
      yield* sleep(0.1);
    });
    print("expired", cm.expired(), "deadline still ahead", cm.when()! > getEventLoop().time());
  }));

test("a null deadline never expires", () =>
  check("disabled", function* (print) {
    let cm!: Timeout;
    yield* timeout(null, function* (scope) {
      cm = scope;
      yield* sleep(0.1);
    });
    print("expired", cm.expired(), "when", cm.when());
    yield* timeoutAt(null, function* (scope) {
      cm = scope;
      yield* sleep(0.1);
    });
    print("expired", cm.expired(), "when", cm.when());
  }));

test("a deadline of zero or in the past lets the body run until it first waits, then expires", () =>
  check("zero_and_past", function* (print) {
    for (const [delay, pause] of [
      [0, 10],
      [0, 0],
      [-11, 0],
    ] as const) {
      let cm!: Timeout;
      try {
        yield* timeout(delay, function* (scope) {
          cm = scope;
          print("body runs until it waits", delay, pause);
          yield* sleep(pause);
          print("never printed");
        });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        print("TimeoutError, expired", cm.expired());
      }
    }
  }));

test("a zero deadline expires one turn of the loop later, as CPython's call_soon", () =>
  check("zero_expires_one_turn_later", function* (print) {
    function* ticker(): Coro<void> {
      for (let i = 0; i < 4; i++) {
        print("tick", i);
        yield* sleep(0);
      }
    }
    const t = createTask(ticker());
    try {
      yield* timeout(0, function* () {
        print("body start");
        yield* sleep(0);
        print("body after one turn");
        yield* sleep(0);
        print("body after two turns");
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("TimeoutError");
    }
    yield* t;
  }));

class KeyError extends Error {
  override name = "KeyError";
}

test("any other error passes through the scope unchanged", () =>
  check("other_error_passes", function* (print) {
    let cm!: Timeout;
    try {
      yield* timeout(0.1, function* (scope) {
        cm = scope;
        throw new KeyError("k");
      });
    } catch (e) {
      if (!(e instanceof KeyError)) throw e;
      print("KeyError, expired", cm.expired());
    }
  }));

test("an error thrown by the body's cleanup after the deadline wins over TimeoutError", () =>
  check("error_in_cleanup_after_timeout_wins", function* (print) {
    class ZeroDivisionError extends Error {}
    function* crash(): Coro<void> {
      try {
        yield* sleep(1);
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new ZeroDivisionError();
      }
    }
    try {
      yield* timeout(0.1, crash());
    } catch (e) {
      if (!(e instanceof ZeroDivisionError)) throw e;
      print("ZeroDivisionError");
    }
  }));

test("a cancellation from anyone else passes through an unexpired scope", () =>
  check("foreign_cancel_passes_through", function* (print) {
    function* body(): Coro<void> {
      yield* timeout(10, function* (cm) {
        currentTask().cancel();
        try {
          yield* sleep(10);
        } finally {
          print("cm expired in body", cm.expired());
        }
      });
    }
    const t = createTask(body());
    try {
      yield* t;
    } catch (e) {
      if (!isCancelled(e)) throw e;
      print("CancelledError, task cancelled", t.cancelled());
    }
  }));

test("a task that caught a scope's TimeoutError goes on and does not end cancelled", () =>
  check("outer_task_is_not_cancelled", function* (print) {
    function* outer(): Coro<string> {
      try {
        yield* timeout(0.01, function* () {
          yield* sleep(10);
        });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        print("outer caught TimeoutError");
      }
      yield* sleep(0.1);
      return "went on";
    }
    const task = createTask(outer());
    print(yield* task, "cancelled", task.cancelled(), "done", task.done());
  }));

test("when the loop was busy past the outer deadline, the inner scope lets the cancellation through", () =>
  check("nested_concurrent_expiry", function* (print) {
    try {
      yield* timeout(0.02, function* () {
        try {
          yield* timeout(1, function* () {
            busy(0.1);
            yield* sleep(1);
          });
        } catch (e) {
          if (isTimeout(e)) print("inner TimeoutError");
          else if (isCancelled(e)) print("inner lets CancelledError through");
          throw e;
        }
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("outer TimeoutError");
    }
  }));

test("when both nested deadlines passed, the inner scope passes the cancellation on and the outer converts it", () =>
  check("nested_both_expired_outer_converts", function* (print) {
    let outer!: Timeout, inner!: Timeout;
    try {
      yield* timeout(1, function* (o) {
        outer = o;
        try {
          yield* timeout(0.1, function* (i) {
            inner = i;
            busy(1.2);
            yield* sleep(1);
          });
        } catch (e) {
          if (isCancelled(e)) print("inner lets CancelledError through, expired", inner.expired());
          throw e;
        }
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("outer TimeoutError, expired", outer.expired());
    }
  }));

test("an outer scope interrupts what follows an inner scope's caught TimeoutError", () =>
  check("outer_interrupts_after_inner_caught", function* (print, clock) {
    try {
      yield* timeout(1, function* () {
        try {
          yield* timeout(0.1, function* () {
            yield* sleep(1);
          });
        } catch (e) {
          if (!isTimeout(e)) throw e;
          print("inner TimeoutError at", clock());
        }
        yield* sleep(10);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("outer TimeoutError at", clock());
    }
  }));

test("another task can reschedule a scope, and clear its deadline with null", () =>
  check("reschedule_from_another_task", function* (print) {
    const deadline1 = inSeconds(10);
    const deadline2 = deadline1 + 20_000;
    let cm: Timeout | null = null;
    function* f(): Coro<void> {
      yield* timeoutAt(deadline1, function* (scope) {
        cm = scope;
        yield* sleep(50);
      });
    }
    const task = createTask(f());
    while (cm === null) yield* sleep(0);
    const scope: Timeout = cm;
    print("when is deadline1", scope.when() === deadline1);
    scope.reschedule(deadline2);
    print("when is deadline2", scope.when() === deadline2);
    scope.reschedule(null);
    print("when", scope.when());
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      if (!isCancelled(e)) throw e;
      print("CancelledError, expired", scope.expired());
    }
  }));

test("reschedule moves the deadline later or sooner, into the past too", () =>
  check("reschedule_later_and_sooner", function* (print, clock) {
    let cm!: Timeout;
    yield* timeout(0.5, function* (scope) {
      cm = scope;
      yield* sleep(0.2);
      scope.reschedule(inSeconds(1));
      yield* sleep(0.5);
    });
    print("moved later: done at", clock(), "expired", cm.expired());
    try {
      yield* timeout(10, function* (scope) {
        yield* sleep(0.2);
        scope.reschedule(inSeconds(-1));
        print("rescheduled into the past");
        yield* sleep(1);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("moved sooner: TimeoutError at", clock());
    }
  }));

test("a scope shows its state as CPython's repr does", () =>
  check("repr_of_states", function* (print) {
    let cm!: Timeout;
    yield* timeout(10, function* (scope) {
      cm = scope;
      print(String(scope).startsWith("<Timeout [active] when="));
    });
    print(String(cm));
    try {
      yield* timeout(0.1, function* (scope) {
        cm = scope;
        yield* sleep(10);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print(String(cm));
    }
    yield* timeout(null, function* (scope) {
      print(String(scope));
    });
  }));

test("a scope inside the cleanup of an expired scope times out on its own", () =>
  check("timeout_in_finally_after_timeout", function* (print) {
    try {
      yield* timeout(0.1, function* () {
        try {
          yield* sleep(1);
        } finally {
          try {
            yield* timeout(0.1, function* () {
              yield* sleep(10);
            });
          } catch (e) {
            if (!isTimeout(e)) throw e;
            print("inner TimeoutError in finally");
          }
        }
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("outer TimeoutError");
    }
  }));

test("a scope in the cleanup of a caught cancellation still times out", () =>
  check("timeout_after_caught_cancellation", function* (print) {
    try {
      currentTask().cancel();
      yield* sleep(1);
    } catch (e) {
      if (!isCancelled(e)) throw e;
      print("caught CancelledError");
    } finally {
      try {
        yield* timeout(0, function* () {
          yield* sleep(1);
        });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        print("TimeoutError in cleanup");
      }
    }
  }));

test("a cancellation inside a scope in the cleanup of a caught cancellation passes through", () =>
  check("cancel_in_timeout_after_caught_cancellation", function* (print) {
    try {
      currentTask().cancel();
      yield* sleep(1);
    } catch (e) {
      if (!isCancelled(e)) throw e;
      print("caught CancelledError");
    } finally {
      try {
        yield* timeout(1, function* () {
          currentTask().cancel();
          yield* sleep(2);
        });
      } catch (e) {
        if (!isCancelled(e)) throw e;
        print("CancelledError passes through");
      }
    }
  }));

test("reschedule after the scope finished, expired or while expiring throws RuntimeError; a body that swallows the cancellation ends normally", () =>
  check("state_errors", function* (print) {
    let cm!: Timeout;
    try {
      yield* timeout(0.1, function* (scope) {
        cm = scope;
      });
      cm.reschedule(0.02);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      print("RuntimeError", e.message);
    }
    try {
      yield* timeout(0.1, function* (scope) {
        cm = scope;
        yield* sleep(1);
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
    }
    try {
      cm.reschedule(0.02);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      print("RuntimeError", e.message);
    }
    yield* timeout(0.1, function* (scope) {
      cm = scope;
      try {
        yield* sleep(1);
      } catch (e) {
        if (!isCancelled(e)) throw e;
        print("body swallowed the CancelledError");
      }
      try {
        scope.reschedule(0.02);
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        print("RuntimeError", e.message);
      }
    });
    print("no TimeoutError when the body swallows it, expired", cm.expired());
  }));

test("a task awaited in a scope is cancelled when it expires, and its cleanup is awaited", () =>
  check("awaited_task_is_cancelled_and_its_cleanup_awaited", function* (print, clock) {
    function* child(): Coro<void> {
      try {
        yield* sleep(10);
      } finally {
        print("child cleanup start");
        yield* sleep(0.2);
        print("child cleanup end");
      }
    }
    const c = createTask(child());
    try {
      yield* timeout(0.1, function* () {
        yield* c;
      });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      print("TimeoutError at", clock(), "child cancelled", c.cancelled());
    }
  }));

test("a task can use one scope after another", () =>
  check("task_can_go_on_after_timeout", function* (print, clock) {
    let n = 0;
    for (let i = 0; i < 3; i++) {
      try {
        yield* timeout(0.1, function* () {
          yield* sleep(i !== 1 ? 0.2 : 0.02);
          n++;
        });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        print("attempt", i, "timed out");
      }
    }
    print("succeeded", n, "at", clock());
  }));

// ---- beyond CPython's tests ----

test("a timed-out scope leaves the task's signal unaborted, so host calls after it still work", async () => {
  await run(
    function* () {
      const me = currentTask();
      try {
        yield* timeout(0.1, function* () {
          yield* sleep(1);
        });
      } catch (e) {
        assert.ok(e instanceof TimeoutError);
      }
      assert.equal(me.signal.aborted, false);
    },
    { clock: "virtual" },
  );
});

test("timeout outside a task throws RuntimeError when driven", () => {
  const aw = timeout(1, function* () {});
  assert.throws(() => aw[Symbol.iterator]().next(), RuntimeError);
});

test("timeout checks its arguments", () => {
  assert.throws(() => timeout(Number.NaN, function* () {}), /timeout\(seconds, body\): seconds must be a number/);
  assert.throws(() => timeout("1" as unknown as number, function* () {}), TypeError);
  assert.throws(() => timeout(1, 42 as unknown as () => Coro<void>), /body must be a generator function/);
  assert.throws(() => timeoutAt(Number.NaN, function* () {}), TypeError);
});

test("a cancelled task whose scope had expired ends cancelled, not with TimeoutError", async () => {
  let outcome = "";
  await run(
    function* () {
      const t = createTask(
        (function* () {
          yield* timeout(0.1, function* () {
            yield* sleep(1);
          });
        })(),
      );
      yield* sleep(0.1); // this sleep and t's deadline end together: t is cancelled after its scope expired
      t.cancel();
      try {
        yield* t;
      } catch (e) {
        outcome = e instanceof CancelledError ? "cancelled" : String(e);
      }
    },
    { clock: "virtual" },
  );
  assert.equal(outcome, "cancelled");
});
