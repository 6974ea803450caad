/** 6. lock: TASKS tasks x ROUNDS acquisitions, each holding the lock across a sleep(0). */
import { giveWay, NodeLock, now, withTaskloop, type Params, type Workload } from "../lib.ts";

const size = (p: Params) => ({ tasks: 100, rounds: p.quick ? 200 : 1000 });
const rate = (n: number, t0: number) => ({ acquisitions_per_s: (n * 1000) / (now() - t0) });

export const lockWorkload: Workload = {
  name: "lock",
  title: "Lock, 100 tasks, sleep(0) inside",
  metrics: [{ key: "acquisitions_per_s", unit: "acq/s", higherIsBetter: true }],
  lacks: { effection: "n/a (no Lock/mutex primitive)" },
  notes: { node: "hand-rolled FIFO promise lock + setImmediate" },
  python: "lock.py",
  run: {
    taskloop: (p) =>
      withTaskloop([], async (tl) => {
        const { tasks, rounds } = size(p);
        const lock = new tl.Lock();
        let inside = 0;
        let count = 0;
        function* worker() {
          for (let i = 0; i < rounds; i++) {
            yield* lock.acquire();
            try {
              if (++inside !== 1) throw new Error("taskloop Lock: two holders at once");
              count++;
              yield* tl.sleep(0);
              inside--;
            } finally {
              lock.release();
            }
          }
        }
        const t0 = now();
        await tl.run(
          (function* () {
            const ts = [];
            for (let i = 0; i < tasks; i++) ts.push(tl.createTask(worker()));
            yield* tl.gather(...ts);
          })(),
          { clock: "real" },
        );
        if (count !== tasks * rounds) throw new Error(`taskloop Lock: ${count} acquisitions, expected ${tasks * rounds}`);
        return rate(count, t0);
      }),
    node: async (p) => {
      const { tasks, rounds } = size(p);
      const lock = new NodeLock();
      let count = 0;
      const worker = async () => {
        for (let i = 0; i < rounds; i++) {
          await lock.acquire();
          try {
            count++;
            await giveWay();
          } finally {
            lock.release();
          }
        }
      };
      const t0 = now();
      await Promise.all(Array.from({ length: tasks }, worker));
      return rate(count, t0);
    },
  },
};
