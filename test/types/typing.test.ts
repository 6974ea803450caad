// Type-level tests: this file must compile under `tsc --strict` (npm test runs
// the type checker first). Each `@ts-expect-error` line is a misuse the
// compiler must reject; if it ever compiles, tsc fails on the unused directive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, waitFor, gather, until, call, Event, Lock, type Coro, type Task, type Awaitable, type Lease } from "taskloop";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Mutual assignability, for mapped tuple types that Equal treats as distinct. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function expectType<T>(_value: T): void {}
function assertType<_T extends true>(): void {}

function* fetchJson(): Coro<{ temperature: number }> {
  yield* sleep(0.1);
  return { temperature: 21.5 };
}
function* count(): Coro<number> {
  yield* sleep(0.1);
  return 3;
}

function* typed() {
  const data = yield* waitFor(fetchJson(), 10);
  assertType<Equal<typeof data, { temperature: number }>>();

  const task = createTask(count());
  assertType<Equal<typeof task, Task<number>>>();
  const n = yield* task;
  assertType<Equal<typeof n, number>>();

  const [a, b, c] = yield* gather(count(), fetchJson(), createTask(count()));
  assertType<Equal<typeof a, number>>();
  assertType<Equal<typeof b, { temperature: number }>>();
  assertType<Equal<typeof c, number>>();

  const settled = yield* gather(count(), fetchJson(), { returnExceptions: true });
  assertType<Same<typeof settled, [number | Error, { temperature: number } | Error]>>();
  // @ts-expect-error without returnExceptions the places hold results only
  assertType<Same<typeof settled, [number, { temperature: number }]>>();

  const text = yield* until(Promise.resolve("host"));
  assertType<Equal<typeof text, string>>();
  const size = yield* call(async (signal) => (signal.aborted ? -1 : Math.round(41.9)));
  assertType<Equal<typeof size, number>>();

  const ready = new Event();
  ready.set();
  const ok = yield* ready.wait();
  assertType<Equal<typeof ok, true>>();
  using lease = yield* new Lock().acquire();
  expectType<Lease>(lease);
  expectType<Awaitable<void>>(sleep(1));
  return [n, a, data.temperature, text, size] as const;
}

function misuse() {
  // @ts-expect-error a generator function must be called: createTask(main()), not createTask(main)
  createTask(count);
  // @ts-expect-error sleep takes seconds as a number
  sleep("1");
  // @ts-expect-error waitFor needs an awaitable, not a promise (use until(p))
  waitFor(Promise.resolve(1), 1);
  // @ts-expect-error a task's result is not a string here
  const s: string = createTask(count()).result();
  return s;
}

test("typed results flow through yield* without casts", async () => {
  const result = await run(typed(), { clock: "virtual" });
  assert.deepEqual(result, [3, 3, 21.5, "host", 42]);
  assert.equal(typeof misuse, "function");
});
