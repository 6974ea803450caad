/**
 * MicroPythonOS's `Activity`: one screen of an app, with Android's lifecycle
 * hooks, and the tasks the screen owns. The original leaves stopping those
 * tasks to `self.running` flags; here the activity cancels them itself.
 */
import { createTask, currentTask, getEventLoop } from "../core/defaultloop.ts";
import { RuntimeError, isCancelled } from "../core/errors.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import type { Task } from "../core/task.ts";
import type { Coro, TaskInfo, TaskOptions } from "../core/types.ts";
import { TaskList } from "./tasklist.ts";

/** What a lifecycle hook may return: nothing, or a coroutine the lifecycle waits for. */
export type LifecycleHook = void | Coro<void>;

type HookName = "onCreate" | "onStart" | "onResume" | "onPause" | "onStop" | "onDestroy";

/**
 * Where an activity is in its life. "new": not started yet; "destroyed":
 * gone for good (an activity is started once, as in Android).
 */
export type ActivityState = "new" | "created" | "started" | "resumed" | "paused" | "stopped" | "destroyed";

/** @internal the bookkeeping an ActivityStack drives; kept off the user's `this`. */
export class ActivityLife {
  state: ActivityState = "new";
  /** The stack it was given to (set as `startActivity` is called, before it is created). */
  stack: { finishActivity(a: Activity): void } | null = null;
  /** Destruction began: it starts no more tasks. */
  closing = false;
  readonly owned = new TaskList();
  readonly foreground = new TaskList();
  readonly factories: Array<{ factory: () => Coro<void>; options: TaskOptions | undefined }> = [];

  constructor(readonly activity: Activity) {}

  get label(): string {
    return this.activity.constructor.name || "Activity";
  }

  /** Runs one hook; a generator hook runs as its own task and is waited for. A failure is reported, never thrown. */
  *hook(name: HookName, next: ActivityState): Coro<void> {
    try {
      const result: unknown = this.activity[name]();
      if (isCoroutine(result)) yield* createTask(result as Coro<void>, { name: `${this.label}.${name}` });
    } catch (error) {
      if (isCancelled(error) && currentTask().cancelAsked()) throw error; // the transition itself is cancelled (the loop shuts down)
      getEventLoop().callExceptionHandler({ message: `Activity hook ${this.label}.${name}() failed`, exception: error, activity: this.activity });
    } finally {
      this.state = next;
    }
  }

  *create(): Coro<void> {
    yield* this.hook("onCreate", "created");
  }

  *start(): Coro<void> {
    yield* this.hook("onStart", "started");
  }

  *resume(): Coro<void> {
    yield* this.hook("onResume", "resumed");
    for (const { factory, options } of this.factories) this.startForeground(factory, options);
  }

  *pause(): Coro<void> {
    this.state = "paused"; // hasForeground() is false from here on, also inside the cancelled tasks' cleanup
    yield* this.foreground.cancelAll();
    yield* this.hook("onPause", "paused");
  }

  *stop(): Coro<void> {
    yield* this.hook("onStop", "stopped");
  }

  *destroy(): Coro<void> {
    this.closing = true;
    while (this.owned.size > 0) yield* this.owned.cancelAll();
    yield* this.hook("onDestroy", "destroyed");
  }

  startForeground(factory: () => Coro<void>, options: TaskOptions | undefined): void {
    let coro: unknown;
    try {
      coro = factory();
      if (!isCoroutine(coro))
        throw new TypeError(`${this.label}.whileForeground(factory): factory() must return a coroutine (a generator object), got ${describeValue(coro)}`);
    } catch (error) {
      getEventLoop().callExceptionHandler({ message: `${this.label}.whileForeground(): the factory failed`, exception: error, activity: this.activity });
      return;
    }
    this.foreground.add(this.owned.add(createTask(coro as Coro<void>, options)));
  }
}

