/**
 * Property test: random concurrent programs run on the virtual clock.
 *
 * A program is a few tasks, each a list of operations plus a list of cleanup
 * operations run in its `finally`, and a list of operations for `main`. The
 * operations: sleep, bare yield, Event wait/set/clear, holding a Lock, Queue
 * put/get (maxsize 2, so puts block too), `waitForMs(work, timeout)` with a
 * timeout of 0 or of a random length racing the work (work = sleep, Event
 * wait, a coroutine holding a Lock, a bare `lock.acquire()`, `queue.get()`,
 * `queue.put()`), throwing a value that is not an Error (undefined, null, a
 * string, a number, a frozen object, a proxy, a proxy whose traps all throw, a
 * revoked proxy), cancelling a task, and awaiting a task (`yield* tasks[j]`,
 * oneself included). Some programs also get an await cycle (t_a awaits t_b
 * awaits t_a …) with, sometimes, main awaiting one of its members. Cleanup may
 * sleep, wait, yield, set an event, use waitFor, or throw, so other tasks'
 * cancels land in the middle of it.
 *
 * INVARIANTS (each violation is reported as a line of text):
 *  I1  run() settles within REAL_TIMEOUT_MS of real time, either resolving or
 *      rejecting with a RuntimeError whose message contains "deadlock".
 *  I2  Queue: every item put (a put(), or a waitFor(put()) that returned) is
 *      got exactly once or left in the queue at the end; nothing is got or
 *      left that was not put (no item lost, duplicated, or inserted by a put
 *      that reported a timeout).
 *  I3  Lock: never two holders at once; no lock locked at the end by nobody
 *      (after a deadlock report, a task stuck in its cleanup may still hold it).
 *  I4  Every task that started and finished entered its `finally` exactly
 *      once (an unfinished one at most once); a task that never started ends
 *      cancelled.
 *  I5  Nothing runs after a task finished (no trace line from it after its
 *      `finally` completed).
 *  I6  Every task is done after run() resolves. (After a deadlock report whose
 *      cancels did not end every task, the loop gives up on the rest, and run()
 *      rejects with the report: then tasks may stay unfinished.)
 *  I7  A task's status matches how its coroutine ended: returned → success
 *      (or cancelled, if it called cancel() — on itself or on a task that
 *      awaits it — and returned before its next suspension, as in CPython); threw a CancelledError → cancelled();
 *      threw v → exception() is v.
 *  I8  waitFor(work, 0) never lets a coroutine work take a step and never
 *      returns normally.
 *  I9  `yield* task` gives the very value that task threw; awaiting oneself
 *      throws RuntimeError("… cannot await itself").
 *  I10 The same program run twice gives the same trace, virtual times included.
 *
 * Environment: PROPERTY_RUNS (default 1500; I10 runs a third as many programs,
 * twice each), PROPERTY_REPLAY='<counterexample JSON>' prints one program's
 * trace and violations, PROPERTY_DUMP=<path prefix> writes I10 mismatches.
 * The EXCUSE_… flags below each mark one known bug in src/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { run, createTask, getEventLoop, sleepMs, waitForMs, Event, Lock, Queue, isCancelled, RuntimeError, TimeoutError, type Task, type Coro } from "taskloop";

const REAL_TIMEOUT_MS = 4000;
const N_EVENTS = 2;
const N_LOCKS = 2;
const QUEUE_SIZE = 2;
/**
 * Not a bug, a rule (SPEC.md §0, rule 1: MicroPython's asyncio_wait_for.py and
 * its .exp): the work of a waitFor runs as a task of its own, and a cancel of
 * the waiting task reaches it only when the waiter next runs, so the work may
 * take its step first; a waiter cancelled just as the work finished is still
 * cancelled. Either way the work's result is dropped: a lease nobody holds, an
 * item taken, or an item put by a waitFor that reported failure. (CPython
 * awaits the work in place and has no such window; see the README.) A raw awaitable's
 * consumption cannot be seen from here, so while true, a lock left locked, an
 * item lost, or an item put by such a cancelled waitFor is excused when a
 * waitFor of that kind was cancelled from outside in the run (noted in the
 * trace); every other invariant stays strict.
 */
