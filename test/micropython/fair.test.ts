// Port of MicroPython tests/extmod/asyncio_fair.py.
// It has no .exp file: the expected output is what CPython 3.12 prints (MicroPython agrees).
// Tasks 1 and 4 never stop calling sleep(<=0), so a virtual clock would never
// advance (it only jumps when no task is ready) and main's sleep(0.5) would never
// end. Two versions: on the virtual clock each spinning step costs 0.01 ms of
// virtual time (`blockFor`, as a step costs time on a device), which gives the
// exact .exp order on any machine; on the real clock the same program must show
// the same fairness, but how late each wake-up runs depends on the machine, so
// it checks what holds however late they run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, getEventLoop, type Coro } from "taskloop";
import { recorder } from "./_py.ts";

const EXPECTED = [
  "task start 1",
  "task start 2",
  "task work 2",
  "task start 3",
  "task work 3",
  "task start 4",
  "task work 2", // 100 ms
  "task work 3", // 180 ms
  "task work 2", // 200 ms
  "task work 2", // 300 ms
  "task work 3", // 360 ms
  "task work 2", // 400 ms
  "finish", // 500 ms
];

/** The port; `spinCost` ms of the loop's time is spent by each step of the spinning tasks. */
function program(print: (...args: unknown[]) => void, spinCost: number, times: Map<string, number[]>): () => Coro<void> {
  function* task(id: number, t: number): Coro<void> {
    print("task start", id);
    for (;;) {
      if (t > 0) {
        print("task work", id);
        const list = times.get(`task ${id}`) ?? [];
        list.push(getEventLoop().time());
        times.set(`task ${id}`, list);
      } else if (spinCost > 0) {
        getEventLoop().blockFor(spinCost);
      }
      yield* sleep(t);
    }
  }
  return function* main(): Coro<void> {
    const t1 = createTask(task(1, -0.01));
    const t2 = createTask(task(2, 0.1));
    const t3 = createTask(task(3, 0.18));
    const t4 = createTask(task(4, -100));
    yield* sleep(0.5);
    t1.cancel();
    t2.cancel();
    t3.cancel();
    t4.cancel();
    print("finish");
  };
}

test("tasks that never stop yielding do not starve sleeping tasks (virtual clock: the exact order)", async () => {
  const { lines, print } = recorder();
  await run(program(print, 0.01, new Map())(), { clock: "virtual" });
  assert.deepEqual(lines, EXPECTED);
});

test("tasks that never stop yielding do not starve sleeping tasks (real clock)", async () => {
  const { lines, print } = recorder();
  const times = new Map<string, number[]>();
  await run(program(print, 0, times)(), { clock: "real" });
  // However late a busy machine runs them: the sleepers keep getting turns between the
  // spinners' steps, each sleeps at least its period, and main's wake-up ends it all.
  assert.deepEqual(lines.slice(0, 6), EXPECTED.slice(0, 6));
  assert.equal(lines.at(-1), "finish");
  const two = times.get("task 2")!;
  const three = times.get("task 3")!;
  assert.ok(two.length >= 2 && two.length <= 5, `task 2 worked ${two.length} times in 500 ms`);
  assert.ok(three.length >= 1 && three.length <= 3, `task 3 worked ${three.length} times in 500 ms`);
  for (const [list, period] of [
    [two, 100],
    [three, 180],
  ] as const) {
    for (let i = 1; i < list.length; i++) assert.ok(list[i]! - list[i - 1]! >= period - 0.5, `woke early: ${list.join(", ")}`);
  }
  // The order of the work lines is the order of their times (deadline order).
  const merged = [...two.map((t) => [t, "task work 2"] as const), ...three.map((t) => [t, "task work 3"] as const)].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    lines.filter((l) => l.startsWith("task work")),
    merged.map(([, l]) => l),
  );
});
