/**
 * Step timing's rules, driven by a fake clock: which windows of steps switch
 * on timing every step alone, and when the CPU clock is read. The scheduler
 * counts `left` down once per step and closes the window at zero; these
 * tests do the same, moving the clocks by hand, so nothing depends on how
 * fast the machine is.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StepTiming } from "../../src/core/steptiming.ts";
import { Loop } from "../../src/core/loop.ts";
import { Task } from "../../src/core/task.ts";
import type { Coro } from "../../src/core/types.ts";

function* idle(): Coro<void> {}

/** A loop's step timing on clocks the test moves; `cpuReads` counts CPU-clock readings. */
function harness() {
  const clock = { real: 0, cpu: 0, cpuReads: 0 };
  const loop = new Loop({ clock: "virtual" });
  const timing = new StepTiming(loop, Infinity, () => {}, {
    real: () => clock.real,
    cpu: () => {
      clock.cpuReads++;
      return clock.cpu;
    },
  });
  let ids = 0;
  const task = (name: string) => new Task(loop, idle(), ++ids, name);
  /** One step of `task` taking `ms` of real time, of which `cpuMs` on the CPU (all of it by default). */
  const step = (t: Task, ms: number, cpuMs = ms) => {
    clock.real += ms;
    clock.cpu += cpuMs;
    if (--timing.left === 0) timing.closeWindow(t);
  };
  return { clock, timing, task, step };
}

/** Runs `n` short steps (1 µs each) of `t`. */
function shortSteps(step: (t: Task, ms: number) => void, t: Task, n: number): void {
  for (let i = 0; i < n; i++) step(t, 0.001);
}

/**
 * A burst of short steps with one long step inside a window (`longMs` of real
 * time, `longCpuMs` of it on the CPU), then, later in the burst, a hog's 25 ms
 * step: whether the hog is charged tells whether the long window made the
 * loop time every step alone.
 */
function longWindowThenHog(longMs: number, longCpuMs: number) {
  const { clock, timing, task, step } = harness();
  const spinner = task("spinner");
  const blocker = task("blocker");
  const hog = task("hog");
  timing.startSlice(clock.real);
  shortSteps(step, spinner, 5000); // past the exact first steps: windows of many steps
  step(blocker, longMs, longCpuMs); // inside a window: whose it was cannot be told
  shortSteps(step, spinner, 3000);
  step(hog, 25);
  shortSteps(step, spinner, 3000);
  return { spinner, blocker, hog };
}

test("a window of steps the process computed through for 30 ms makes every later step timed alone: a long step after it is charged to its task", () => {
  const { spinner, blocker, hog } = longWindowThenHog(30, 30);
  assert.equal(blocker.maxStepUs, 0, "the long window was charged to a task");
  assert.equal(hog.maxStepUs, 25_000);
  assert.ok(spinner.maxStepUs < 1_000, `spinner's longest step: ${spinner.maxStepUs} µs`);
});

test("a 30 ms window the process spent mostly off the CPU (preempted) does not: a long step later amid the burst is charged to nobody", () => {
  const { spinner, hog } = longWindowThenHog(30, 1); // 29 ms of the 30 off the CPU
  assert.equal(hog.maxStepUs, 0, "the hog was timed alone");
  assert.ok(spinner.maxStepUs < 1_000, `spinner's longest step: ${spinner.maxStepUs} µs`);
});

test("a 10 ms window (a garbage collection, a compile) does not switch on timing every step alone", () => {
  const { hog } = longWindowThenHog(10, 10);
  assert.equal(hog.maxStepUs, 0, "the hog was timed alone");
});

test("the first steps of every slice are timed alone, so a loop that wakes for a few steps at a time is timed exactly", () => {
  const { clock, timing, task, step } = harness();
  const a = task("a");
  const b = task("b");
  timing.startSlice(clock.real);
  step(a, 0.002);
  step(b, 7);
  timing.endSlice(b);
  assert.equal(a.maxStepUs, 2);
  assert.equal(b.maxStepUs, 7_000);
  assert.equal(b.busyUs, 7_000);
});

test("back-to-back slices read the CPU clock at most every 10 ms; a slice after the loop was idle reads it again", () => {
  const { clock, timing, task, step } = harness();
  const t = task("poller");
  for (let i = 0; i < 1000; i++) {
    timing.startSlice(clock.real);
    step(t, 0.005);
    timing.endSlice(t);
    clock.real += 0.005; // the host's turn between slices (a precise timer polling)
  }
  // 1000 slices in 10 ms of real time: one reading, or two at a boundary.
  assert.ok(clock.cpuReads <= 2, `${clock.cpuReads} CPU-clock readings in 1000 back-to-back slices`);
  const before = clock.cpuReads;
  for (let i = 0; i < 100; i++) {
    clock.real += 1; // idle between slices: waiting for a timer
    timing.startSlice(clock.real);
    step(t, 0.005);
    timing.endSlice(t);
  }
  assert.equal(clock.cpuReads - before, 100);
});
