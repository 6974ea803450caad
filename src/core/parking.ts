/**
 * The one base of taskloop's awaitables (internal).
 *
 * An awaitable is an iterator that `yield*` drives (see protocol.ts): its
 * first `next()` either finishes at once or parks the running task and gives
 * `PARKED`; the resume comes back to the same `next()` with `RESUME`. What
 * every awaitable shares is written here once: it is its own iterator (so a
 * primitive can hand out one shared object and allocate nothing per wait), an
 * error thrown at the parked task passes straight through, and it is not a
 * promise (`await` on it throws, saying what to write instead). A primitive
 * states only what differs: its `next()`, and a `throw()` when a cancelled
 * waiter must first give something back (a lock handed to it, a notification).
 */
import { notAPromise } from "./notapromise.ts";
import { DONE_VOID } from "./protocol.ts";
import type { Awaitable } from "./types.ts";

export abstract class Parking<T> implements Awaitable<T>, Iterator<unknown, T, unknown> {
  /**
   * How the user wrote the awaitable ("lock.acquire()"), for the error `await`
   * gives: a getter on the prototype, so an awaitable made per wait (a put,
   * a sleep) carries no field for it.
   */
  protected abstract get what(): string;

  [Symbol.iterator](): this {
    return this;
  }

  /** The first call (from `yield*`): finish, or park the running task and give PARKED; then the resume. */
  abstract next(arg?: unknown): IteratorResult<unknown, T>;

  /** An error thrown at the parked task (its cancellation) leaves through here. */
  throw(error: unknown): IteratorResult<unknown, T> {
    throw error;
  }

  /** Not a promise: `await` would go on at once, so it throws instead (see notapromise.ts). */
  then(): never {
    return notAPromise(this.what);
  }
}

/** An awaitable that is complete from the start: `yield*` goes on at once, and nothing is allocated. */
class Complete extends Parking<void> {
  constructor(private readonly words: string) {
    super();
  }

  protected override get what(): string {
    return this.words;
  }

  next(): IteratorResult<unknown, void> {
    return DONE_VOID;
  }
}

/** @internal one shared awaitable that is already complete; `what` is how the user wrote it ("writer.drain()"). */
export function completed(what: string): Awaitable<void> {
  return new Complete(what);
}
