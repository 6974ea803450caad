/**
 * The few host facilities the loop needs, found by feature detection so the
 * core runs unchanged in Node, Deno, Bun, browsers and embedded engines.
 */

/** Milliseconds from a monotonic clock when the host has one. */
export const realNow: () => number =
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

type CpuUsage = () => { user: number; system: number };
const hostProcess = (globalThis as { process?: { cpuUsage?: CpuUsage } }).process;

/**
 * Milliseconds of CPU time the process has used, where the host can tell
 * (Node's `process.cpuUsage`, about a microsecond a call), else null. Step
 * timing reads it rarely, to tell a step that computed for long from a loop
 * that was preempted on a busy machine.
 */
export const cpuNow: (() => number) | null =
  typeof hostProcess?.cpuUsage === "function"
    ? () => {
        const { user, system } = hostProcess.cpuUsage!();
        return (user + system) / 1000;
      }
    : null;

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

/** What kind of function `fn` is, for error messages and for callbacks that must be plain functions. */
export function functionKind(fn: Function): "generator function" | "async function" | "async generator function" | "function" {
  switch (Object.prototype.toString.call(fn)) {
    case "[object GeneratorFunction]":
      return "generator function";
    case "[object AsyncFunction]":
      return "async function";
    case "[object AsyncGeneratorFunction]":
      return "async generator function";
    default:
      return "function";
  }
}

/**
 * Whether `x` can follow `yield*` in a task: a generator object, a task, or
 * one of taskloop's awaitables. Arrays, strings, Maps and Sets are iterable
 * too, but `yield*` would fail on them deep inside the loop.
 */
export function isAwaitable(x: unknown): boolean {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function" &&
    !Array.isArray(x) &&
    !(x instanceof Map) &&
    !(x instanceof Set) &&
    !ArrayBuffer.isView(x)
  );
}

/**
 * Checks a callback: a function, and not a generator function, whose body
 * would never run when called. With `syncOnly`, not an async function either
 * (its result, a promise, would be taken for the answer).
 */
export function checkCallback(fn: unknown, what: string, how: string, syncOnly = false): void {
  if (typeof fn !== "function") throw new TypeError(`${what} must be a function ${how}, got ${describeValue(fn)}`);
  const kind = functionKind(fn);
  if (kind === "generator function" || kind === "async generator function") {
    throw new TypeError(`${what} must be a plain function ${how}, got ${describeValue(fn)}: calling it would not run its body (start a task from a plain function instead)`);
  }
  if (syncOnly && kind === "async function") {
    throw new TypeError(`${what} must be a plain function ${how}, got ${describeValue(fn)}: its answer would be a promise, which is always truthy`);
  }
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? "an" : "a");

/** A short description of a value for error messages: "5 (a number)". */
export function describeValue(x: unknown): string {
  try {
    return describe(x);
  } catch {
    return "an object that cannot be inspected (a revoked Proxy?)";
  }
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "function") {
    const kind = functionKind(x);
    return `${article(kind)} ${kind}${x.name ? ` (${x.name})` : ""}`;
  }
  if (typeof x === "object") {
    if (isCoroutine(x)) return "a generator object";
    const ctor = (x as object).constructor;
    const name = typeof ctor === "function" && ctor !== Object ? ctor.name : "";
    return name ? `${article(name)} ${name}` : "an object";
  }
  if (typeof x === "string") return `${JSON.stringify(x.length > 40 ? x.slice(0, 40) + "…" : x)} (a string)`;
  if (typeof x === "number" && Number.isNaN(x)) return "NaN";
  return `${String(x)} (${article(typeof x)} ${typeof x})`;
}
