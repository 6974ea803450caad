// The emitted .d.ts type-check in a consumer's project that is not ours: lib
// ES2022 + DOM (no ESNext.Disposable, no @types/node), skipLibCheck off,
// under moduleResolution node16 and bundler; and beside @types/node on ESNext,
// where their declarations of Disposable and Symbol.dispose must merge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, runProcess, tempDir } from "./_engines.ts";

const CONSUMER = `import { run, sleep, createTask, Lock, Queue, Event, schedule, type Coro, type Lease } from "taskloop";
import { DHT22, Pin, Pushbutton } from "taskloop/device";

const lock = new Lock();
function* main(): Coro<number> {
  const lease: Lease = yield* lock.acquire();
  lease.release();
  const led = new Pin("LED", Pin.OUT);
  const button = new Pushbutton(new Pin(14, Pin.IN, Pin.PULL_UP)).press(() => led.toggle());
  const sensor = new DHT22(new Pin(15));
  sensor.measure();
  const job = schedule(2, () => led.toggle());
  createTask(sleep(0.1) as unknown as Coro<void>);
  yield* sleep(0.5);
  job.cancel();
  button.deinit();
  new Event().set();
  return new Queue<number>().qsize() + sensor.temperature();
}
run(main(), { clock: "virtual" }).then((n) => n.toFixed(1));
`;

// skipDefaultLibCheck: TypeScript's own lib files need no checking here, ours do (and take most of the time).
const BASE = { target: "ES2022", strict: true, skipLibCheck: false, skipDefaultLibCheck: true, noEmit: true };
const CONFIGS: Array<[string, Record<string, unknown>]> = [
  ["lib ES2022 + DOM, moduleResolution node16", { ...BASE, lib: ["ES2022", "DOM"], module: "node16", moduleResolution: "node16", types: [] }],
  ["lib ES2022 + DOM, moduleResolution bundler", { ...BASE, lib: ["ES2022", "DOM"], module: "esnext", moduleResolution: "bundler", types: [] }],
  ["lib ESNext with @types/node, moduleResolution nodenext", { ...BASE, lib: ["ESNext"], module: "nodenext", moduleResolution: "nodenext", types: ["node"] }],
];

for (const [name, compilerOptions] of CONFIGS) {
  test(`the .d.ts type-check for a consumer on ${name}, skipLibCheck off`, { timeout: 120_000 }, async () => {
    const { dir, remove } = tempDir();
    try {
      mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
      symlinkSync(root, join(dir, "node_modules/taskloop"), "dir");
      symlinkSync(join(root, "node_modules/@types/node"), join(dir, "node_modules/@types/node"), "dir");
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      writeFileSync(join(dir, "main.ts"), CONSUMER);
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
      const { code, stdout, stderr } = await runProcess(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], {
        cwd: dir,
        timeoutMs: 100_000,
      });
      assert.equal(code, 0, stdout + stderr);
    } finally {
      remove();
    }
  });
}
