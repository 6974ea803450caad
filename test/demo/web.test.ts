// `npm run web`, driven in headless Chromium as a person would: load the page,
// press the button twice, read the task table, block the loop, look at it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { launchChromium, root, tempDir } from "../portability/_engines.ts";

let server: ChildProcess | null = null;
let url = "";
let browser: Browser | null = null;
let page: Page | null = null;
const pageErrors: string[] = [];

/** Starts `npm run web -- --port 0` and gives the URL it prints. */
function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "web", "--silent", "--", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true });
    server = child;
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`npm run web exited ${code} before printing its URL:\n${out}`)));
  });
}

before(async () => {
  url = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 820 });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  // npm runs tsx, which runs node: stop the whole group we started.
  if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
});

/** The task table as the page shows it: name → [state, waiting on]. */
async function taskTable(p: Page): Promise<Record<string, [string, string]>> {
  return p.$$eval("#tasks tr", (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const cells = [...r.querySelectorAll("td")].map((c) => c.textContent ?? "");
        return [cells[1]!, [cells[2]!, cells[3]!]];
      }),
    ),
  );
}

// Functions that run in the page are strings here: this file is type-checked without the DOM lib.

/**
 * Waits until the task table shows `name` in `state`, waiting on `waitingOn`: the
 * table is redrawn every 0.1 s, and a task may be between two states when it is drawn.
 */
async function waitForRow(p: Page, name: string, state: string, waitingOn: string): Promise<void> {
  await p.waitForFunction(
    `[...document.querySelectorAll("#tasks tr")].some((r) => {
      const c = [...r.querySelectorAll("td")].map((td) => td.textContent);
      return c[1] === ${JSON.stringify(name)} && c[2] === ${JSON.stringify(state)} && c[3] === ${JSON.stringify(waitingOn)};
    })`,
    { timeout: 10_000 },
  );
}

/** Presses the page's button with the mouse, holds it until the device sees it down, then lets go. */
async function clickButton(p: Page, pressesAfter: number): Promise<void> {
  const box = (await (await p.$("#button"))!.boundingBox())!;
  await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await p.mouse.down();
  await p.waitForFunction(`document.getElementById("presses").textContent === "${pressesAfter}"`);
  await p.mouse.up();
  await p.waitForFunction(`document.getElementById("button-state").textContent === "▲ up"`);
}

test("npm run web serves the dashboard page on 127.0.0.1 and prints its URL", async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /taskloop dashboard/);
});

test("the page runs the device program: its tasks appear in the table from loop.tasks()", { timeout: 60_000 }, async () => {
  const p = page!;
  await p.goto(url);
  await p.waitForFunction(`document.querySelectorAll("#tasks tr").length >= 6 && document.getElementById("reading").textContent !== "no reading yet"`);
  assert.deepEqual(Object.keys(await taskTable(p)), ["main", "button 14", "blink", "sensor", "uptime", "screen"]);
  assert.deepEqual((await taskTable(p))["main"], ["waiting", "Event"]);
  await waitForRow(p, "button 14", "waiting", "Event");
  await waitForRow(p, "blink", "sleeping", "sleep 500 ms");
  await waitForRow(p, "sensor", "sleeping", "sleep 2000 ms");
  await waitForRow(p, "uptime", "sleeping", "sleep 10000 ms");
  assert.match(await p.$eval("#reading", (e) => e.textContent ?? ""), /^\d+\.\d °C {2}\d+\.\d %$/);
  assert.deepEqual(pageErrors, []);
});

test("clicking the button twice counts two presses and logs them", { timeout: 60_000 }, async () => {
  const p = page!;
  await clickButton(p, 1);
  await clickButton(p, 2);
  assert.equal(await p.$eval("#presses", (e) => e.textContent), "2");
  const log = await p.$eval("#log", (e) => e.textContent ?? "");
  assert.match(log, /button pressed \(1\)/);
  assert.match(log, /button pressed \(2\)/);
  // Two presses and one watcher: the button's task goes back to waiting for the pin.
  await waitForRow(p, "button 14", "waiting", "Event");
});

test("'block the loop 150 ms' holds the loop in one step and the slow-step report names the task", { timeout: 60_000 }, async () => {
  const p = page!;
  await p.click("#block");
  await p.waitForFunction(`/slow step: hog held the loop \\d+ ms \\(limit 50 ms\\)/.test(document.getElementById("log").textContent)`);
  const line = (await p.$eval("#log", (e) => e.textContent ?? "")).split("\n").find((l: string) => l.includes("slow step: hog"))!;
  const held = Number(/held the loop (\d+) ms/.exec(line)![1]);
  assert.ok(held >= 150, `the hog held the loop ${held} ms, at least the 150 ms it busy-waits`);
});

test("'fail the next sensor read' makes the next read fail and the log says so", { timeout: 60_000 }, async () => {
  const p = page!;
  await p.click("#fail");
  await p.waitForFunction(`document.getElementById("reading").textContent.startsWith("read failed")`, { timeout: 10_000 });
  assert.match(await p.$eval("#log", (e) => e.textContent ?? ""), /sensor: \[Errno 110\] ETIMEDOUT, will retry in 2 s/);
});

test("a screenshot of the page is a PNG (SCREENSHOT=path saves it there, as docs/web-dashboard.png was)", { timeout: 60_000 }, async () => {
  const { dir, remove } = tempDir();
  try {
    const path = process.env.SCREENSHOT ?? join(dir, "web-dashboard.png");
    const png = await page!.screenshot({ path: path as `${string}.png`, fullPage: true });
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  } finally {
    remove();
  }
});
