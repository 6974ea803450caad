import { Parking } from "../core/parking.ts";
import { DONE_TRUE, PARKED, RESUME } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { WaitQueue } from "../core/waitqueue.ts";
import type { Awaitable } from "../core/types.ts";
import { keepShape } from "../core/shapes.ts";

/** The shared awaitable of one Event: stateless, so `wait()` allocates nothing. */
class EventWait extends Parking<true> {
  constructor(private readonly event: Event) {
    super();
  }

  protected override get what(): string {
    return "event.wait()";
  }
  override next(arg?: unknown): IteratorResult<unknown, true> {
    if (arg === RESUME || this.event.isSet()) return DONE_TRUE;
    this.event.waiters.park(runningTask("Event.wait()"));
    return PARKED;
  }
}

/**
 * A flag tasks can wait for. `set()` wakes every waiter, oldest first, and may
 * be called from anywhere, including host callbacks outside any task.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * createTask(function* () { yield* ready.wait(); console.log("go"); }());
 * ready.set();
 * ```
 */
export class Event {
  private value = false;
  /** @internal */ readonly waiters = new WaitQueue("Event");
  private readonly waitOp = new EventWait(this);

  /** Whether the event is set. */
  isSet(): boolean {
    return this.value;
  }

  /** Sets the flag and wakes all waiters (an idle loop too). */
  set(): void {
    if (this.value) return;
    this.value = true;
    this.waiters.wakeAll();
  }

  /** Unsets the event: later `wait()`s wait again. */
  clear(): void {
    this.value = false;
  }

  /** Waits until the flag is set; gives `true`. */
  wait(): Awaitable<true> {
    return this.waitOp;
  }
}

// An Event (its wait, its wait queue) keeps its hidden classes alive between runs (see shapes.ts).
keepShape(new Event());
