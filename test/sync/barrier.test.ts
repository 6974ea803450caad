import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, gather, getEventLoop, Barrier, BrokenBarrierError, CancelledError, type Coro } from "taskloop";

const virtual = { clock: "virtual" } as const;

// CPython 3.12 prints the same lines for the equivalent program.
test("wait() blocks until parties tasks arrive, gives arrival indexes, and the barrier can be used again", async () => {
  const log: string[] = [];
  await run(function* () {
    const b = new Barrier(3);
    assert.equal(b.parties, 3);
    function* party(n: string, delay: number): Coro<void> {
      yield* sleep(delay);
      log.push(`${n} arrives, n_waiting ${b.nWaiting}`);
      const i = yield* b.wait();
      log.push(`${n} passes with index ${i}`);
    }
    yield* gather(party("a", 0.01), party("b", 0.03), party("c", 0.02));
    log.push(`n_waiting ${b.nWaiting} broken ${b.broken}`);
    yield* gather(party("d", 0.01), party("e", 0.01), party("f", 0.01));
  }, virtual);
  assert.deepEqual(log, [
    "a arrives, n_waiting 0",
    "c arrives, n_waiting 1",
    "b arrives, n_waiting 2",
    "b passes with index 2",
    "a passes with index 0",
    "c passes with index 1",
    "n_waiting 0 broken false",
    "d arrives, n_waiting 0",
    "e arrives, n_waiting 1",
    "f arrives, n_waiting 2",
    "f passes with index 2",
    "d passes with index 0",
    "e passes with index 1",
  ]);
});

test("a barrier of one party never waits", async () => {
  await run(function* () {
    const b = new Barrier(1);
    assert.equal(yield* b.wait(), 0);
    assert.equal(yield* b.wait(), 0);
    assert.equal(getEventLoop().time(), 0);
  }, virtual);
});

// CPython 3.12: n_waiting 2 / broken True n_waiting 0 / a broken: Abort or reset of barrier / b broken: … / late broken: Barrier aborted / after reset broken False
test("abort() breaks the barrier: waiters and newcomers get BrokenBarrierError until reset()", async () => {
  const log: string[] = [];
  await run(function* () {
    const b = new Barrier(3);
    function* party(n: string): Coro<void> {
      try {
        const i = yield* b.wait();
        log.push(`${n} index ${i}`);
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        log.push(`${n} broken: ${e.message}`);
      }
    }
    const ts = ["a", "b"].map((n) => createTask(party(n)));
    yield* sleep(0.01);
    log.push(`n_waiting ${b.nWaiting}`);
    yield* b.abort();
    log.push(`broken ${b.broken} n_waiting ${b.nWaiting}`);
    yield* gather(...ts);
    yield* party("late");
    b.reset();
    log.push(`after reset broken ${b.broken}`);
  }, virtual);
  assert.deepEqual(log, [
    "n_waiting 2",
    "broken true n_waiting 0",
    "a broken: Abort or reset of barrier",
    "b broken: Abort or reset of barrier",
    "late broken: Barrier aborted",
    "after reset broken false",
  ]);
});

// CPython 3.12: reset: broken False n_waiting 0 / a broken: Abort or reset of barrier / n_waiting 1 / d index 1 / c index 0
test("reset() sends waiters away with BrokenBarrierError; newcomers wait until they have left, then fill a new round", async () => {
  const log: string[] = [];
  await run(function* () {
    const b = new Barrier(2);
    function* party(n: string): Coro<void> {
      try {
        const i = yield* b.wait();
        log.push(`${n} index ${i}`);
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        log.push(`${n} broken: ${e.message}`);
      }
    }
    const t = createTask(party("a"));
    yield* sleep(0.01);
    b.reset();
    const c = createTask(party("c"));
    log.push(`reset: broken ${b.broken} n_waiting ${b.nWaiting}`);
    yield* sleep(0.01);
    log.push(`n_waiting ${b.nWaiting}`);
    yield* party("d");
    yield* t;
    yield* c;
  }, virtual);
  assert.deepEqual(log, ["reset: broken false n_waiting 0", "a broken: Abort or reset of barrier", "n_waiting 1", "d index 1", "c index 0"]);
});

