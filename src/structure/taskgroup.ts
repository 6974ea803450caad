/**
 * `taskGroup(body)`: structured concurrency with CPython 3.11's `TaskGroup`
 * semantics.
 *
 * The body runs inline in the calling task. When it ends the group waits for
 * every child. The first failure that is not a cancellation (of the body or
 * of a child) aborts the group: the other children are cancelled, the body is
 * interrupted with `CancelledError` at its suspension point if it is still
 * running, everything is awaited, and then one `ExceptionGroup` carries every
 * non-cancellation error: the children's in the order they happened, then
 * the body's own, as CPython's TaskGroup does. Cancelling the task
 * running the group cancels all children, and the group re-throws the
 * `CancelledError` once they have finished.
 */
import { PARKED, RESUME, type Waitable } from "../core/protocol.ts";
import { Parking } from "../core/parking.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import { runningTask } from "../core/context.ts";
import { CancelledError, ExceptionGroup, RuntimeError, isCancelled } from "../core/errors.ts";
import { describeValue, isCoroutine } from "../core/host.ts";
import { DONE, FAILED, type Task } from "../core/task.ts";
import type { Awaitable, Coro, TaskOptions } from "../core/types.ts";

/**
 * The handle a `taskGroup` body gets, to start children with `createTask`.
 *
 * @example
 * ```ts
 * yield* taskGroup(function* (tg) {
 *   tg.createTask(blink(3), { name: "blink" });
 *   tg.createTask(readSensor());
 * });
 * ```
 */
export class TaskGroup {
  private readonly children = new Set<Task>();
  /** @internal the children's non-cancellation errors, in the order they happened (the body's is added last) */ readonly errors: unknown[] = [];
  /** @internal the body has ended */ exiting = false;
  /** @internal a failure or a cancellation is shutting the group down */ aborting = false;
  /** @internal the cancellation that reached the task while it waited for the children */ cancelledBy: CancelledError | null = null;
  private bodyInterrupted = false;
  /** The task running the group while it is parked waiting for the children. */
  private closer: Task | null = null;

  /** @internal made by `taskGroup` */
  constructor(private readonly parent: Task) {}

  /**
   * Starts `coro` as a child task of the group. Throws `RuntimeError` once
   * the group is shutting down (after a failure or cancellation) or finished.
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    if (this.exiting && this.children.size === 0) {
      throw new RuntimeError("TaskGroup.createTask(): the task group has finished; start children while its body or its children still run");
    }
    if (this.aborting) {
      throw new RuntimeError("TaskGroup.createTask(): the task group is shutting down (a task failed or the group was cancelled)");
    }
    const task = this.parent.loop.createTask(coro, options);
    this.children.add(task);
    task.addDoneCallback(this.childDone);
    return task;
  }

  /** @internal cancels every unfinished child. */
  abort(): void {
    this.aborting = true;
    for (const child of this.children) child.cancel();
  }

  /** @internal waits until every child has finished; never throws. */
  waitChildren(): Awaitable<void> {
    return { [Symbol.iterator]: () => new ChildrenWait(this) };
  }

  /** @internal */
  childCount(): number {
    return this.children.size;
  }

  /** @internal parks the task running the group until the children have finished. */
  park(task: Task, wait: ChildrenWait): void {
    this.closer = task;
    task.park(wait);
  }

  /** @internal the parked task was cancelled: it is no longer the one to wake. */
  unpark(): void {
    this.closer = null;
  }

  /** @internal wakes the parked task once no child is left. */
  wakeCloserIfDone(): void {
    const closer = this.closer;
    if (closer !== null && this.children.size === 0) {
      this.closer = null;
      closer.loop.wake(closer);
    }
  }

  /**
   * A child has finished. As in CPython, the group hears of it one step
   * later ("call soon"): the other tasks already due in this round run first,
   * so children failing at the same moment all fail before any is cancelled.
   */
  private readonly childDone = (child: Task): void => {
    this.parent.loop.callSoon(() => this.onChildDone(child));
  };

