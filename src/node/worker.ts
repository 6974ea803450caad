/**
 * The worker side of `toThread` (internal): piscina runs this module in each
 * worker thread. It imports the user's module (once per worker), calls the
 * export with the job's arguments, and makes the job's AbortSignal available
 * to it through `jobSignal()` while it runs.
 */
import { SIGNAL_SLOT, type Job } from "./job.ts";

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** How often an async job's signal looks at the shared abort flag (a sync job reads `signal.aborted` itself). */
const POLL_MS = 10;

/**
 * An AbortSignal whose `aborted` reads the flag the loop's thread sets: a
 * CPU-bound loop that checks `signal.aborted` (or calls `throwIfAborted()`)
 * sees the cancellation at once, without yielding to the worker's event
 * loop; an async job hears the `abort` event within POLL_MS. Made only when
 * the job asks for it (jobSignal()), so a job that never looks costs nothing.
 */
function sharedSignal(flag: Int32Array, onEnd: (stop: () => void) => void): AbortSignal {
  const controller = new AbortController();
  let aborted = false; // not controller.signal.aborted: the getter below shadows it
  const check = (): boolean => {
    if (!aborted && Atomics.load(flag, 0) !== 0) {
      aborted = true;
      controller.abort(new Error("toThread: the task was cancelled"));
    }
    return aborted;
  };
  const signal = controller.signal;
  Object.defineProperty(signal, "aborted", { get: check, configurable: true });
  Object.defineProperty(signal, "throwIfAborted", {
    value: () => {
      if (check()) throw signal.reason;
    },
    configurable: true,
  });
  const timer = setInterval(check, POLL_MS);
  timer.unref();
  onEnd(() => clearInterval(timer));
  return signal;
}

/**
 * Imports the job's module. A TypeScript module run under tsx needs tsx's
 * hooks in this thread too: Node 22 applies the parent's `--import tsx` to
 * workers, Node 20 does not, so there the first failure registers tsx here
 * (when the program runs under it) and tries again.
 */
async function load(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const unknownExtension = (error as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION";
    if (!unknownExtension || !process.execArgv.join(" ").includes("tsx")) throw error;
    const api = (await import("tsx/esm/api" as string)) as { register: () => unknown };
    api.register();
    // Node remembers the failed import of `specifier`: ask for the module under another URL.
    const again = specifier.startsWith("file:") ? `${specifier}${specifier.includes("?") ? "&" : "?"}taskloop-worker` : specifier;
    return (await import(again)) as Record<string, unknown>;
  }
}

export default async function runJob(job: Job): Promise<unknown> {
  let loading = modules.get(job.module);
  if (loading === undefined) {
    loading = load(job.module);
    modules.set(job.module, loading);
    loading.catch(() => modules.delete(job.module)); // a failed import is tried again next time
  }
  const mod = await loading;
  const fn = mod[job.exportName];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    throw new TypeError(
      `toThread: ${job.module} has no exported function ${JSON.stringify(job.exportName)} (its exported functions: ${names.join(", ") || "none"})`,
    );
  }
  let signal: AbortSignal | null = null;
  let stop: (() => void) | null = null;
  const slot = globalThis as { [SIGNAL_SLOT]?: (() => AbortSignal) | undefined };
  slot[SIGNAL_SLOT] = () => (signal ??= sharedSignal(new Int32Array(job.flag), (s) => (stop = s)));
  try {
    return await (fn as (...args: unknown[]) => unknown)(...job.args);
  } finally {
    slot[SIGNAL_SLOT] = undefined;
    (stop as (() => void) | null)?.();
  }
}
