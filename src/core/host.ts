/**
 * The few host facilities the loop needs, found by feature detection so the
 * core runs unchanged in Node, Deno, Bun, browsers and embedded engines.
 *
 * What the `taskloop` and `taskloop/device` entries need from their host
 * (README "Host requirements" lists the same):
 * - to run a loop: a macrotask to give way with (`setImmediate`,
 *   `MessageChannel` or `setTimeout`, found in that order); on the real clock
 *   also `setTimeout`/`clearTimeout`. `run()` rejects, naming what is missing,
 *   when there is none (checkHost, called as a loop starts).
 * - optional: `queueMicrotask` (else promise jobs, the same queue),
 *   `performance.now()` (else `Date.now()`), `console` (else reports are
 *   dropped), `AbortController` (only for `task.signal` and `call()`),
 *   `Symbol.dispose` (else `Symbol.for("Symbol.dispose")`).
 *
 * The hooks are looked up when a loop starts, not when this module loads, so a
 * host shim installed after `import` (as ES module imports are hoisted) works.
 */
import { keepLatest } from "./shapes.ts";

/** `%GeneratorPrototype%`: what every native generator object inherits `next` and `throw` from. */
export const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype as Generator<unknown, unknown, unknown>;

/** Milliseconds from a monotonic clock when the host has one. */
export const realNow: () => number = typeof performance !== "undefined" && typeof performance.now === "function" ? () => performance.now() : () => Date.now();

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

interface HostGlobals {
  setImmediate?: (fn: () => void) => unknown;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  queueMicrotask?: (fn: () => void) => void;
  MessageChannel?: new () => HostChannel;
  console?: { error?: (...args: unknown[]) => void; warn?: (...args: unknown[]) => void };
}
interface HostPort {
  onmessage: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
}
interface HostChannel {
  port1: HostPort;
  port2: HostPort;
}
const host = globalThis as unknown as HostGlobals;

let giveWay: ((fn: () => void) => void) | null = null;
let giveWayName = "";
let useQueueMicrotask = typeof host.queueMicrotask === "function";
const resolved = Promise.resolve();

/**
 * Runs `fn` as a macrotask, after pending host I/O callbacks, with the
 * cheapest one the host has (see pickGiveWay). Only called once checkHost
 * has passed, as a loop runs.
 */
export function macrotask(fn: () => void): void {
  giveWay!(fn);
}

/** Runs `fn` as a microtask: `queueMicrotask`, or a promise job (the same queue) where the host lacks it. */
export function microtask(fn: () => void): void {
  if (useQueueMicrotask) queueMicrotask(fn);
  else void resolved.then(fn);
}

/**
 * The cheapest macrotask the host has. `setImmediate` (Node, Bun, Deno) is
 * never clamped. Browsers have no `setImmediate`, and clamp `setTimeout(0)` to
 * 4 ms once nested five deep, which made a long run of give-ways wait ~46% of
 * the time in Chromium: a `MessageChannel` message is a macrotask without that
 * clamp. `setTimeout` is the last resort.
 */
function pickGiveWay(): void {
  if (typeof host.setImmediate === "function") {
    const setImmediate = host.setImmediate;
    // The last handle is kept: in Node it keeps the hidden classes of its kind alive between runs (see shapes.ts).
    giveWay = (fn) => keepLatest("immediate", setImmediate(fn));
    giveWayName = "setImmediate";
  } else if (typeof host.MessageChannel === "function") {
    // One channel; each message runs the oldest waiting callback. (Only hosts
    // without setImmediate get here: browsers and their workers, where a port
    // keeps nothing alive.)
    const channel = new host.MessageChannel();
    const waiting: Array<() => void> = [];
    channel.port1.onmessage = () => waiting.shift()!();
    giveWay = (fn) => {
      waiting.push(fn);
      channel.port2.postMessage(null);
    };
    giveWayName = "MessageChannel";
  } else if (typeof host.setTimeout === "function") {
    const setTimeout = host.setTimeout;
    giveWay = (fn) => void setTimeout(fn, 0);
    giveWayName = "setTimeout";
  }
}

