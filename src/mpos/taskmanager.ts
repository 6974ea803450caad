/**
 * MicroPythonOS's `TaskManager`: the one door through which apps start tasks,
 * sleep and wait, without importing the event loop themselves.
 */
import { getEventLoop, createTask } from "../core/defaultloop.ts";
import { isCancelled } from "../core/errors.ts";
import { describeValue, isCoroutine, report } from "../core/host.ts";
import { sleep, sleepMs } from "../core/sleep.ts";
import { waitFor } from "../core/waitfor.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro, TaskInfo, TaskOptions } from "../core/types.ts";
import { Event } from "../sync/event.ts";
import { TaskList } from "./tasklist.ts";

/**
 * Options for `TaskManager.createSupervisedTask`.
 *
 * @example
 * ```ts
 * TaskManager.createSupervisedTask(() => listen(port), { restartDelayMs: 1000, name: "listener" });
 * ```
 */
export interface SupervisedTaskOptions {
  /** Pause before each restart, in milliseconds (default 200). */
  restartDelayMs?: number;
  /** Restart also when the coroutine returns (default false: a return ends supervision). */
  restartOnReturn?: boolean;
  /** The supervisor task's name. */
  name?: string;
}

let disabled = false;
const managed = new TaskList();

/**
 * MicroPythonOS's task manager, with its static API in camelCase. Unlike the
 * original, a finished task leaves `listTasks()` at once, so a device that
 * starts a task per request does not leak.
 *
 * @example
 * ```ts
 * import { TaskManager } from "taskloop";
 *
 * function* downloadData() {
 *   console.log("Starting download...");
 *   yield* TaskManager.sleep(2);
 *   console.log("Download complete!");
 * }
 * TaskManager.createTask(downloadData());
 * await TaskManager.start(); // runs the default loop until TaskManager.stop()
 * ```
 */
export class TaskManager {
  private constructor() {}

  /** Where the manager writes its warnings (a supervised task restarting); replace it to log elsewhere. */
  static log: (message: string) => void = (message) => report("warn", message);

  /**
   * Starts `coro` as a task on the current loop and lists it until it ends;
   * `null` while the manager is disabled.
   *
   * @example
   * ```ts
   * const task = TaskManager.createTask(poll(sensor), { name: "poll" });
   * ```
   */
  static createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> | null {
    if (disabled) {
      if (!isCoroutine(coro))
        throw new TypeError(`TaskManager.createTask(coro): coro must be a coroutine (call the generator function), got ${describeValue(coro)}`);
      coro.return(undefined as T); // it will never run: let it go
      return null;
    }
    return managed.add(createTask(coro, options));
  }

  /**
   * Keeps a service alive: runs `factory()`, and when the coroutine fails,
   * logs why and starts a fresh one after `restartDelayMs`. A return ends
   * supervision unless `restartOnReturn`; a cancellation always does
   * (cancelling the returned task stops it for good).
   *
   * @example
   * ```ts
   * TaskManager.createSupervisedTask(() => serialConsole(), { restartOnReturn: true });
   * ```
   */
  static createSupervisedTask(factory: () => Coro<unknown>, options: SupervisedTaskOptions = {}): Task<void> | null {
    if (typeof factory !== "function") {
      throw new TypeError(
        `TaskManager.createSupervisedTask(factory): factory must be a function that returns a fresh coroutine for each (re)start, like \`() => listen(port)\` or a generator function, got ${describeValue(factory)}`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `TaskManager.createSupervisedTask(factory, options): options must be an object like { restartDelayMs: 200 }, got ${describeValue(options)}`,
      );
    }
    const { restartDelayMs = 200, restartOnReturn = false, name } = options;
    if (typeof restartDelayMs !== "number" || !(restartDelayMs >= 0) || restartDelayMs === Infinity) {
      throw new RangeError(
        `TaskManager.createSupervisedTask(): restartDelayMs must be a finite number of milliseconds >= 0, got ${describeValue(restartDelayMs)}`,
      );
    }
    if (typeof restartOnReturn !== "boolean") {
      throw new TypeError(`TaskManager.createSupervisedTask(): restartOnReturn must be a boolean, got ${describeValue(restartOnReturn)}`);
    }
    if (disabled) return null;
    return TaskManager.createTask(supervise(factory, restartDelayMs, restartOnReturn), name === undefined ? undefined : { name });
  }

