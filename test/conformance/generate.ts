/**
 * Seeded generator of small concurrent programs for the differential
 * conformance test (run.ts). A program is data (JSON): interp.ts runs it
 * under taskloop, interp.py under CPython 3.12 asyncio.
 *
 * main starts the top-level tasks t1..tN, sleeps `endMs`, then cancels what
 * is left in rounds (creation order) and traces how every registered task
 * ended. Each actor (a task, or a piece of work given to waitFor, gather,
 * shield or a task group) runs its ops in order and returns "<label>.r".
 *
 * Ops (each traces one line "<ms> <label> <text>"):
 *   sleep {ms}            sleepMs(ms) / asyncio.sleep(ms/1000)      "slept ms"
 *   yield                 bare yield / asyncio.sleep(0)              "yielded"
 *   evwait/evset/evclear {i}  Event i                               "ev0 woke|set|clear"
 *   lock/sem {i, ms}      acquire, hold ms, release                  "lock0 got", "lock0 rel"
 *   put/get {i, v}        Queue i (maxsize from the program)         "put q0 v", "got q0 v"
 *   spawn {a}             createTask(actor a), registered by label   "spawn X"
 *   await {t}             yield* task t                              "await X = v"
 *   cancel {t}            task t (or "self") .cancel()               "cancel X true|false|none"
 *   waitfor {a, ms}       waitForMs(actor a, ms)                     "wf X = v"
 *   gather {items, rx}    gather(items..., {returnExceptions: rx})   "gather = [..]"
 *   shield {item}         shield(item)                               "shield = v"
 *   tg {kids, body}       taskGroup: kids as children, then body     "tg end"
 *   try {body, catch, fin}  catch "cancel" (CancelledError), "any", "none"; fin ops or null
 *   raise {msg}           throw Boom(msg)                            "raise msg"
 * An error leaving an actor traces "end !Err"; a normal end traces "end".
 *
 * No cycles of waiting: an actor may await (or gather, shield) only tasks its
 * own task tree spawned earlier in its op list, or top-level tasks with a
 * smaller index than its own top-level task. Work given to waitFor never
 * cancels "self": CPython 3.12 runs that work inside the waiting task, taskloop
 * in a task of its own, so "self" would name different tasks.
 */

export type Item = { t: string } | { a: Actor };
export type Op =
  | { o: "sleep"; ms: number }
  | { o: "yield" }
  | { o: "evwait" | "evset" | "evclear"; i: number }
  | { o: "lock" | "sem"; i: number; ms: number }
  | { o: "put"; i: number; v: number }
  | { o: "get"; i: number }
  | { o: "spawn"; a: Actor }
  | { o: "await" | "cancel"; t: string }
  | { o: "waitfor"; a: Actor; ms: number }
  | { o: "gather"; items: Item[]; rx: boolean }
  | { o: "shield"; item: Item }
  | { o: "tg"; kids: Actor[]; body: Op[] }
  | { o: "try"; body: Op[]; catch: "cancel" | "any" | "none"; fin: Op[] | null }
  | { o: "raise"; msg: string };
export interface Actor {
  label: string;
  ops: Op[];
}
export interface Program {
  events: number;
  locks: number;
  sems: number[];
  queues: number[];
  endMs: number;
  tasks: Actor[];
}

/** mulberry32: small, fast, good enough for test programs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ctx {
  label: string; // the actor whose ops these are
  depth: number;
  /** tasks this actor may wait for (spawned earlier by it, or lower top-level tasks) */
  awaitable: string[];
  /** tasks this actor may cancel */
  cancellable: string[];
  inWaitFor: boolean;
  counter: { n: number };
}

/** Op kinds that can be left out (`--without waitfor,tg`) to find which construct a mismatch needs. */
export const OPTIONAL = ["waitfor", "gather", "shield", "tg", "try", "raise", "cancel", "spawn", "await", "lock", "sem", "queue", "event"] as const;