/**
 * Whether host timers fire inside a task that clamps the timers it arms
 * (browsers clamp `setTimeout` nested five deep to 4 ms): then a real-clock
 * wake-up hops through a give-way first, so the next timer is armed outside
 * the timer's task and stays punctual (see HostTimer).
 */
export function timersNest(): boolean {
  return giveWayName === "MessageChannel";
}

/**
 * Looks the host hooks up as a loop starts. Returns why this host cannot run
 * a loop (an error message naming what is missing), or null when it can.
 */
export function checkHost(realClock: boolean): string | null {
  useQueueMicrotask = typeof host.queueMicrotask === "function";
  if (giveWay === null) pickGiveWay();
  const timers = typeof host.setTimeout === "function" && typeof host.clearTimeout === "function";
  if (giveWay === null) {
    return (
      "this host has no setImmediate, MessageChannel or setTimeout: taskloop needs one of them to give way to the host " +
      "between slices of work. Define globalThis.setTimeout and clearTimeout (README: Host requirements, the QuickJS shim)"
    );
  }
  if (realClock && !timers) {
    return (
      `this host has no ${typeof host.setTimeout === "function" ? "clearTimeout" : "setTimeout"}: a loop on the real clock needs setTimeout and clearTimeout ` +
      'to wait for its timers. Define them (README: Host requirements), or run on the virtual clock: { clock: "virtual" }'
    );
  }
  return null;
}

/**
 * Prints a report to the host's console (`console.error`, or `console.warn`
 * with `level` "warn") when there is one. Never throws: a missing or broken
 * console must not turn a report into an error inside the loop.
 */
export function report(level: "error" | "warn", ...args: unknown[]): void {
  try {
    const c = host.console;
    const print = c?.[level] ?? c?.error;
    if (typeof print === "function") print.apply(c, args);
  } catch {
    // Nowhere to report to: drop it.
  }
}

/**
 * A new AbortController, for `task.signal` and `call()`, the only parts of
 * the entry that need one; where the host has none, a TypeError says so
 * instead of "AbortController is not defined".
 */
export function newAbortController(what: string): AbortController {
  if (typeof (globalThis as { AbortController?: unknown }).AbortController !== "function") {
    throw new TypeError(`${what} needs AbortController from the host, and this host has none: define one (README: Host requirements), or do without ${what}`);
  }
  return new AbortController();
}

/**
 * The key of a disposable's dispose method: `Symbol.dispose`, or where the
 * engine lacks it `Symbol.for("Symbol.dispose")`, the key that TypeScript's
 * and esbuild's `using` helpers fall back to. A host that defines
 * `Symbol.dispose ??= Symbol.for("Symbol.dispose")` (before or after importing
 * taskloop) gets the same key.
 */
export const disposeSymbol: typeof Symbol.dispose = ((Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;

/** Whether `x` has a callable `then`: promises and other thenables. */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/** Whether `x` is a generator object (what calling a `function*` returns). */
export function isCoroutine(x: unknown): x is Generator<unknown, unknown, unknown> {
  // A native generator object is told by its prototype chain alone: asking for
  // its methods would load them through the map of each generator function.
  // biome-ignore lint/suspicious/noPrototypeBuiltins: the builtin prototype object is asked, not a user object
  if (GeneratorPrototype.isPrototypeOf(x as object)) return true;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as Generator).next === "function" &&
    typeof (x as Generator).throw === "function" &&
    typeof (x as Generator)[Symbol.iterator] === "function"
  );
}

/** What kind of function `fn` is, for error messages and for callbacks that must be plain functions. */
// biome-ignore lint/complexity/noBannedTypes: any function at all is asked about, whatever its signature
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
    throw new TypeError(
      `${what} must be a plain function ${how}, got ${describeValue(fn)}: calling it would not run its body (start a task from a plain function instead)`,
    );
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
