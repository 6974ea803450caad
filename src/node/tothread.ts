/**
 * `toThread(module, exportName, ...args)`: CPU-heavy work off the loop, in a
 * pool of worker threads (piscina), as CPython's `asyncio.to_thread`.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { call, isCancelled, until, type Awaitable, type Coro } from "../index.ts";
import type { Job } from "./job.ts";

/**
 * Options of the `toThread` pool (`configureThreads`, or `runMain`'s `threads`).
 *
 * @example
 * ```ts
 * configureThreads({ size: 2, idleTimeoutMs: 5_000, abortGraceMs: 200 });
 * ```
 */
export interface ThreadPoolOptions {
  /** Most worker threads at once; default: the number of CPUs less one (at least 1). */
  size?: number;
  /** A worker with no job for this long exits; default 10,000 ms. */
  idleTimeoutMs?: number;
  /**
   * How long a cancelled task waits for its job to notice `jobSignal()` and
   * stop, before the worker is terminated (and replaced); default 500 ms.
   */
  abortGraceMs?: number;
}

let options: ThreadPoolOptions = {};
let pool: Piscina | null = null;

function checkPoolOptions(o: ThreadPoolOptions): void {
  if (typeof o !== "object" || o === null) throw new TypeError(`thread pool options must be an object like { size: 2 }, got ${String(o)}`);
  for (const key of Object.keys(o)) {
    if (key !== "size" && key !== "idleTimeoutMs" && key !== "abortGraceMs") {
      throw new TypeError(`thread pool options: unknown option ${JSON.stringify(key)}; the options are size, idleTimeoutMs and abortGraceMs`);
    }
  }
  if (o.size !== undefined && !(Number.isInteger(o.size) && o.size >= 1))
    throw new RangeError(`thread pool options: size must be a whole number >= 1, got ${String(o.size)}`);
  for (const key of ["idleTimeoutMs", "abortGraceMs"] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === "number" && v >= 0))
      throw new RangeError(`thread pool options: ${key} must be a number of milliseconds >= 0, got ${String(v)}`);
  }
}

/**
 * Sets the options of the `toThread` pool. Takes effect for the next pool:
 * call it before the first `toThread`, or after `closeThreads()`.
 *
 * @example
 * ```ts
 * configureThreads({ size: 4, idleTimeoutMs: 1_000 });
 * ```
 */
export function configureThreads(next: ThreadPoolOptions): void {
  checkPoolOptions(next);
  options = { ...next };
}

function getPool(): Piscina {
  if (pool === null) {
    pool = new Piscina({
      filename: new URL("./worker.js", import.meta.url).href,
      ...(options.size !== undefined ? { maxThreads: options.size, minThreads: Math.min(1, options.size) } : {}),
      idleTimeout: options.idleTimeoutMs ?? 10_000,
    });
  }
  return pool;
}

/**
 * Closes the `toThread` pool: waits for the jobs that are running, then ends
 * its workers. `runMain` calls it when main ends; a program that uses
 * `toThread` under plain `run` calls it itself (idle workers also exit after
 * `idleTimeoutMs`). The next `toThread` starts a new pool.
 *
 * @example
 * ```ts
 * await run(main());
 * await closeThreads();
 * ```
 */
export async function closeThreads(): Promise<void> {
  const closing = pool;
  pool = null;
  if (closing !== null) await closing.close();
}

/** A module given as a URL, an absolute path or a package name, as the worker's `import()` wants it. */
function moduleSpecifier(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== "string" || module === "") {
    throw new TypeError(`toThread(module, exportName): module must be a URL or a string, like new URL("./hash.js", import.meta.url), got ${String(module)}`);
  }
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith("./") || module.startsWith("../")) {
    throw new TypeError(
      `toThread(module, exportName): the relative path ${JSON.stringify(module)} would be resolved in the worker, not beside your file; write new URL(${JSON.stringify(module)}, import.meta.url)`,
    );
  }
  return module; // a file: URL string or a package name
}

/**
 * Runs `exportName` of `module` in a worker thread with `args` (copied by
 * structured clone), and gives its result (awaited if it is a promise) to
 * the task, whose loop keeps running meanwhile. An error thrown in the worker
 * comes back with the worker's stack. Cancelling the task aborts the job: the
 * function sees `jobSignal()` abort; if the job has not ended within
 * `abortGraceMs` (default 500 ms), the worker is terminated, and the task
 * waits no longer. `module` is a URL (`new URL("./hash.js", import.meta.url)`),
 * an absolute path or a package name. CPython's `asyncio.to_thread`.
 *
 * @example
 * ```ts
 * const digest = yield* toThread(new URL("./hash.js", import.meta.url), "sha256", firmware);
 * ```
 */
export function toThread<R = unknown>(module: string | URL, exportName: string, ...args: unknown[]): Awaitable<Awaited<R>> {
  const specifier = moduleSpecifier(module);
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(`toThread(module, exportName): exportName must be the name of an exported function, got ${String(exportName)}`);
  }
  return runInThread<Awaited<R>>(specifier, exportName, args);
}

function* runInThread<R>(module: string, exportName: string, args: unknown[]): Coro<R> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const hardStop = new AbortController();
  const job: Job = { module, exportName, args, flag: flag.buffer as SharedArrayBuffer };
  let settled = false;
  const running = getPool().run(job, { signal: hardStop.signal }) as Promise<R>;
  const finished = running.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  try {
    return yield* until(running);
  } catch (error) {
    if (isCancelled(error) && !settled) {
      // Tell the job, and give it abortGraceMs to stop on its own.
      Atomics.store(flag, 0, 1);
      const graceMs = options.abortGraceMs ?? 500;
      yield* call(() => Promise.race([finished, new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]));
    }
    throw error;
  } finally {
    // Past the grace (or cancelled again while in it): piscina terminates the worker.
    if (!settled) hardStop.abort();
  }
}