const EXCUSE_WAITFOR_CANCEL_BUG = true;
/**
 * KNOWN BUG (reported; set to false once fixed): when run()'s shutdown
 * deadlocks a second time (the deadlock report's cancels did not end every
 * task: one was spent on an await cycle, or swallowed by an awaited task whose
 * cleanup threw), the loop gives up and run() resolves as if all cleanup had
 * ended; those tasks (and the shutdown task) stay unfinished. It should reject
 * with the deadlock report, as when main deadlocks. While true, I6 (and the
 * stuck-holder rule of I3) accept unfinished tasks after a run that resolved,
 * noting them in the trace.
 */
const EXCUSE_SHUTDOWN_STRANDS_CLEANUP_BUG = false;
/**
 * KNOWN BUG (reported; set to false once fixed): on the virtual clock, when —
 * and even whether — the exception handler is called with "Task exception
 * wasn't retrieved" depends on where a wall-clock slice ended: the report waits
 * for the end of a "round", and a slice break starts a new round that takes in
 * tasks of the next one, which may retrieve the error first. While true, those
 * handler calls are kept out of the trace that I10 compares.
 */
const EXCUSE_HANDLER_TIMING_BUG = false;

// ───────────────────────────── program generator ─────────────────────────────

const THROWN = ["undefined", "null", "string", "number", "frozen", "proxy", "hostileProxy", "revokedProxy"] as const;
type Thrown = (typeof THROWN)[number];

type Work =
  | { kind: "sleep"; ms: number }
  | { kind: "wait"; event: number }
  | { kind: "lock"; lock: number; holdMs: number } // a coroutine that holds the lock
  | { kind: "acquire"; lock: number; holdMs: number } // a bare lock.acquire(); the waiter holds it after
  | { kind: "get" }
  | { kind: "put" };

type Op =
  | { kind: "sleep"; ms: number }
  | { kind: "yield" }
  | { kind: "wait"; event: number }
  | { kind: "set"; event: number }
  | { kind: "clear"; event: number }
  | { kind: "lock"; lock: number; holdMs: number }
  | { kind: "put" }
  | { kind: "get" }
  | { kind: "waitFor"; timeoutMs: number; work: Work }
  | { kind: "throw"; value: Thrown }
  | { kind: "cancel"; task: number }
  | { kind: "await"; task: number };

interface TaskSpec {
  ops: Op[];
  cleanup: Op[];
}
interface Program {
  tasks: TaskSpec[];
  main: Op[];
}

const MAX_TASKS = 6;
const eventArb = fc.integer({ min: 0, max: N_EVENTS - 1 });
const lockArb = fc.integer({ min: 0, max: N_LOCKS - 1 });
const msArb = fc.integer({ min: 0, max: 50 });
const taskArb = fc.integer({ min: 0, max: MAX_TASKS - 1 });
const timeoutArb = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 2 });

const workArb: fc.Arbitrary<Work> = fc.oneof(
  fc.record({ kind: fc.constant("sleep" as const), ms: msArb }),
  fc.record({ kind: fc.constant("wait" as const), event: eventArb }),
  fc.record({ kind: fc.constant("lock" as const), lock: lockArb, holdMs: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant("acquire" as const), lock: lockArb, holdMs: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant("get" as const) }),
  fc.record({ kind: fc.constant("put" as const) }),
);

const op = {
  sleep: fc.record({ kind: fc.constant("sleep" as const), ms: msArb }),
  yield: fc.record({ kind: fc.constant("yield" as const) }),
  wait: fc.record({ kind: fc.constant("wait" as const), event: eventArb }),
  set: fc.record({ kind: fc.constant("set" as const), event: eventArb }),
  clear: fc.record({ kind: fc.constant("clear" as const), event: eventArb }),
  lock: fc.record({ kind: fc.constant("lock" as const), lock: lockArb, holdMs: fc.integer({ min: 0, max: 30 }) }),
  put: fc.record({ kind: fc.constant("put" as const) }),
  get: fc.record({ kind: fc.constant("get" as const) }),
  waitFor: fc.record({ kind: fc.constant("waitFor" as const), timeoutMs: timeoutArb, work: workArb }),
  throw: fc.record({ kind: fc.constant("throw" as const), value: fc.constantFrom(...THROWN) }),
  cancel: fc.record({ kind: fc.constant("cancel" as const), task: taskArb }),
  await: fc.record({ kind: fc.constant("await" as const), task: taskArb }),
} satisfies Record<Op["kind"], fc.Arbitrary<Op>>;