/**
 * One screen of an app. Override the hooks you need, as plain methods or as
 * generator methods (a generator hook runs as a task and the next hook waits
 * for it); start the screen's work with `this.createTask` (cancelled and
 * awaited before `onDestroy`) or `this.whileForeground` (runs only while the
 * screen is visible). An `ActivityStack` drives the lifecycle:
 * create → start → resume, and pause → stop → destroy.
 *
 * @example
 * ```ts
 * import { Activity, ActivityStack, run, sleep } from "taskloop";
 *
 * class SensorScreen extends Activity {
 *   onCreate() {
 *     this.whileForeground(function* () {
 *       for (;;) { console.log("reading"); yield* sleep(1); }
 *     });
 *   }
 *   *onDestroy() { console.log("bye"); }
 * }
 *
 * await run(function* () {
 *   const stack = new ActivityStack();
 *   yield* stack.startActivity(new SensorScreen());
 *   yield* sleep(3);
 *   yield* stack.back(); // the poll is cancelled, then onDestroy runs
 * }, { clock: "virtual" });
 * ```
 */
export class Activity {
  /** @internal */ readonly life: ActivityLife = new ActivityLife(this);

  /** Called once, first. @example `onCreate() { this.createTask(loadData()); }` */
  onCreate(): LifecycleHook {}
  /** Called when the activity becomes visible. @example `onStart() { console.log("visible"); }` */
  onStart(): LifecycleHook {}
  /** Called when the activity comes to the foreground; `whileForeground` tasks start right after. @example `onResume() { this.refresh(); }` */
  onResume(): LifecycleHook {}
  /** Called when the activity leaves the foreground, after its `whileForeground` tasks were cancelled and awaited. @example `onPause() { this.save(); }` */
  onPause(): LifecycleHook {}
  /** Called when the activity is no longer visible. @example `onStop() { console.log("hidden"); }` */
  onStop(): LifecycleHook {}
  /** Called last, after every task the activity owns was cancelled and has ended. @example `*onDestroy() { yield* flush(); }` */
  onDestroy(): LifecycleHook {}

  /**
   * Where the activity is in its life ("new" until a stack starts it).
   *
   * @example
   * ```ts
   * if (screen.lifecycleState === "destroyed") console.log("gone");
   * ```
   */
  get lifecycleState(): ActivityState {
    return this.life.state;
  }

  /**
   * Whether the activity is resumed (the visible, interactive top of its stack).
   *
   * @example
   * ```ts
   * if (this.hasForeground()) label.setText(value);
   * ```
   */
  hasForeground(): boolean {
    return this.life.state === "resumed";
  }

  /**
   * Closes the activity, as the back button does when it is the top of its
   * stack (below the top, it is destroyed where it is). Returns at once; the
   * lifecycle runs as a task, so it may be called from the activity's own
   * tasks, which are then cancelled like the rest.
   *
   * @example
   * ```ts
   * *save() { yield* write(this.data); this.finish(); }
   * ```
   */
  finish(): void {
    this.life.stack?.finishActivity(this);
  }

  /**
   * Starts a task the activity owns: when the activity is destroyed, the task
   * is cancelled and awaited (its `finally` blocks run) before `onDestroy`.
   *
   * @example
   * ```ts
   * onCreate() { this.createTask(this.downloadIndex(), { name: "index" }); }
   * ```
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    if (this.life.closing) {
      throw new RuntimeError(
        `${this.life.label}.createTask(): the activity is ${this.life.state === "destroyed" ? "destroyed" : "being destroyed"}, so it cannot start tasks`,
      );
    }
    return this.life.owned.add(createTask(coro, options));
  }

  /**
   * Runs `factory()` as an owned task on every resume and cancels it on every
   * pause: a poll that runs only while the screen is visible. If the activity
   * is resumed already, the first run starts now.
   *
   * @example
   * ```ts
   * onCreate() {
   *   this.whileForeground(() => this.pollSensors(), { name: "poll" });
   * }
   * ```
   */
  whileForeground(factory: () => Coro<void>, options?: TaskOptions): void {
    if (typeof factory !== "function") {
      throw new TypeError(
        `${this.life.label}.whileForeground(factory): factory must be a function that returns a fresh coroutine on each resume, like \`() => this.poll()\` or a generator function, got ${describeValue(factory)}`,
      );
    }
    if (this.life.closing) throw new RuntimeError(`${this.life.label}.whileForeground(): the activity is being destroyed`);
    this.life.factories.push({ factory, options });
    if (this.life.state === "resumed") this.life.startForeground(factory, options);
  }

  /**
   * The activity's own unfinished tasks, oldest first.
   *
   * @example
   * ```ts
   * console.log(screen.tasks().map((t) => t.name));
   * ```
   */
  tasks(): TaskInfo[] {
    return this.life.owned.infos();
  }
}
