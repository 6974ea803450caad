/** 4. event ping-pong: N round trips between two tasks through two Events. */
import { run as erun, spawn, withResolvers, type Operation, type WithResolvers } from "effection";
import { NodeEvent, now, withTaskloop, type Params, type Workload } from "../lib.ts";

const size = (p: Params) => (p.quick ? 20_000 : 100_000);
const rate = (n: number, t0: number) => ({ round_trips_per_s: (n * 1000) / (now() - t0) });

/** Effection has no Event; this is the idiomatic one-shot-resolver equivalent. */
class EffEvent {
  private r: WithResolvers<void> = withResolvers<void>();
  private flag = false;
  set(): void {
    if (this.flag) return;
    this.flag = true;
    this.r.resolve();
  }
  clear(): void {
    if (!this.flag) return;
    this.flag = false;
    this.r = withResolvers<void>();
  }
  wait(): Operation<void> {
    return this.r.operation;
  }
}

export const pingpongWorkload: Workload = {
  name: "pingpong",
  title: "Event ping-pong",
  metrics: [{ key: "round_trips_per_s", unit: "round trips/s", higherIsBetter: true }],
  notes: { node: "hand-rolled promise Event", effection: "Event built on withResolvers (no Event primitive)" },
  python: "pingpong.py",
  run: {
    taskloop: (p) =>
      withTaskloop([], async (tl) => {
        const n = size(p);
        const ping = new tl.Event();
        const pong = new tl.Event();
        function* pinger() {
          for (let i = 0; i < n; i++) {
            ping.set();
            yield* pong.wait();
            pong.clear();
          }
        }
        function* ponger() {
          for (let i = 0; i < n; i++) {
            yield* ping.wait();
            ping.clear();
            pong.set();
          }
        }
        const t0 = now();
        await tl.run(
          (function* () {
            yield* tl.gather(tl.createTask(ponger()), tl.createTask(pinger()));
          })(),
          { clock: "real" },
        );
        return rate(n, t0);
      }),
    node: async (p) => {
      const n = size(p);
      const ping = new NodeEvent();
      const pong = new NodeEvent();
      const pinger = async () => {
        for (let i = 0; i < n; i++) {
          ping.set();
          await pong.wait();
          pong.clear();
        }
      };
      const ponger = async () => {
        for (let i = 0; i < n; i++) {
          await ping.wait();
          ping.clear();
          pong.set();
        }
      };
      const t0 = now();
      await Promise.all([ponger(), pinger()]);
      return rate(n, t0);
    },
    effection: async (p) => {
      const n = size(p);
      const ping = new EffEvent();
      const pong = new EffEvent();
      const t0 = now();
      await erun(function* () {
        const a = yield* spawn(function* () {
          for (let i = 0; i < n; i++) {
            yield* ping.wait();
            ping.clear();
            pong.set();
          }
        });
        const b = yield* spawn(function* () {
          for (let i = 0; i < n; i++) {
            ping.set();
            yield* pong.wait();
            pong.clear();
          }
        });
        yield* a;
        yield* b;
      });
      return rate(n, t0);
    },
  },
};
