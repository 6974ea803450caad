/**
 * The few host facilities the loop needs, found by feature detection so the
 * core runs unchanged in Node, Deno, Bun, browsers and embedded engines.
 */

/** Milliseconds from a monotonic clock when the host has one. */
export const realNow: () => number =
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

type Immediate = (fn: () => void) => unknown;
const setImmediateLike = (globalThis as { setImmediate?: Immediate }).setImmediate;

/**
 * Runs `fn` as a macrotask, after pending host I/O callbacks: `setImmediate`
 * where it exists (no clamping), otherwise `setTimeout(fn, 0)`.
 */
export const macrotask: (fn: () => void) => void =
  typeof setImmediateLike === "function" ? (fn) => void setImmediateLike(fn) : (fn) => void setTimeout(fn, 0);

/** Whether `x` has a callable `then`: promises and other thenables. */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/** Whether `x` is a generator object (what calling a `function*` returns). */
export function isCoroutine(x: unknown): x is Generator<unknown, unknown, unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as Generator).next === "function" &&
    typeof (x as Generator).throw === "function" &&
    typeof (x as Generator)[Symbol.iterator] === "function"
  );
}

/** A short description of a value for error messages: "5 (a number)". */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "function") {
    const kind = Object.prototype.toString.call(x) === "[object GeneratorFunction]" ? "generator function" : "function";
    return `a ${kind}${x.name ? ` (${x.name})` : ""}`;
  }
  if (typeof x === "object") {
    if (isCoroutine(x)) return "a generator object";
    const ctor = (x as object).constructor;
    return ctor && ctor !== Object ? `a ${ctor.name}` : "an object";
  }
  if (typeof x === "string") return `${JSON.stringify(x.length > 40 ? x.slice(0, 40) + "…" : x)} (a string)`;
  return `${String(x)} (a ${typeof x})`;
}