const taskOpArb: fc.Arbitrary<Op> = fc.oneof(
  op.sleep,
  op.yield,
  op.wait,
  op.set,
  op.clear,
  op.lock,
  op.put,
  op.get,
  { arbitrary: op.waitFor, weight: 3 },
  op.throw,
  op.cancel,
  op.await,
);
const cleanupOpArb: fc.Arbitrary<Op> = fc.oneof(op.sleep, op.yield, op.wait, op.set, op.waitFor, op.throw);
// main must be able to finish: nothing that blocks for good, except awaiting a task (a cycle may deadlock).
const mainOpArb: fc.Arbitrary<Op> = fc.oneof(op.sleep, op.yield, op.set, op.clear, op.cancel, op.waitFor, op.await);

/** Inserts an await cycle t_m0 → t_m1 → … → t_m0 at random points, and maybe main awaiting t_m0. */
function withCycle(program: Program, members: number[], at: number[], mainJoins: boolean): Program {
  const ring = members.filter((m) => m < program.tasks.length);
  if (ring.length < 2) return program;
  const tasks = program.tasks.map((t) => ({ ops: [...t.ops], cleanup: t.cleanup }));
  ring.forEach((m, k) => {
    const ops = tasks[m]!.ops;
    ops.splice(at[k]! % (ops.length + 1), 0, { kind: "await", task: ring[(k + 1) % ring.length]! });
  });
  const main: Op[] = mainJoins ? [...program.main, { kind: "await", task: ring[0]! }] : program.main;
  return { tasks, main };
}

const programArb: fc.Arbitrary<Program> = fc
  .record({
    tasks: fc.array(fc.record({ ops: fc.array(taskOpArb, { maxLength: 8 }), cleanup: fc.array(cleanupOpArb, { maxLength: 3 }) }), {
      minLength: 1,
      maxLength: MAX_TASKS,
    }),
    main: fc.array(mainOpArb, { maxLength: 6 }),
    cycle: fc.option(
      fc.record({
        members: fc.uniqueArray(taskArb, { minLength: 2, maxLength: 3 }),
        at: fc.array(fc.nat(8), { minLength: 3, maxLength: 3 }),
        mainJoins: fc.boolean(),
      }),
      { freq: 3 },
    ),
  })
  .map(({ tasks, main, cycle }) => (cycle === null ? { tasks, main } : withCycle({ tasks, main }, cycle.members, cycle.at, cycle.mainJoins)));

// ───────────────────────────── interpreter ─────────────────────────────

type Ending = { how: "returned" } | { how: "threw"; value: unknown };
type RunEnd = "ok" | "deadlock" | "hang" | "other";

interface Outcome {
  trace: string[];
  handled: string[]; // "wasn't retrieved" handler calls kept out of the trace (EXCUSE_HANDLER_TIMING_BUG)
  violations: string[];
  end: RunEnd;
}

