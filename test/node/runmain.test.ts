// runMain owns a Node process: each test runs a small program in a child
// process (node --import tsx test/node/fixtures/<name>.ts), signals it, and
// checks what it printed and its exit status.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a fixture; `exited` settles when it ends; `waitFor(text)` when its stdout shows `text`. */
function start(fixture: string): { child: ChildProcess; exited: Promise<Exit>; waitFor: (text: string) => Promise<void> } {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const w of watchers.splice(0)) {
      if (stdout.includes(w.text)) w.resolve();
      else watchers.push(w);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  const waitFor = (text: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stdout.includes(text)) return resolve();
      watchers.push({ text, resolve });
      void exited.then((e) =>
        reject(new Error(`the program ended (status ${e.code}) before printing ${JSON.stringify(text)}; stdout:\n${e.stdout}\nstderr:\n${e.stderr}`)),
      );
    });
  return { child, exited, waitFor };
}

test("the first SIGINT cancels the main task, its cleanup runs, and the exit status is 130", async () => {
  const p = start("cleanup-on-signal");
  await p.waitFor("ready");
  p.child.kill("SIGINT");
  const e = await p.exited;
  assert.equal(e.code, 130, e.stderr);
  assert.match(e.stdout, /cleanup done\nafter runMain\n/);
  assert.match(e.stderr, /SIGINT: cancelling the main task so its cleanup runs/);
});

test("SIGTERM does the same with exit status 143", async () => {
  const p = start("cleanup-on-signal");
  await p.waitFor("ready");
  p.child.kill("SIGTERM");
  const e = await p.exited;
  assert.equal(e.code, 143, e.stderr);
  assert.match(e.stdout, /cleanup done/);
});

test("a second SIGINT during a cleanup that does not end exits at once with status 130", async () => {
  const p = start("stuck-cleanup");
  await p.waitFor("ready");
  p.child.kill("SIGINT");
  await p.waitFor("cleanup started");
  p.child.kill("SIGINT");
  const e = await p.exited;
  assert.equal(e.code, 130, e.stderr);
  assert.match(e.stderr, /SIGINT again: exiting at once/);
});

test("a process about to exit with its tasks still waiting prints the deadlock report, runs their cleanup and exits 1", async () => {
  const e = await start("deadlock").exited;
  assert.equal(e.code, 1, e.stderr);
  assert.match(e.stderr, /deadlock: the process is about to exit, but its tasks still wait and nothing can wake them:/);
  assert.match(e.stderr, /task 1 \(main\): waiting on Event/);
  assert.match(e.stderr, /task 2 \(helper\): waiting on Event/);
  assert.match(e.stdout, /cleanup ran/);
});

test("an error that ends the main task is printed with the task's name and the exit status is 1", async () => {
  const e = await start("failing").exited;
  assert.equal(e.code, 1, e.stderr);
  assert.match(e.stderr, /taskloop: task main failed:\nError: sensor failed\n\s+at readSensor/);
});

test("Ctrl-C on examples/pico/04-blink-forever.ts leaves the LED off and says so", async () => {
  const file = fileURLToPath(new URL("../../examples/pico/04-blink-forever.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  const sawLedOn = new Promise<void>((resolve) =>
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("LED on")) resolve();
    }),
  );
  const code = new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  await sawLedOn;
  child.kill("SIGINT");
  assert.equal(await code, 130);
  assert.match(stdout, /LED is off\n$/);
});
