/**
 * The core hook for host I/O layers (`taskloop/net`): a queue of tasks that
 * wait for something only the host can bring (bytes on a socket, room in its
 * send buffer, a WebSocket message). It is a host wait, as a promise is:
 * while a task is parked here the loop counts it as a host wait, so it never
 * reports a deadlock, and the virtual clock stands still (the bytes come in
 * real time). The loop does not poll: it sleeps until the host callback calls
 * `wakeAll()`, which makes the waiters ready and kicks an idle loop.
 *
 * It only wakes; the waiter looks again at whatever it waits for (a buffer,
 * an EOF flag, a stored error) and parks again if it is still not there. So a
 * waiter cancelled here takes nothing with it: the bytes stay in the buffer
 * for the next read. Nothing in it is host-specific.
 */
import { Parking } from "./parking.ts";
import { DONE_VOID, PARKED, RESUME } from "./protocol.ts";
import { runningTask } from "./context.ts";
import { WaitQueue } from "./waitqueue.ts";
import type { Task } from "./task.ts";
import type { Awaitable } from "./types.ts";

/** The shared awaitable of one IoWait: stateless, so `wait()` allocates nothing. */
class IoWaitOp extends Parking<void> {
  constructor(private readonly queue: IoWait) {
    super();
  }

  protected override get what(): string {
    return this.queue.label;
  }

  override next(arg?: unknown): IteratorResult<unknown, void> {
    if (arg === RESUME) return DONE_VOID;
    this.queue.park(runningTask(`${this.queue.label}()`));
    return PARKED;
  }
}

/**
 * @internal (for the host layers of this package) a host-woken wait queue.
 *
 * @example
 * ```ts
 * const readable = new IoWait("Stream.read");
 * socket.on("data", (chunk) => { chunks.push(chunk); readable.wakeAll(); });
 * while (chunks.length === 0) yield* readable.wait(); // "Stream.read" in loop.tasks()
 * ```
 */
export class IoWait extends WaitQueue {
  /** Marks it as a wait only the host can end (see `Waitable.hostWait`). */
  readonly hostWait = true;
  private readonly waitOp: IoWaitOp;

  /** @param label how the wait is named in `loop.tasks()` ("Stream.read", "drain", …) */
  constructor(label: string) {
    super(label);
    this.waitOp = new IoWaitOp(this);
  }

  /** Parks the running task until the next `wakeAll()` (or its cancellation). No allocation. */
  wait(): Awaitable<void> {
    return this.waitOp;
  }

  override park(task: Task): void {
    super.park(task);
    task.loop.deadlock.hostWaitBegins();
  }

  /** Every way out of the queue (a wake, a cancellation) passes here. */
  override remove(task: Task): void {
    super.remove(task);
    task.loop.deadlock.hostWaitEnds();
  }
}