  /**
   * The tasks started through the manager that have not ended yet, oldest first.
   *
   * @example
   * ```ts
   * for (const t of TaskManager.listTasks()) console.log(t.name, t.waitingOn);
   * ```
   */
  static listTasks(): TaskInfo[] {
    return managed.infos();
  }

  /**
   * `sleep(seconds)`.
   *
   * @example
   * ```ts
   * yield* TaskManager.sleep(2.5);
   * ```
   */
  static sleep(seconds: number): Awaitable<void> {
    return sleep(seconds);
  }

  /**
   * `sleepMs(ms)`.
   *
   * @example
   * ```ts
   * yield* TaskManager.sleepMs(500);
   * ```
   */
  static sleepMs(ms: number): Awaitable<void> {
    return sleepMs(ms);
  }

  /**
   * `waitFor(aw, timeout)`: `aw`'s result, or `TimeoutError` after `timeout` seconds (`aw` is cancelled).
   *
   * @example
   * ```ts
   * const data = yield* TaskManager.waitFor(DownloadManager.downloadUrl(url), 10);
   * ```
   */
  static waitFor<T>(aw: Awaitable<T>, timeout: number | null): Awaitable<T> {
    return waitFor(aw, timeout);
  }

  /**
   * A new `Event` for one task to signal another.
   *
   * @example
   * ```ts
   * const event = TaskManager.notifyEvent();
   * TaskManager.createTask(function* () { yield* event.wait(); console.log("Event occurred!"); }());
   * event.set();
   * ```
   */
  static notifyEvent(): Event {
    return new Event();
  }

  /**
   * Runs the default loop until `stop()`; returns at once (with a warning) while disabled.
   *
   * @example
   * ```ts
   * TaskManager.createTask(app());
   * await TaskManager.start();
   * ```
   */
  static start(): Promise<void> {
    if (disabled) {
      TaskManager.log("TaskManager: not starting, it is disabled");
      return Promise.resolve();
    }
    return getEventLoop().runForever();
  }

  /**
   * Makes `start()` return after the current step.
   *
   * @example
   * ```ts
   * TaskManager.createTask(function* () { yield* TaskManager.sleep(60); TaskManager.stop(); }());
   * ```
   */
  static stop(): void {
    getEventLoop().stop();
  }

  /**
   * Lets `createTask` start tasks again.
   *
   * @example
   * ```ts
   * TaskManager.enable();
   * ```
   */
  static enable(): void {
    disabled = false;
  }

  /**
   * From now on `createTask` and `createSupervisedTask` return `null` and `start()` does nothing
   * (tasks already running go on).
   *
   * @example
   * ```ts
   * TaskManager.disable();
   * TaskManager.createTask(job()); // null
   * ```
   */
  static disable(): void {
    disabled = true;
  }

  /**
   * Whether the manager is disabled.
   *
   * @example
   * ```ts
   * if (TaskManager.disabled) console.log("tasks are off");
   * ```
   */
  static get disabled(): boolean {
    return disabled;
  }
}

function* supervise(factory: () => Coro<unknown>, restartDelayMs: number, restartOnReturn: boolean): Coro<void> {
  for (;;) {
    const coro = factory();
    if (!isCoroutine(coro)) {
      throw new TypeError(`TaskManager.createSupervisedTask(factory): factory() must return a coroutine (a generator object), got ${describeValue(coro)}`);
    }
    try {
      yield* coro;
      if (!restartOnReturn) return;
      TaskManager.log("TaskManager: supervised task returned, restarting it");
    } catch (error) {
      if (isCancelled(error)) throw error;
      TaskManager.log(`TaskManager: supervised task died, restarting it: ${describeError(error)}`);
    }
    yield* sleepMs(restartDelayMs);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return describeValue(error);
}
