/** 5. queue: producer -> consumer through a bounded queue (maxsize 100). */
import { NodeQueue, now, withTaskloop, type Params, type Workload } from "../lib.ts";

const size = (p: Params) => (p.quick ? 40_000 : 200_000);
const MAXSIZE = 100;
const rate = (n: number, t0: number) => ({ items_per_s: (n * 1000) / (now() - t0) });

export const queueWorkload: Workload = {
  name: "queue",
  title: "Queue(100) producer->consumer",
  metrics: [{ key: "items_per_s", unit: "items/s", higherIsBetter: true }],
  lacks: { effection: "n/a (no bounded queue: createQueue/createChannel have no back-pressure)" },
  notes: { node: "hand-rolled bounded promise queue" },
  python: "queue_.py",
  run: {
    taskloop: (p) =>
      withTaskloop(["Queue"], async (tl) => {
        const n = size(p);
        const Q = tl.Queue!;
        const q = new Q(MAXSIZE);
        let sum = 0;
        function* producer() {
          for (let i = 0; i < n; i++) yield* q.put(i);
        }
        function* consumer() {
          for (let i = 0; i < n; i++) sum += yield* q.get();
        }
        const t0 = now();
        await tl.run(
          (function* () {
            yield* tl.gather(tl.createTask(consumer()), tl.createTask(producer()));
          })(),
          { clock: "real" },
        );
        if (sum !== (n * (n - 1)) / 2) throw new Error(`taskloop queue: wrong checksum ${sum}`);
        return rate(n, t0);
      }),
    node: async (p) => {
      const n = size(p);
      const q = new NodeQueue<number>(MAXSIZE);
      let sum = 0;
      const producer = async () => {
        for (let i = 0; i < n; i++) await q.put(i);
      };
      const consumer = async () => {
        for (let i = 0; i < n; i++) sum += await q.get();
      };
      const t0 = now();
      await Promise.all([consumer(), producer()]);
      if (sum !== (n * (n - 1)) / 2) throw new Error(`node queue: wrong checksum ${sum}`);
      return rate(n, t0);
    },
  },
};
