import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { run, createTask, sleepMs, Event, Lock, isCancelled, type Task, type Coro } from "taskloop";

type Op =
  | { kind: "sleep"; ms: number }
  | { kind: "yield" }
  | { kind: "wait"; event: number }
  | { kind: "set"; event: number }
  | { kind: "clear"; event: number }
  | { kind: "lock"; lock: number; holdMs: number }
  | { kind: "cancel"; task: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant("yield" as const) }),
  fc.record({ kind: fc.constant("wait" as const), event: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("set" as const), event: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("clear" as const), event: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("lock" as const), lock: fc.integer({ min: 0, max: 1 }), holdMs: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant("cancel" as const), task: fc.integer({ min: 0, max: 5 }) }),
);

const programArb = fc.record({
  tasks: fc.array(fc.array(opArb, { maxLength: 8 }), { minLength: 1, maxLength: 6 }),
  main: fc.array(opArb, { maxLength: 8 }),
});
type Program = { tasks: Op[][]; main: Op[] };

interface Outcome {
  trace: string[];
  violations: string[];
}

/** Runs a generated program on the virtual clock, recording a trace and any broken invariant. */
async function execute(program: Program): Promise<Outcome> {
  const trace: string[] = [];
  const violations: string[] = [];
  const events = [new Event(), new Event()];
  const locks = [new Lock(), new Lock()];
  const holders: (string | null)[] = [null, null];
  const finished = new Set<string>();
  const finallyCount = new Map<string, number>();
  const started = new Set<string>();
  const tasks: Task<void>[] = [];

  function log(who: string, what: string): void {
    if (finished.has(who)) violations.push(`${who} ran "${what}" after it finished`);
    trace.push(`${who}:${what}`);
  }

  function* perform(who: string, op: Op): Coro<void> {
    switch (op.kind) {
      case "sleep": yield* sleepMs(op.ms); break;
      case "yield": yield; break;
      case "wait": yield* events[op.event]!.wait(); break;
      case "set": events[op.event]!.set(); break;
      case "clear": events[op.event]!.clear(); break;
      case "cancel": tasks[op.task % tasks.length]?.cancel(); break;
      case "lock": {
        let acquired = false;
        try {
          using _lease = yield* locks[op.lock]!.acquire();
          acquired = true;
          if (holders[op.lock] !== null) violations.push(`${who} acquired lock ${op.lock} held by ${holders[op.lock]}`);
          holders[op.lock] = who;
          log(who, `holds lock ${op.lock}`);
          try {
            yield* sleepMs(op.holdMs);
          } finally {
            holders[op.lock] = null;
          }
        } catch (e) {
          if (!acquired && holders[op.lock] === who) violations.push(`${who} was cancelled while waiting but holds lock ${op.lock}`);
          throw e;
        }
        break;
      }
    }
  }

  function* body(who: string, ops: Op[]): Coro<void> {
    started.add(who);
    try {
      for (const op of ops) {
        log(who, op.kind);
        yield* perform(who, op);
      }
      log(who, "returned");
    } catch (e) {
      if (!isCancelled(e)) violations.push(`${who} failed: ${String(e)}`);
      log(who, "cancelled");
      throw e;
    } finally {
      finallyCount.set(who, (finallyCount.get(who) ?? 0) + 1);
      trace.push(`${who}:finally`);
      finished.add(who);
    }
  }

  await run(function* () {
    program.tasks.forEach((ops, i) => tasks.push(createTask(body(`t${i}`, ops), { name: `t${i}` })));
    for (const op of program.main) {
      if (op.kind === "wait" || op.kind === "lock") continue; // main must finish
      yield* perform("main", op);
    }
    yield* sleepMs(1000);
  }, { clock: "virtual" });

  for (const t of tasks) {
    if (!t.done()) violations.push(`${t.name} not finished after run`);
    if (started.has(t.name) && finallyCount.get(t.name) !== 1) violations.push(`${t.name} ran finally ${finallyCount.get(t.name) ?? 0} times`);
    if (!started.has(t.name) && !t.cancelled()) violations.push(`${t.name} never started but was not cancelled`);
  }
  locks.forEach((l, i) => { if (l.locked()) violations.push(`lock ${i} still locked`); });
  return { trace, violations };
}

test("random programs keep the invariants: finally once, no resume after finish, cancelled waiters never hold a lock", async () => {
  await fc.assert(
    fc.asyncProperty(programArb, async (program) => {
      const { violations } = await execute(program);
      assert.deepEqual(violations, []);
    }),
    { numRuns: 300 },
  );
});

test("a random program run twice on the virtual clock prints the same trace", async () => {
  await fc.assert(
    fc.asyncProperty(programArb, async (program) => {
      const first = await execute(program);
      const second = await execute(program);
      assert.deepEqual(second.trace, first.trace);
    }),
    { numRuns: 100 },
  );
});
