// The minimal host shim for QuickJS (README: "Embedded engines: the QuickJS
// shim"): a bare quickjs-emscripten context gets setTimeout and clearTimeout
// backed by the host's timers, and the host runs the engine's pending jobs
// (promise reactions) after each callback. That is all taskloop needs from it.
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from "quickjs-emscripten";

/** Gives `vm` setTimeout/clearTimeout; returns a function that cancels the timers still armed. */
export function installTimers(vm: QuickJSContext): () => void {
  const armed = new Map<number, { fn: QuickJSHandle; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 1;
  const setTimeoutFn = vm.newFunction("setTimeout", (fnHandle, msHandle) => {
    const id = nextId++;
    const fn = fnHandle.dup();
    const ms = msHandle === undefined ? 0 : Number(vm.getNumber(msHandle)) || 0;
    const timer = setTimeout(() => {
      armed.delete(id);
      const result = vm.callFunction(fn, vm.undefined);
      fn.dispose();
      if (result.error) {
        console.error("QuickJS timer callback threw:", vm.dump(result.error));
        result.error.dispose();
      } else result.value.dispose();
      runJobs(vm);
    }, ms);
    armed.set(id, { fn, timer });
    return vm.newNumber(id);
  });
  const clearTimeoutFn = vm.newFunction("clearTimeout", (idHandle) => {
    const id = idHandle === undefined ? 0 : vm.getNumber(idHandle);
    const entry = armed.get(id);
    if (entry) {
      clearTimeout(entry.timer);
      entry.fn.dispose();
      armed.delete(id);
    }
  });
  vm.setProp(vm.global, "setTimeout", setTimeoutFn);
  vm.setProp(vm.global, "clearTimeout", clearTimeoutFn);
  setTimeoutFn.dispose();
  clearTimeoutFn.dispose();
  return () => {
    for (const { fn, timer } of armed.values()) {
      clearTimeout(timer);
      fn.dispose();
    }
    armed.clear();
  };
}

/** Runs the engine's pending jobs (promise reactions) until there are none. */
export function runJobs(vm: QuickJSContext): void {
  const result = vm.runtime.executePendingJobs(-1);
  if (result.error) {
    console.error("QuickJS job threw:", vm.dump(result.error));
    result.error.dispose();
  }
}

export interface GuestRun {
  /** What the guest passed to `report(text)`, in order. */
  reports: string[];
  /** Resolves with the first report, or with "no report" after `timeoutMs` (a hang). */
  firstReport: Promise<string>;
  dispose(): void;
}

/**
 * Evaluates `code` in a fresh context that has a `report(text)` function and,
 * with `timers`, the shim's setTimeout/clearTimeout; nothing else from a host.
 */
export async function runInQuickJS(code: string, options: { timers: boolean; timeoutMs?: number }): Promise<GuestRun> {
  const QuickJS = await getQuickJS();
  const vm = QuickJS.newContext();
  const reports: string[] = [];
  let onReport: (text: string) => void = () => {};
  const firstReport = new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("no report"), options.timeoutMs ?? 10_000);
    onReport = (text) => {
      clearTimeout(timer);
      resolve(text);
    };
  });
  const reportFn = vm.newFunction("report", (textHandle) => {
    const text = vm.getString(textHandle);
    reports.push(text);
    onReport(text);
  });
  vm.setProp(vm.global, "report", reportFn);
  reportFn.dispose();
  const cancelTimers = options.timers ? installTimers(vm) : () => {};
  const result = vm.evalCode(code, "portability.js");
  if (result.error) {
    const error = vm.dump(result.error);
    result.error.dispose();
    cancelTimers();
    vm.dispose();
    throw new Error(`QuickJS could not evaluate the code: ${JSON.stringify(error)}`);
  }
  result.value.dispose();
  runJobs(vm);
  return {
    reports,
    firstReport,
    dispose: () => {
      cancelTimers();
      vm.dispose();
    },
  };
}
