// The portability suite: one engine-neutral program (program.ts), bundled once
// with esbuild, gives the same trace in every engine the README names.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { EXPECTED_TRACE } from "./program.ts";
import { bundle, launchChromium, traceFromCli } from "./_engines.ts";
import { runInQuickJS } from "./_quickjs.ts";
import type { Browser } from "puppeteer-core";

let code = "";
let browser: Browser | null = null;

before(async () => {
  code = await bundle("test/portability/entry.ts");
});

after(async () => {
  await browser?.close();
});

test("the bundle imports nothing: it needs no module loader or host API to load", () => {
  assert.doesNotMatch(code, /\brequire\(|\bimport\(|^import /m);
});

test("in Node the portability program gives the expected trace", { timeout: 60_000 }, async () => {
  assert.deepEqual(await traceFromCli("node", code), EXPECTED_TRACE);
});

test("in Deno (npm package deno) the portability program gives the expected trace", { timeout: 60_000 }, async () => {
  assert.deepEqual(await traceFromCli("deno", code), EXPECTED_TRACE);
});

test("in Bun (npm package bun) the portability program gives the expected trace", { timeout: 60_000 }, async () => {
  assert.deepEqual(await traceFromCli("bun", code), EXPECTED_TRACE);
});

test("in headless Chromium the portability program gives the expected trace", { timeout: 60_000 }, async () => {
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setContent("<!doctype html><title>taskloop portability</title>");
  await page.addScriptTag({ content: code });
  const trace = await page.evaluate(() => (globalThis as unknown as { portabilityTrace: () => Promise<string[]> }).portabilityTrace());
  assert.deepEqual(trace, EXPECTED_TRACE);
  assert.deepEqual(errors, []);
});

test("in QuickJS with only the README's shim (setTimeout, clearTimeout, pending jobs run) the portability program gives the expected trace", {
  timeout: 60_000,
}, async () => {
  const guest = await runInQuickJS(`${code}\nportabilityTrace().then((t) => report(JSON.stringify(t)), (e) => report("ERROR " + e));`, {
    timers: true,
    timeoutMs: 50_000,
  });
  try {
    const first = await guest.firstReport;
    assert.ok(!first.startsWith("ERROR") && first !== "no report", first);
    assert.deepEqual(JSON.parse(first), EXPECTED_TRACE);
  } finally {
    guest.dispose();
  }
});
