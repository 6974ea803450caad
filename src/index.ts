/**
 * taskloop: MicroPython's asyncio, rebuilt for TypeScript.
 * This entry uses no host-specific API; see README.md for the tour.
 */
export type {
  Awaitable,
  Coro,
  ExceptionContext,
  ExceptionHandler,
  Lease,
  LoopOptions,
  ResultOf,
  RunOptions,
  SlowStepInfo,
  TaskInfo,
  TaskOptions,
} from "./core/types.ts";
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  RuntimeError,
  ExceptionGroup,
  QueueEmpty,
  QueueFull,
  BrokenBarrierError,
  isCancelled,
} from "./core/errors.ts";
export { Task } from "./core/task.ts";
export { Loop } from "./core/loop.ts";
export { getEventLoop, newEventLoop, createTask, currentTask } from "./core/defaultloop.ts";
export { run } from "./core/run.ts";
export { sleep, sleepMs } from "./core/sleep.ts";
export { until, call } from "./core/hostwait.ts";
export { waitFor, waitForMs } from "./core/waitfor.ts";
export { gather, type GatherOptions, type GatherResults, type GatherSettled } from "./core/gather.ts";
export { Event } from "./sync/event.ts";
export { ThreadSafeFlag } from "./sync/threadsafeflag.ts";
export { Lock } from "./sync/lock.ts";
export { Semaphore, BoundedSemaphore } from "./sync/semaphore.ts";
export { Condition } from "./sync/condition.ts";
export { Queue } from "./sync/queue.ts";
export { Barrier } from "./sync/barrier.ts";
export { taskGroup, TaskGroup } from "./structure/taskgroup.ts";
export { shield } from "./structure/shield.ts";
export { timeout, timeoutAt, Timeout, type TimeoutBody } from "./structure/timeout.ts";
export { wait, type WaitOptions, type ReturnWhen } from "./structure/wait.ts";
export { asCompleted, type AsCompletedOptions } from "./structure/ascompleted.ts";
export { schedule, ScheduledTask, type ScheduleStats } from "./tasko/schedule.ts";
export { suspend } from "./tasko/suspend.ts";
export { ManagedResource, ResourceHandle, type ManagedResourceOptions, type ResourceLease } from "./tasko/managedresource.ts";
export { TaskManager, type SupervisedTaskOptions } from "./mpos/taskmanager.ts";
export { Activity, type ActivityState, type LifecycleHook } from "./mpos/activity.ts";
export { ActivityStack } from "./mpos/activitystack.ts";
