/**
 * Heap bytes per sleeping task, one implementation per fresh process:
 *   node --expose-gc --import tsx bench/mem.ts <taskloop|node|effection> [n]
 * Prints {"impl", "n", "bytes_per_task"} as JSON.
 */
import { sleepers } from "./workloads/sleepers.ts";
import type { JsImpl } from "./lib.ts";

const impl = process.argv[2];
const n = Number(process.argv[3] ?? 100_000);
if (impl !== "taskloop" && impl !== "node" && impl !== "effection") {
  console.error("usage: bench/mem.ts <taskloop|node|effection> [n]");
  process.exit(2);
}
const gc = globalThis.gc;
if (gc === undefined) {
  console.error("bench/mem.ts needs node --expose-gc");
  process.exit(2);
}
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
let h0 = 0;
let h1 = 0;
await sleepers(impl satisfies JsImpl, n, {
  before: () => void (h0 = heap()),
  allAsleep: () => void (h1 = heap()),
});
console.log(JSON.stringify({ impl, n, bytes_per_task: (h1 - h0) / n }));
