/**
 * Promotion of awaitables to tasks (MicroPython's `_promote_to_task`), for
 * the operations that run their arguments as tasks: `gather`, `waitFor`,
 * `shield`, `runUntilComplete`.
 */
import { getEventLoop } from "./defaultloop.ts";
import { Task } from "./task.ts";
import { describeValue, isAwaitable, isCoroutine } from "./host.ts";
import type { Awaitable, Coro } from "./types.ts";

/** @internal a task for `aw` on the current loop: itself if it is one, else a new task driving it. */
export function toTask<T>(aw: Awaitable<T>, what: string): Task<T> {
  if (aw instanceof Task) return aw as Task<T>;
  if (isCoroutine(aw)) return getEventLoop().createTask(aw as Coro<T>);
  if (isAwaitable(aw)) return getEventLoop().createTask(wrap(aw));
  throw new TypeError(`${what}: expected a coroutine, a task or an awaitable, got ${describeValue(aw)}`);
}

/** @internal turns any awaitable into a coroutine, so a task can drive it. */
export function* wrap<T>(aw: Awaitable<T>): Coro<T> {
  return yield* aw;
}
