/**
 * taskloop's awaitables are not promises: `await lock.acquire()` in async code
 * would go on at once with the awaitable itself, and `yield lock.acquire()`
 * (the star forgotten) would hand the loop something it cannot wait on. Their
 * `then` throws this instead, so both mistakes are loud and say what to write.
 */
export function notAPromise(what: string): never {
  throw new TypeError(
    `${what} is awaited with \`yield* ${what}\` inside a task (a generator function), and it is not a promise: ` +
      "`await` would not wait, and `yield` needs the star. From async code, run the generator with `await run(main())`, or await a task.",
  );
}

/**
 * Gives every generator object that `genFn` makes a `then` that throws (see
 * above), for awaitables that are generators: `waitFor`, `gather`, …
 */
export function refuseAwaitOf(genFn: (...args: never[]) => Generator<unknown, unknown, unknown>, what: string): void {
  Object.defineProperty(genFn.prototype, "then", { value: () => notAPromise(what), configurable: true, writable: true });
}
