/**
 * MicroPythonOS's `ActivityNavigator` as an object: a stack of activities
 * whose lifecycle transitions run one at a time, as tasks of their own.
 */
import { createTask, currentTask } from "../core/defaultloop.ts";
import { RuntimeError, isCancelled } from "../core/errors.ts";
import { describeValue } from "../core/host.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { shield } from "../structure/shield.ts";
import { Activity } from "./activity.ts";

/**
 * A stack of screens. `startActivity` puts one on top, `back()` closes the
 * top. Each transition runs as its own task, one after the other, and is
 * under way as soon as it is asked for (from a task or from a host callback);
 * `yield*` the returned awaitable to wait until it is done. Cancelling the
 * task that waits does not stop a transition halfway: the stack stays consistent.
 *
 * @example
 * ```ts
 * const stack = new ActivityStack();
 * yield* stack.startActivity(new Launcher());
 * yield* stack.startActivity(new Settings()); // Launcher is paused and stopped
 * yield* stack.back();                        // Settings destroyed, Launcher resumed
 * ```
 */
export class ActivityStack {
  readonly #activities: Activity[] = [];
  /** The latest transition; the next one waits for it. */
  #last: Task<void> | null = null;

  /**
   * The activity on top (the resumed one once transitions are over), or `null`.
   *
   * @example
   * ```ts
   * console.log(stack.top?.constructor.name);
   * ```
   */
  get top(): Activity | null {
    return this.#activities.at(-1) ?? null;
  }

  /**
   * How many activities are on the stack.
   *
   * @example
   * ```ts
   * if (stack.size === 1) console.log("home screen");
   * ```
   */
  get size(): number {
    return this.#activities.length;
  }

  /**
   * Pauses and stops the current top, then creates, starts and resumes
   * `activity`; done once `activity` is resumed.
   *
   * @example
   * ```ts
   * yield* stack.startActivity(new AppStore());
   * ```
   */
  startActivity(activity: Activity): Awaitable<void> {
    if (!(activity instanceof Activity)) {
      throw new TypeError(`ActivityStack.startActivity(activity): activity must be an Activity (a subclass instance), got ${describeValue(activity)}`);
    }
    const life = activity.life;
    if (life.stack !== null || life.state !== "new") {
      throw new RuntimeError(
        `ActivityStack.startActivity(): ${life.label} was started before (it is ${life.state}); an activity is started once, make a new one`,
      );
    }
    life.stack = this;
    return this.transition(`start ${life.label}`, this.open(activity));
  }

  /**
   * Pauses, stops and destroys the top (its tasks cancelled and awaited
   * first), then starts and resumes the one below. Does nothing on an empty stack.
   *
   * @example
   * ```ts
   * yield* stack.back();
   * ```
   */
  back(): Awaitable<void> {
    return this.transition("back", this.close());
  }

  /** @internal `activity.finish()`: `back()` if it is the top, else destroyed where it is. */
  finishActivity(activity: Activity): void {
    void this.transition(`finish ${activity.life.label}`, this.finish(activity));
  }

  private transition(what: string, work: Coro<void>): Awaitable<void> {
    const previous = this.#last;
    const task = createTask(queued(previous, work), { name: `ActivityStack ${what}` });
    this.#last = task;
    return shield(task);
  }

  private *open(activity: Activity): Coro<void> {
    const below = this.top;
    if (below !== null) {
      yield* below.life.pause();
      yield* below.life.stop();
    }
    this.#activities.push(activity);
    const life = activity.life;
    yield* life.create();
    yield* life.start();
    yield* life.resume();
  }

  private *close(): Coro<void> {
    const top = this.top;
    if (top === null) return;
    yield* top.life.pause();
    yield* top.life.stop();
    yield* top.life.destroy();
    this.#activities.pop();
    const below = this.top;
    if (below !== null) {
      yield* below.life.start();
      yield* below.life.resume();
    }
  }

  private *finish(activity: Activity): Coro<void> {
    if (activity === this.top) return yield* this.close();
    const at = this.#activities.indexOf(activity);
    if (at < 0) return; // finished already
    yield* activity.life.destroy(); // below the top it is stopped already
    this.#activities.splice(at, 1);
  }
}

/** Runs `work` once the previous transition has ended, however it ended. */
function* queued(previous: Task<void> | null, work: Coro<void>): Coro<void> {
  if (previous !== null && !previous.done()) {
    try {
      yield* previous;
    } catch (error) {
      if (isCancelled(error) && currentTask().cancelAsked()) throw error; // this one is cancelled (the loop shuts down)
      // else its failure is its own: this transition goes on
    }
  }
  yield* work;
}
