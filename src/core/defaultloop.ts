/**
 * The default loop and the free functions that act on "the current loop":
 * inside a task that is the loop running it, outside it is the default loop.
 */
import { context } from "./context.ts";
import { RuntimeError } from "./errors.ts";
import { Loop } from "./loop.ts";
import type { Task } from "./task.ts";
import type { Coro, LoopOptions, TaskOptions } from "./types.ts";

let defaultLoop: Loop | null = null;

/**
 * The loop running the current task, or else the default loop (made on first use).
 *
 * @example
 * ```ts
 * const loop = getEventLoop();
 * loop.createTask(blink());
 * await loop.runForever();
 * ```
 */
export function getEventLoop(): Loop {
  return context.loop ?? (defaultLoop ??= new Loop());
}

/** @internal the default loop if one was made, without making one. */
export function peekDefaultLoop(): Loop | null {
  return defaultLoop;
}

/**
 * Makes a fresh loop with `options` and makes it the default.
 *
 * @example
 * ```ts
 * const loop = newEventLoop({ clock: "virtual" });
 * ```
 */
export function newEventLoop(options?: LoopOptions): Loop {
  defaultLoop = new Loop(options);
  return defaultLoop;
}

/**
 * Schedules `coro` to run as a new task on the current loop and returns at
 * once; the creating task keeps running until it yields.
 *
 * @example
 * ```ts
 * const worker = createTask(poll(sensor), { name: "poll" });
 * ```
 */
export function createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
  return getEventLoop().createTask(coro, options);
}

/**
 * The running task.
 *
 * @example
 * ```ts
 * console.log("running in", currentTask().name);
 * ```
 */
export function currentTask(): Task<unknown> {
  const task = context.task;
  if (!task) throw new RuntimeError("no running event loop: currentTask() was called outside a task");
  return task;
}
