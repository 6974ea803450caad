/**
 * taskloop/node: what a Node program needs around the loop. `runMain` for
 * its entry point (Ctrl-C, exit status, the deadlock report at exit), and
 * `toThread` for CPU-heavy work in a pool of worker threads (piscina).
 */
export { runMain, type RunMainOptions } from "./runmain.ts";
export { toThread, configureThreads, closeThreads, type ThreadPoolOptions } from "./tothread.ts";
export { jobSignal } from "./job.ts";