/** Runs a generated program on the virtual clock, recording a trace and any broken invariant. */
async function execute(program: Program): Promise<Outcome> {
  const trace: string[] = [];
  const handled: string[] = [];
  const violations: string[] = [];
  const events = Array.from({ length: N_EVENTS }, () => new Event());
  const locks = Array.from({ length: N_LOCKS }, () => new Lock());
  const holders: (string | null)[] = locks.map(() => null);
  const queue = new Queue<string>(QUEUE_SIZE);
  const putItems: string[] = [];
  const gotItems: string[] = [];
  let itemSeq = 0;
  let workSeq = 0;
  const started = new Set<string>();
  const finallyEntries = new Map<string, number>();
  const finished = new Set<string>();
  const endings = new Map<string, Ending>();
  const cancelledItself = new Set<string>();
  // Raw-awaitable waitFors left by a CancelledError from outside (see EXCUSE_WAITFOR_CANCEL_BUG).
  const cancelledRaw = { acquire: [0, 0], get: 0, put: 0 };
  const tasks: Task<void>[] = [];

  // Thrown non-Error values, labelled by identity (a Map never runs a proxy trap).
  const labels = new Map<unknown, string>();
  function makeThrown(kind: Thrown, who: string): unknown {
    let value: unknown;
    switch (kind) {
      case "undefined":
        value = undefined;
        break;
      case "null":
        value = null;
        break;
      case "string":
        value = `boom from ${who}`;
        break;
      case "number":
        value = 42;
        break;
      case "frozen":
        value = Object.freeze({ from: who });
        break;
      case "proxy":
        value = new Proxy({ from: who }, {});
        break;
      case "hostileProxy": {
        const trap = (): never => {
          throw new Error("hostile trap");
        };
        value = new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, set: trap, defineProperty: trap });
        break;
      }
      case "revokedProxy": {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        value = proxy;
        break;
      }
    }
    // Primitives compare by value: label them by kind only (two tasks' 42s are the same 42).
    labels.set(value, typeof value === "object" && value !== null ? `${kind}(${who})` : kind);
    return value;
  }
  /** A name for any value, never running a trap of a value we threw. */
  function describe(e: unknown): string {
    if (labels.has(e)) return `thrown ${labels.get(e)}`;
    if (isCancelled(e)) return "CancelledError";
    try {
      return e instanceof Error ? `${e.name}: ${e.message}` : `non-Error ${String(e)}`;
    } catch {
      return "uninspectable value";
    }
  }
  const isTimeout = (e: unknown): boolean => !labels.has(e) && e instanceof TimeoutError;

  function log(who: string, what: string): void {
    if (finished.has(who)) violations.push(`I5: ${who} ran "${what}" after it finished`);
    trace.push(`${getEventLoop().time()} ${who}: ${what}`);
  }

  function acquired(who: string, l: number): void {
    if (holders[l] !== null) violations.push(`I3: ${who} acquired lock ${l} held by ${holders[l]}`);
    holders[l] = who;
    log(who, `holds lock ${l}`);
  }

  function* holdLock(who: string, l: number, holdMs: number): Coro<void> {
    using _lease = yield* locks[l]!.acquire();
    acquired(who, l);
    try {
      yield* sleepMs(holdMs);
    } finally {
      holders[l] = null;
    }
  }

  function* doWaitFor(who: string, timeoutMs: number, work: Work): Coro<void> {
    const worker = `${who}.w${workSeq++}`; // the work runs as its own task, and may outlive `who` (MicroPython's waitFor)
    let workStarted = false;
    function* coro(body: () => Coro<void>): Coro<void> {
      workStarted = true;
      log(worker, `work ${work.kind} starts`);
      yield* body();
      log(worker, "work done");
    }
    const zero = timeoutMs <= 0;
    try {
      switch (work.kind) {
        case "sleep":
          yield* waitForMs(
            coro(function* () {
              yield* sleepMs(work.ms);
            }),
            timeoutMs,
          );
          break;
        case "wait":
          yield* waitForMs(
            coro(function* () {
              yield* events[work.event]!.wait();
            }),
            timeoutMs,
          );
          break;
        case "lock":
          yield* waitForMs(
            coro(() => holdLock(worker, work.lock, work.holdMs)),
            timeoutMs,
          );
          break;
        case "acquire": {
          using _lease = yield* waitForMs(locks[work.lock]!.acquire(), timeoutMs);
          if (zero) violations.push(`I8: ${who}: waitFor(lock.acquire(), 0) returned`);
          acquired(who, work.lock);
          try {
            yield* sleepMs(work.holdMs);
          } finally {
            holders[work.lock] = null;
          }
          break;
        }
        case "get": {
          const item = yield* waitForMs(queue.get(), timeoutMs);
          gotItems.push(item);
          log(who, `got ${item}`);
          break;
        }
        case "put": {
          const item = `${who}#${itemSeq++}`;
          yield* waitForMs(queue.put(item), timeoutMs);
          putItems.push(item);
          log(who, `put ${item}`);
          break;
        }
      }
      if (zero) violations.push(`I8: ${who}: waitFor(${work.kind}, 0) returned normally`);
      log(who, "waitFor returned");
    } catch (e) {
      if (!isTimeout(e)) {
        if (isCancelled(e)) {
          if (work.kind === "acquire") cancelledRaw.acquire[work.lock]!++;
          else if (work.kind === "get" || work.kind === "put") cancelledRaw[work.kind]++;
        }
        throw e;
      }
      log(who, "waitFor timed out");
    } finally {
      if (zero && workStarted) violations.push(`I8: ${who}: waitFor(${work.kind}, 0) let the work start`);
    }
  }

  function* awaitTask(who: string, self: number | null, j: number): Coro<void> {
    const target = tasks[j]!;
    try {
      yield* target;
      if (self === j) violations.push(`I9: ${who} awaited itself and got a result`);
      log(who, `awaited t${j}: returned`);
    } catch (e) {
      if (labels.has(e)) {
        const ending = endings.get(target.name);
        if (ending?.how !== "threw" || !Object.is(ending.value, e)) violations.push(`I9: ${who} got ${describe(e)} from t${j}, which did not throw it`);
        log(who, `awaited t${j}: ${describe(e)}`);
      } else if (self === j && e instanceof RuntimeError && e.message.includes("cannot await itself")) {
        log(who, "awaiting itself refused");
      } else if (isCancelled(e) && self === null && target.cancelled()) {
        log(who, `awaited t${j}: cancelled`); // main carries on: nobody cancels main except a deadlock report
      } else {
        if (self === j) violations.push(`I9: ${who} awaiting itself threw ${describe(e)}`);
        throw e;
      }
    }
  }

  function* perform(who: string, self: number | null, op: Op): Coro<void> {
    switch (op.kind) {
      case "sleep":
        yield* sleepMs(op.ms);
        break;
      case "yield":
        yield;
        break;
      case "wait":
        yield* events[op.event]!.wait();
        break;
      case "set":
        events[op.event]!.set();
        break;
      case "clear":
        events[op.event]!.clear();
        break;
      case "lock":
        yield* holdLock(who, op.lock, op.holdMs);
        break;
      case "put": {
        const item = `${who}#${itemSeq++}`;
        yield* queue.put(item);
        putItems.push(item);
        log(who, `put ${item}`);
        break;
      }
      case "get": {
        const item = yield* queue.get();
        gotItems.push(item);
        log(who, `got ${item}`);
        break;
      }
      case "waitFor":
        yield* doWaitFor(who, op.timeoutMs, op.work);
        break;
      case "throw":
        throw makeThrown(op.value, who);
      case "cancel": {
        const j = op.task % tasks.length;
        // The cancel may come back to `who` itself (j is who, or awaits who): see I7.
        if (self !== null) cancelledItself.add(who);
        tasks[j]!.cancel();
        break;
      }
      case "await":
        yield* awaitTask(who, self, op.task % tasks.length);
        break;
    }
  }

  function* body(i: number, spec: TaskSpec): Coro<void> {
    const who = `t${i}`;
    started.add(who);
    try {
      try {
        for (const op of spec.ops) {
          log(who, op.kind);
          yield* perform(who, i, op);
        }
        log(who, "returned");
      } catch (e) {
        if (!labels.has(e) && !isCancelled(e)) violations.push(`${who} failed unexpectedly: ${describe(e)}`);
        log(who, `ends with ${describe(e)}`);
        throw e;
      } finally {
        finallyEntries.set(who, (finallyEntries.get(who) ?? 0) + 1);
        trace.push(`${getEventLoop().time()} ${who}: finally`);
        try {
          for (const op of spec.cleanup) {
            log(who, `cleanup ${op.kind}`);
            yield* perform(who, i, op);
          }
        } finally {
          trace.push(`${getEventLoop().time()} ${who}: finished`);
          finished.add(who);
        }
      }
    } catch (e) {
      endings.set(who, { how: "threw", value: e });
      throw e;
    }
    endings.set(who, { how: "returned" });
  }

  function* main(): Coro<void> {
    getEventLoop().setExceptionHandler((_loop, context) => {
      const unretrieved = context.message === "Task exception wasn't retrieved";
      (EXCUSE_HANDLER_TIMING_BUG && unretrieved ? handled : trace).push(`${getEventLoop().time()} handler: ${context.message}: ${describe(context.exception)}`);
    });
    program.tasks.forEach((spec, i) => tasks.push(createTask(body(i, spec), { name: `t${i}` })));
    for (const op of program.main) {
      log("main", op.kind);
      yield* perform("main", null, op);
    }
    yield* sleepMs(1000);
    log("main", "returned");
  }

  // I1: run() settles, in bounded real time, with success or a deadlock report.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<RunEnd>((resolve) => {
    timer = setTimeout(() => resolve("hang"), REAL_TIMEOUT_MS);
  });
  const settled = run(main(), { clock: "virtual" }).then(
    (): RunEnd => "ok",
    (e: unknown): RunEnd => {
      if (e instanceof RuntimeError && e.message.includes("deadlock")) return "deadlock";
      violations.push(`I1: run() rejected with ${describe(e)}`);
      return "other";
    },
  );
  const end = await Promise.race([settled, hang]);
  clearTimeout(timer);
  trace.push(`run: ${end}`);
  if (end === "hang") {
    violations.push(`I1: run() did not settle within ${REAL_TIMEOUT_MS} ms of real time`);
    return { trace, handled, violations, end };
  }

  // I4, I6, I7: per-task checks.
  for (const t of tasks) {
    const who = t.name;
    const entries = finallyEntries.get(who) ?? 0;
    if (!started.has(who)) {
      if (!t.cancelled()) violations.push(`I4: ${who} never started but was not cancelled`);
      continue;
    }
    if (!t.done()) {
      // After a deadlock report whose cancels did not end everything, the loop gives up
      // on the rest (their cleanup deadlocked too): they stay unfinished, by design.
      if (entries > 1) violations.push(`I4: ${who} entered finally ${entries} times`);
      if (end === "deadlock") continue;
      if (EXCUSE_SHUTDOWN_STRANDS_CLEANUP_BUG) trace.push(`KNOWN BUG: ${who} left unfinished by a run() that resolved`);
      else violations.push(`I6: ${who} not finished after run`);
      continue;
    }
    if (entries !== 1) violations.push(`I4: ${who} entered finally ${entries} times`);
    const ending = endings.get(who);
    if (ending === undefined) violations.push(`I7: ${who} is done but its coroutine never ended`);
    else if (ending.how === "returned") {
      // A task that cancels itself (directly, or by cancelling a task that awaits it) and returns
      // before its next suspension ends cancelled (CPython's _must_cancel).
      if (t.cancelled() ? !cancelledItself.has(who) : t.exception() !== undefined)
        violations.push(`I7: ${who} returned but is ${t.cancelled() ? "cancelled" : "failed"}`);
    } else if (isCancelled(ending.value)) {
      if (!t.cancelled()) violations.push(`I7: ${who} threw a CancelledError but is not cancelled`);
    } else if (t.cancelled()) {
      violations.push(`I7: ${who} threw ${describe(ending.value)} but is cancelled`);
    } else if (!Object.is(t.exception(), ending.value)) {
      violations.push(`I7: ${who} threw ${describe(ending.value)} but its exception() is ${describe(t.exception())}`);
    }
  }

  // I3: no lock held by nobody.
  locks.forEach((l, i) => {
    const holder = holders[i];
    const stuckHolder = (end === "deadlock" || EXCUSE_SHUTDOWN_STRANDS_CLEANUP_BUG) && holder !== null && !finished.has(holder.split(".")[0]!);
    if (l.locked() && !stuckHolder) {
      if (EXCUSE_WAITFOR_CANCEL_BUG && holder === null && cancelledRaw.acquire[i]! > 0)
        trace.push(`MICROPYTHON RULE: lock ${i} left locked by a waitFor(lock.acquire()) cancelled as it finished`);
      else violations.push(`I3: lock ${i} still locked (holder: ${holder ?? "nobody"})`);
    }
  });

  // I2: items put = items got + items left, each exactly once.
  const left: string[] = [];
  while (!queue.empty()) left.push(queue.getNowait());
  const seen = [...gotItems, ...left];
  const count = new Map<string, number>();
  for (const item of seen) count.set(item, (count.get(item) ?? 0) + 1);
  let lostExcuse = EXCUSE_WAITFOR_CANCEL_BUG ? cancelledRaw.get : 0;
  let putExcuse = EXCUSE_WAITFOR_CANCEL_BUG ? cancelledRaw.put : 0;
  for (const item of putItems) {
    if (count.has(item)) continue;
    if (lostExcuse-- > 0) trace.push(`MICROPYTHON RULE: item ${item} taken by a waitFor(queue.get()) cancelled as it finished`);
    else violations.push(`I2: item ${item} was put but is neither got nor left (lost)`);
  }
  const putSet = new Set(putItems);
  for (const [item, n] of count) {
    if (!putSet.has(item)) {
      if (putExcuse-- > 0) trace.push(`MICROPYTHON RULE: item ${item} put by a waitFor(queue.put()) cancelled as it finished`);
      else violations.push(`I2: item ${item} was got or left but no put of it succeeded`);
    }
    if (n > 1) violations.push(`I2: item ${item} seen ${n} times (duplicated)`);
  }
  return { trace, handled, violations, end };
}