// CPython 3.12: n_waiting 2 / a cancelled / n_waiting 1 broken False / c index 2 / b index 1 / d index 1
test("a task cancelled while waiting leaves the barrier without breaking it", async () => {
  const log: string[] = [];
  await run(function* () {
    const b = new Barrier(3);
    function* party(n: string): Coro<void> {
      try {
        const i = yield* b.wait();
        log.push(`${n} index ${i}`);
      } catch (e) {
        if (e instanceof CancelledError) log.push(`${n} cancelled`);
        throw e;
      }
    }
    const a = createTask(party("a"));
    const bb = createTask(party("b"));
    yield* sleep(0.01);
    log.push(`n_waiting ${b.nWaiting}`);
    a.cancel();
    yield* sleep(0.01);
    log.push(`n_waiting ${b.nWaiting} broken ${b.broken}`);
    const c = createTask(party("c"));
    yield* party("d");
    yield* bb;
    yield* c;
  }, virtual);
  assert.deepEqual(log, ["n_waiting 2", "a cancelled", "n_waiting 1 broken false", "c index 2", "b index 1", "d index 1"]);
});

// CPython 3.12: c index 1 / draining: n_waiting 0 / a cancelled / n_waiting 1 / e index 1 / d index 0
test("a task released by the barrier but cancelled before it ran gets CancelledError, and the next round still fills", async () => {
  const log: string[] = [];
  await run(function* () {
    const b = new Barrier(2);
    function* party(n: string): Coro<void> {
      try {
        const i = yield* b.wait();
        log.push(`${n} index ${i}`);
      } catch (e) {
        if (e instanceof CancelledError) log.push(`${n} cancelled`);
        throw e;
      }
    }
    const a = createTask(party("a"));
    yield* sleep(0.01);
    const c = createTask(party("c"));
    yield* sleep(0);
    log.push(`draining: n_waiting ${b.nWaiting}`);
    a.cancel();
    const d = createTask(party("d"));
    yield* sleep(0.01);
    log.push(`n_waiting ${b.nWaiting}`);
    yield* party("e");
    yield* gather(c, d, { returnExceptions: true });
  }, virtual);
  assert.deepEqual(log, ["c index 1", "draining: n_waiting 0", "a cancelled", "n_waiting 1", "e index 1", "d index 0"]);
});

test("reset() on an idle barrier leaves it usable, and reset()/abort() take effect without yield*", async () => {
  await run(function* () {
    const b = new Barrier(2);
    b.reset();
    assert.equal(b.broken, false);
    b.abort();
    assert.equal(b.broken, true);
    b.reset();
    assert.equal(b.broken, false);
    const [x, y] = yield* gather(b.wait(), b.wait());
    assert.deepEqual([x, y], [0, 1]);
  }, virtual);
});

test("new Barrier with parties < 1, fractional or not a number throws a RangeError or TypeError naming parties", () => {
  assert.throws(
    () => new Barrier(0),
    (e: unknown) => e instanceof RangeError && /Barrier\(parties\): parties/.test(e.message),
  );
  assert.throws(() => new Barrier(2.5), RangeError);
  assert.throws(
    () => new Barrier(undefined as unknown as number),
    (e: unknown) => e instanceof TypeError && /parties/.test(e.message),
  );
});

test('a task waiting at a Barrier is shown as waiting on "Barrier" in loop.tasks()', async () => {
  await run(function* () {
    const b = new Barrier(2);
    const t = createTask(
      (function* () {
        yield* b.wait();
      })(),
      { name: "at-barrier" },
    );
    yield* sleep(0);
    const info = getEventLoop()
      .tasks()
      .find((i) => i.id === t.id)!;
    assert.deepEqual([info.name, info.state, info.waitingOn, info.steps], ["at-barrier", "waiting", "Barrier", 1]);
    t.cancel();
  }, virtual);
});
