/**
 * How the scheduler resumes a coroutine (internal).
 *
 * `coro.next(arg)` is a property load on the generator object, and every
 * generator function's objects have a map (hidden class) of their own: the
 * scheduler's one call site sees a new map for every generator function a
 * program uses, and V8 throws away the scheduler's optimised code whenever a
 * map it was specialised on dies (a program that makes its generator
 * functions as closures, as tests and benchmarks do, makes new ones all the
 * time). Calling the builtin `%GeneratorPrototype%.next` itself depends on no
 * map at all. So every task's coroutine is a native generator object: one
 * that is not (an iterator written by hand) is wrapped in one that
 * delegates to it with `yield*`.
 */
import type { Coro } from "./types.ts";
import { GeneratorPrototype } from "./host.ts";

/** The builtin generator `next`, called with the coroutine as `this`. */
export const resumeNext = GeneratorPrototype.next as (this: Coro<unknown>, value: unknown) => IteratorResult<unknown, unknown>;
/** The builtin generator `throw`, called with the coroutine as `this`. */
export const resumeThrow = GeneratorPrototype.throw as (this: Coro<unknown>, error: unknown) => IteratorResult<unknown, unknown>;

/** `coro` itself if it is a native generator object, else a native generator that delegates to it. */
export function nativeCoroutine<T>(coro: Coro<T>): Coro<T> {
  // biome-ignore lint/suspicious/noPrototypeBuiltins: the prototype object itself is asked, not a user object
  return GeneratorPrototype.isPrototypeOf(coro) ? coro : delegate(coro);
}

function* delegate<T>(coro: Coro<T>): Coro<T> {
  return yield* coro;
}