export function generate(seed: number, without: ReadonlySet<string> = new Set()): Program {
  const has = (kind: string): boolean => !without.has(kind);
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;

  const ntasks = int(2, 4);
  const prog: Program = {
    events: 2,
    locks: 1,
    sems: [int(1, 2)],
    queues: [int(0, 2)],
    endMs: 10_000,
    tasks: [],
  };
  const roots = Array.from({ length: ntasks }, (_, i) => `t${i + 1}`);
  let value = 0;
  const sleepMs = [0, 0, 1, 2, 5, 10, 20, 50] as const;
  const timeouts = [0, 1, 2, 5, 10, 20, 50] as const;

  function actor(label: string, parent: Ctx | null, rootIndex: number, inWaitFor: boolean, nops: number): Actor {
    const ctx: Ctx = {
      label,
      depth: parent ? parent.depth + 1 : 0,
      awaitable: parent ? [...parent.awaitable] : roots.slice(0, rootIndex),
      cancellable: parent ? [...parent.cancellable] : [...roots],
      inWaitFor,
      counter: { n: 0 },
    };
    return { label, ops: ops(ctx, nops, rootIndex) };
  }

  function work(ctx: Ctx, rootIndex: number, inWaitFor: boolean): Actor {
    const label = `${ctx.label}.w${++ctx.counter.n}`;
    const a = actor(label, ctx, rootIndex, inWaitFor || ctx.inWaitFor, int(1, 3));
    return a;
  }

  function item(ctx: Ctx, rootIndex: number): Item {
    if (ctx.awaitable.length > 0 && chance(0.4) && has("await")) return { t: pick(ctx.awaitable) };
    return { a: work(ctx, rootIndex, false) };
  }

  function ops(ctx: Ctx, n: number, rootIndex: number): Op[] {
    const out: Op[] = [];
    for (let k = 0; k < n; k++) out.push(op(ctx, rootIndex));
    return out;
  }

  function op(ctx: Ctx, rootIndex: number): Op {
    const nested = ctx.depth < 2;
    for (;;) {
      const x = r();
      if (x < 0.14) return { o: "sleep", ms: pick(sleepMs) };
      if (x < 0.18) return { o: "yield" };
      if (x < 0.23 && has("event")) return { o: "evwait", i: int(0, prog.events - 1) };
      if (x < 0.28 && has("event")) return { o: "evset", i: int(0, prog.events - 1) };
      if (x < 0.3 && has("event")) return { o: "evclear", i: int(0, prog.events - 1) };
      if (x < 0.34 && has("lock")) return { o: "lock", i: 0, ms: pick(sleepMs) };
      if (x < 0.37 && has("sem")) return { o: "sem", i: 0, ms: pick(sleepMs) };
      if (x < 0.42 && has("queue")) return { o: "put", i: 0, v: ++value };
      if (x < 0.47 && has("queue")) return { o: "get", i: 0 };
      if (x < 0.53 && nested && has("spawn")) {
        const label = `${ctx.label}.s${++ctx.counter.n}`;
        const a = actor(label, ctx, rootIndex, false, int(1, 4));
        ctx.awaitable.push(label);
        ctx.cancellable.push(label);
        return { o: "spawn", a };
      }
      if (x < 0.59 && ctx.awaitable.length > 0 && has("await")) return { o: "await", t: pick(ctx.awaitable) };
      if (x < 0.64 && has("cancel")) {
        if (!ctx.inWaitFor && chance(0.25)) return { o: "cancel", t: "self" };
        return { o: "cancel", t: pick(ctx.cancellable) };
      }
      if (x < 0.71 && nested && has("waitfor")) return { o: "waitfor", a: work(ctx, rootIndex, true), ms: pick(timeouts) };
      if (x < 0.76 && nested && has("gather")) {
        const items = Array.from({ length: int(1, 3) }, () => item(ctx, rootIndex));
        return { o: "gather", items, rx: chance(0.5) };
      }
      if (x < 0.8 && nested && has("shield")) return { o: "shield", item: item(ctx, rootIndex) };
      if (x < 0.85 && nested && has("tg")) {
        const kids = Array.from({ length: int(1, 3) }, () => work(ctx, rootIndex, false));
        return { o: "tg", kids, body: ops(ctx, int(0, 2), rootIndex) };
      }
      if (x < 0.94 && nested && has("try")) {
        const body = ops(ctx, int(1, 3), rootIndex);
        const fin = chance(0.6) ? [{ o: "sleep", ms: pick(sleepMs) } as Op, ...(chance(0.3) ? [op(ctx, rootIndex)] : [])] : null;
        return { o: "try", body, catch: pick(["cancel", "cancel", "any", "none"] as const), fin };
      }
      if (x >= 0.94 && has("raise")) return { o: "raise", msg: `${ctx.label}#${++ctx.counter.n}` };
    }
  }

  for (let i = 0; i < ntasks; i++) prog.tasks.push(actor(roots[i]!, null, i, false, int(2, 6)));
  return prog;
}
