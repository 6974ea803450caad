/**
 * The hand-off of a resource held by one task at a time (`Lock`,
 * `ManagedResource`): releasing it hands it straight to the longest waiter,
 * which is woken, so a task arriving meanwhile cannot overtake that waiter.
 * Until the waiter runs, the resource is held on its behalf (`handedTo`); a
 * waiter cancelled in between hands it on in turn.
 */
import { currentTaskOrNull } from "./context.ts";
import type { Task } from "./task.ts";
import type { WaitQueue } from "./waitqueue.ts";

export interface HandOffState {
  held: boolean;
  /** The waiter the resource was handed to, until it resumes. */
  handedTo: Task | null;
  readonly waiters: WaitQueue;
}

/** Hands the resource to the longest waiter and wakes it, or frees it; gives that waiter, or null. */
export function handOff(resource: HandOffState): Task | null {
  const next = resource.waiters.shift();
  if (next) {
    resource.handedTo = next;
    next.loop.wake(next);
  } else {
    resource.held = false;
  }
  return next;
}

/**
 * Called as a waiter's acquire is thrown into (its cancellation): whether the
 * resource had been handed to it before it ran. Then the hand-off is undone
 * and the caller must hand the resource on.
 */
export function handedToCancelled(resource: HandOffState): boolean {
  if (resource.handedTo !== null && resource.handedTo === currentTaskOrNull()) {
    resource.handedTo = null;
    return true;
  }
  return false;
}