  private onChildDone(child: Task): void {
    this.children.delete(child);
    this.wakeCloserIfDone();
    // Failed means ended by a throw, whatever was thrown: `throw undefined` too.
    if (child.outcome !== FAILED) return;
    const error = child.exception();
    this.errors.push(error);
    if (this.parent.state === DONE) {
      this.parent.loop.callExceptionHandler({
        message: `${child} failed but the task running its task group, ${this.parent}, has already finished`,
        exception: error,
        future: child,
      });
      return;
    }
    if (!this.aborting && !this.bodyInterrupted) {
      this.abort();
      this.bodyInterrupted = true;
      // As CPython, also while the group's task waits in the exit: it wakes, sees the
      // group aborting, and waits on (ChildrenWait.throw), one turn later than it would have.
      this.parent.interrupt(new CancelledError(`task group aborted: ${child} failed`));
    }
  }
}

/** Parks the group's task until the last child is done. */
class ChildrenWait extends Parking<void> implements Waitable {
  constructor(private readonly group: TaskGroup) {
    super();
  }

  protected override get what(): string {
    return "taskGroup()";
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME || this.group.childCount() === 0) return { value: undefined, done: true };
    this.group.park(runningTask("taskGroup()"), this);
    return PARKED;
  }

  /**
   * The group's task was cancelled while it waited (see cancelWait): now that
   * it runs, cancel the children (once) and keep waiting for them. As in
   * CPython, the children already running or ready took their step first.
   */
  override throw(error: unknown): IteratorResult<unknown, void> {
    const group = this.group;
    if (!isCancelled(error)) throw error;
    if (!group.aborting) {
      group.cancelledBy = error;
      group.abort();
    }
    return this.next();
  }

  /**
   * Cancelled while waiting for the children: the task is resumed with the
   * error, and `throw` above acts on it when the task runs, one turn later,
   * as CPython's TaskGroup hears of its parent's cancellation.
   */
  cancelWait(task: Task, error: unknown): void {
    this.group.unpark();
    task.loop.wakeThrow(task, error);
  }

  describe(): string {
    const n = this.group.childCount();
    return `taskGroup (${n} ${n === 1 ? "child" : "children"} left)`;
  }
}

/**
 * Runs `body(tg)` in the calling task; children started with
 * `tg.createTask()` run concurrently, and the group ends when the body and
 * every child have ended. Gives the body's result. If the body or a child
 * fails (other than by cancellation), the rest are cancelled and awaited and
 * an `ExceptionGroup` with every error (the children's in the order they
 * happened, then the body's) is
 * thrown. Cancelling the calling task cancels every child and re-throws the
 * `CancelledError` once they have finished.
 *
 * @example
 * ```ts
 * const total = yield* taskGroup(function* (tg) {
 *   const a = tg.createTask(readSensor("a"));
 *   const b = tg.createTask(readSensor("b"));
 *   return (yield* a) + (yield* b);
 * });
 * ```
 */
export function taskGroup<T>(body: (tg: TaskGroup) => Coro<T>): Awaitable<T> {
  if (typeof body !== "function") {
    throw new TypeError(`taskGroup(body): body must be a generator function taking the group, like function* (tg) { … }, got ${describeValue(body)}`);
  }
  return runGroup(body);
}

function* runGroup<T>(body: (tg: TaskGroup) => Coro<T>): Coro<T> {
  const group = new TaskGroup(runningTask("taskGroup()"));
  let result: T | undefined;
  let bodyFailed = false;
  let bodyError: unknown;
  const coro = body(group);
  if (!isCoroutine(coro)) {
    throw new TypeError(`taskGroup(body): body must be a generator function (function*), but it returned ${describeValue(coro)}`);
  }
  try {
    result = yield* coro;
  } catch (error) {
    bodyFailed = true;
    bodyError = error;
  }
  group.exiting = true;
  let cancelled: CancelledError | null = null;
  if (bodyFailed) {
    if (isCancelled(bodyError)) cancelled = bodyError;
    if (!group.aborting) group.abort();
  }
  yield* group.waitChildren();
  // As CPython's TaskGroup: the body's own error comes after the children's.
  if (bodyFailed && !isCancelled(bodyError)) group.errors.push(bodyError);
  cancelled ??= group.cancelledBy;
  const errors = group.errors;
  if (errors.length > 0) {
    const n = errors.length;
    throw new ExceptionGroup(`unhandled errors in a TaskGroup (${n} sub-exception${n === 1 ? "" : "s"})`, errors);
  }
  if (cancelled !== null) throw cancelled;
  return result as T;
}

refuseAwaitOf(runGroup, "taskGroup(…)");