// ───────────────────────────── properties ─────────────────────────────

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1500);

test("random programs keep the invariants I1–I9 (waitFor races, non-Error throws, await cycles, cancels in cleanup)", async () => {
  await fc.assert(
    fc.asyncProperty(programArb, async (program) => {
      const { violations } = await execute(program);
      assert.deepEqual(violations, []);
    }),
    { numRuns: RUNS },
  );
});

test("I10: a random program run twice on the virtual clock prints the same trace", async () => {
  await fc.assert(
    fc.asyncProperty(programArb, async (program) => {
      const first = await execute(program);
      const second = await execute(program);
      if (process.env.PROPERTY_DUMP && JSON.stringify(first.trace) !== JSON.stringify(second.trace)) {
        (await import("node:fs")).writeFileSync(
          `${process.env.PROPERTY_DUMP}-${process.pid}-${Date.now()}.json`,
          JSON.stringify({ program, first, second }, null, 1),
        );
      }
      assert.deepEqual(second.trace, first.trace);
    }),
    { numRuns: Math.ceil(RUNS / 3) },
  );
});

test("the generator reaches the interesting cases (deadlocks, timeouts of 0 and racing, thrown proxies)", async () => {
  // Not an invariant: a guard that the program mix still exercises what the properties are for.
  const samples = fc.sample(programArb, { numRuns: 60, seed: 42 });
  const seen = new Set<string>();
  for (const program of samples) {
    const { trace, end } = await execute(program);
    seen.add(`run ${end}`);
    for (const line of trace) {
      if (line.includes("waitFor timed out")) seen.add("timeout");
      if (line.includes("waitFor returned")) seen.add("waitFor returned");
      if (line.includes("revokedProxy")) seen.add("revoked proxy");
      if (line.includes("cleanup")) seen.add("cleanup");
    }
  }
  for (const wanted of ["run ok", "run deadlock", "timeout", "waitFor returned", "revoked proxy", "cleanup"]) {
    assert.ok(seen.has(wanted), `no sampled program reached "${wanted}"`);
  }
});

// Replaying a counterexample: PROPERTY_REPLAY='<the JSON program fast-check printed>' prints its trace.
const replay = process.env.PROPERTY_REPLAY;
// Registered only when asked for: a replay is a tool, not a check.
if (replay !== undefined)
  test("replay one program (PROPERTY_REPLAY)", async () => {
    const program = JSON.parse(replay!) as Program;
    const { trace, handled, violations, end } = await execute(program);
    console.log([...trace, ...handled, `end: ${end}`, ...violations.map((v) => `VIOLATION ${v}`)].join("\n"));
    const again = await execute(program);
    const at = again.trace.findIndex((line, i) => line !== trace[i]);
    if (at >= 0 || again.trace.length !== trace.length)
      console.log(
        `second run differs from line ${at}:\nfirst:  ${trace.slice(Math.max(at, 0)).join(" | ")}\nsecond: ${again.trace.slice(Math.max(at, 0)).join(" | ")}`,
      );
  });
