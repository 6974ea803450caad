// What the `taskloop` entry needs from its host, tried in QuickJS, an engine
// that has nothing but ECMAScript: no timers, no queueMicrotask, no console,
// no AbortController, no performance, no Symbol.dispose. A missing hook must
// be a clear error from run(), never a hang; the optional ones are optional.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { bundle } from "./_engines.ts";
import { runInQuickJS } from "./_quickjs.ts";

let code = "";

before(async () => {
  code = await bundle("test/portability/entry.ts");
});

/** Runs `snippet` after the bundle in a fresh QuickJS context; gives what it reported first. */
async function inQuickJS(snippet: string, timers: boolean): Promise<string> {
  const guest = await runInQuickJS(`${code}\n${snippet}`, { timers, timeoutMs: 10_000 });
  try {
    return await guest.firstReport;
  } finally {
    guest.dispose();
  }
}

const settle = `.then((v) => report("resolved " + v), (e) => report("rejected " + e.name + ": " + e.message))`;

test("the bare engine lacks every optional hook the suite relies on being optional", async () => {
  const seen = await inQuickJS(
    `report([typeof setTimeout, typeof queueMicrotask, typeof console, typeof AbortController, typeof performance, typeof Symbol.dispose, typeof MessageChannel].join(","))`,
    false,
  );
  assert.equal(seen, "undefined,undefined,undefined,undefined,undefined,undefined,undefined");
});

test("with no timers at all, run() on the virtual clock rejects naming setTimeout instead of hanging", async () => {
  const got = await inQuickJS(`taskloop.run(function* () { yield* taskloop.sleep(1); }, { clock: "virtual" })${settle}`, false);
  assert.match(got, /^rejected RuntimeError: this host has no setImmediate, MessageChannel or setTimeout/);
  assert.match(got, /Define globalThis\.setTimeout and clearTimeout/);
});

test("with setTimeout but no clearTimeout, run() on the real clock rejects naming clearTimeout", async () => {
  const got = await inQuickJS(`globalThis.setTimeout = () => 0;\ntaskloop.run(function* () { return 1; }, { clock: "real" })${settle}`, false);
  assert.match(got, /^rejected RuntimeError: this host has no clearTimeout: a loop on the real clock needs setTimeout and clearTimeout/);
});

test("with only the shim's timers, a run on the real clock sleeps and resolves", async () => {
  const got = await inQuickJS(`taskloop.run(function* () { yield* taskloop.sleep(0.02); return "slept"; }, { clock: "real" })${settle}`, true);
  assert.equal(got, "resolved slept");
});

test("with only the shim's timers, a busy virtual run gives way to the host and finishes", async () => {
  // Enough steps to outlast several run slices: each slice ends with a give-way (a setTimeout here).
  const got = await inQuickJS(
    `taskloop.run(function* () {
      let n = 0;
      const start = Date.now();
      while (Date.now() - start < 200) { n++; yield* taskloop.sleep(0); }
      return n > 0;
    }, { clock: "virtual" })${settle}`,
    true,
  );
  assert.equal(got, "resolved true");
});

test("with only the shim's timers, a deadlock on the virtual clock is reported by run() rejecting", async () => {
  const got = await inQuickJS(`taskloop.run(function* () { yield* new taskloop.Event().wait(); }, { clock: "virtual" })${settle}`, true);
  assert.match(got, /^rejected RuntimeError: deadlock/i);
});

test("without a console, an error nobody retrieved is dropped and the loop goes on", async () => {
  const got = await inQuickJS(
    `taskloop.run(function* () {
      taskloop.createTask(function* () { throw new Error("lost"); }());
      yield* taskloop.sleep(0.01);
      return "went on";
    }, { clock: "virtual" })${settle}`,
    true,
  );
  assert.equal(got, "resolved went on");
});

test("without a console, an exception handler that throws is dropped too and the loop goes on", async () => {
  const got = await inQuickJS(
    `taskloop.run(function* () {
      taskloop.getEventLoop().setExceptionHandler(() => { throw new Error("handler broke"); });
      taskloop.createTask(function* () { throw new Error("lost"); }());
      yield* taskloop.sleep(0.01);
      return "went on";
    }, { clock: "virtual" })${settle}`,
    true,
  );
  assert.equal(got, "resolved went on");
});

test("without a console, the default slow-step report is dropped and the loop goes on", async () => {
  const got = await inQuickJS(`taskloop.run(function* () { yield* taskloop.sleep(0); return "went on"; }, { clock: "virtual", slowStepMs: 0 })${settle}`, true);
  assert.equal(got, "resolved went on");
});

test("without AbortController, schedule() runs and stops on cancel", async () => {
  const got = await inQuickJS(
    `taskloop.run(function* () {
      let runs = 0;
      const job = taskloop.schedule(10, () => { runs++; });
      yield* taskloop.sleep(0.25);
      job.cancel();
      yield* taskloop.sleep(1);
      return runs;
    }, { clock: "virtual" })${settle}`,
    true,
  );
  assert.equal(got, "resolved 3");
});

test("without AbortController, task.signal is a TypeError that says what is missing", async () => {
  const got = await inQuickJS(`taskloop.run(function* () { return taskloop.currentTask().signal; }, { clock: "virtual" })${settle}`, true);
  assert.match(got, /^rejected TypeError: task\.signal needs AbortController from the host, and this host has none/);
});

test('without Symbol.dispose, a lease is disposed under Symbol.for("Symbol.dispose")', async () => {
  const got = await inQuickJS(
    `taskloop.run(function* () {
      const lock = new taskloop.Lock();
      const lease = yield* lock.acquire();
      lease[Symbol.for("Symbol.dispose")]();
      return lock.locked();
    }, { clock: "virtual" })${settle}`,
    true,
  );
  assert.equal(got, "resolved false");
});
