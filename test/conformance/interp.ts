/**
 * taskloop side of the differential conformance test: runs a program from
 * generate.ts on the virtual clock and returns its trace. interp.py is the
 * CPython twin; keep the two in step.
 */
import {
  CancelledError,
  Event,
  ExceptionGroup,
  Lock,
  Queue,
  Semaphore,
  TimeoutError,
  createTask,
  currentTask,
  gather,
  getEventLoop,
  isCancelled,
  newEventLoop,
  run,
  shield,
  sleepMs,
  taskGroup,
  waitForMs,
  type Coro,
  type Loop,
  type Task,
} from "taskloop";
import type { Actor, Item, Op, Program } from "./generate.ts";

class Boom extends Error {
  override name = "Boom";
}

function fmtErr(e: unknown): string {
  if (e instanceof CancelledError || isCancelled(e)) return "Cancelled";
  if (e instanceof TimeoutError) return "Timeout";
  if (e instanceof Boom) return `Boom(${e.message})`;
  if (e instanceof ExceptionGroup) return `EG[${e.errors.map(fmtErr).join(",")}]`;
  if (e instanceof Error) return e.name;
  return `thrown(${String(e)})`;
}

function fmtVal(v: unknown): string {
  if (v instanceof Error) return fmtErr(v);
  if (Array.isArray(v)) return `[${v.map(fmtVal).join(",")}]`;
  return String(v);
}

class Interp {
  readonly trace: string[] = [];
  closed = false;
  readonly tasks = new Map<string, Task<unknown>>();
  readonly order: string[] = [];
  readonly events: Event[];
  readonly locks: Lock[];
  readonly sems: Semaphore[];
  readonly queues: Queue<number>[];

  constructor(
    readonly prog: Program,
    readonly loop: Loop,
  ) {
    this.events = Array.from({ length: prog.events }, () => new Event());
    this.locks = Array.from({ length: prog.locks }, () => new Lock());
    this.sems = prog.sems.map((v) => new Semaphore(v));
    this.queues = prog.queues.map((m) => new Queue<number>(m));
  }

  log(label: string, text: string): void {
    if (!this.closed) this.trace.push(`${Math.round(this.loop.time())} ${label} ${text}`);
  }

  makeTask(actor: Actor, register: boolean): Task<unknown> {
    const t = createTask(this.runActor(actor), { name: actor.label });
    if (register) {
      this.tasks.set(actor.label, t);
      this.order.push(actor.label);
    }
    return t;
  }

  *runActor(actor: Actor): Coro<string> {
    try {
      yield* this.runOps(actor.label, actor.ops);
    } catch (e) {
      this.log(actor.label, `end !${fmtErr(e)}`);
      throw e;
    }
    this.log(actor.label, "end");
    return `${actor.label}.r`;
  }

  *runOps(label: string, ops: Op[]): Coro<void> {
    for (const op of ops) yield* this.runOp(label, op);
  }

  item(it: Item): Task<unknown> | undefined {
    if ("t" in it) return this.tasks.get(it.t);
    return this.makeTask(it.a, false);
  }

  *runOp(label: string, op: Op): Coro<void> {
    switch (op.o) {
      case "sleep":
        yield* sleepMs(op.ms);
        this.log(label, `slept ${op.ms}`);
        return;
      case "yield":
        yield;
        this.log(label, "yielded");
        return;
      case "evwait":
        yield* this.events[op.i]!.wait();
        this.log(label, `ev${op.i} woke`);
        return;
      case "evset":
        this.events[op.i]!.set();
        this.log(label, `ev${op.i} set`);
        return;
      case "evclear":
        this.events[op.i]!.clear();
        this.log(label, `ev${op.i} clear`);
        return;
      case "lock":
      case "sem": {
        const prim = op.o === "lock" ? this.locks[op.i]! : this.sems[op.i]!;
        yield* prim.acquire();
        try {
          this.log(label, `${op.o}${op.i} got`);
          yield* sleepMs(op.ms);
        } finally {
          prim.release();
        }
        this.log(label, `${op.o}${op.i} rel`);
        return;
      }
      case "put":
        yield* this.queues[op.i]!.put(op.v);
        this.log(label, `put q${op.i} ${op.v}`);
        return;
      case "get": {
        const v = yield* this.queues[op.i]!.get();
        this.log(label, `got q${op.i} ${v}`);
        return;
      }
      case "spawn":
        this.makeTask(op.a, true);
        this.log(label, `spawn ${op.a.label}`);
        return;
      case "await": {
        const t = this.tasks.get(op.t);
        if (t === undefined) {
          this.log(label, `await ${op.t} none`);
          return;
        }
        const v = yield* t;
        this.log(label, `await ${op.t} = ${fmtVal(v)}`);
        return;
      }
      case "cancel": {
        const t = op.t === "self" ? currentTask() : this.tasks.get(op.t);
        if (t === undefined) {
          this.log(label, `cancel ${op.t} none`);
          return;
        }
        const r = t.cancel();
        this.log(label, `cancel ${op.t} ${r}`);
        return;
      }
      case "waitfor": {
        const v = yield* waitForMs(this.runActor(op.a), op.ms);
        this.log(label, `wf ${op.a.label} = ${fmtVal(v)}`);
        return;
      }
      case "gather": {
        const children: Task<unknown>[] = [];
        for (const it of op.items) {
          const t = this.item(it);
          if (t !== undefined && !children.includes(t)) children.push(t);
        }
        const v = yield* gather(...children, { returnExceptions: op.rx });
        this.log(label, `gather = ${fmtVal(v)}`);
        return;
      }
      case "shield": {
        const t = this.item(op.item);
        if (t === undefined) {
          this.log(label, "shield none");
          return;
        }
        const v = yield* shield(t);
        this.log(label, `shield = ${fmtVal(v)}`);
        return;
      }
      case "tg": {
        const self = this;
        yield* taskGroup(function* (tg) {
          for (const kid of op.kids) tg.createTask(self.runActor(kid), { name: kid.label });
          yield* self.runOps(label, op.body);
        });
        this.log(label, "tg end");
        return;
      }
      case "try": {
        try {
          yield* this.runOps(label, op.body);
        } catch (e) {
          const cancelled = isCancelled(e);
          if (op.catch === "none" || (op.catch === "cancel" && !cancelled)) throw e;
          this.log(label, `caught ${fmtErr(e)}`);
        } finally {
          if (op.fin !== null) {
            this.log(label, "fin");
            yield* this.runOps(label, op.fin);
          }
        }
        return;
      }
      case "raise":
        this.log(label, `raise ${op.msg}`);
        throw new Boom(op.msg);
    }
  }
}

function* main(prog: Program, out: { interp: Interp | null }): Coro<string[]> {
  const loop = getEventLoop();
  loop.setExceptionHandler(() => {}); // unretrieved errors are expected; CPython's side is silenced too
  const p = new Interp(prog, loop);
  out.interp = p;
  for (const a of prog.tasks) p.makeTask(a, true);
  p.log("main", "started");
  yield* sleepMs(prog.endMs);
  for (let r = 0; r < 20; r++) {
    const pending = p.order.filter((name) => !p.tasks.get(name)!.done());
    if (pending.length === 0) break;
    p.log("main", `cancel ${pending.join(" ")}`);
    for (const name of pending) p.tasks.get(name)!.cancel();
    yield* sleepMs(1000);
  }
  for (const name of p.order) {
    const t = p.tasks.get(name)!;
    let s: string;
    if (!t.done()) s = "pending";
    else if (t.cancelled()) s = "cancelled";
    else if (t.exception() !== undefined) s = `!${fmtErr(t.exception())}`;
    else s = `= ${fmtVal(t.result())}`;
    p.log("main", `${name} ${s}`);
  }
  p.closed = true;
  return p.trace;
}

/** Runs one program on a fresh virtual-clock loop; resolves to its trace. */
export async function runProgram(prog: Program): Promise<string[]> {
  const out: { interp: Interp | null } = { interp: null };
  let trace: string[];
  try {
    newEventLoop({ clock: "virtual" }); // the default loop from here on (run(main, options) would warn about the last program's leftovers)
    trace = await run(main(prog, out));
  } catch (e) {
    const partial = out.interp?.trace ?? [];
    if (out.interp?.closed) return [...partial, "SHUTDOWN DEADLOCK"];
    return [...partial, `HARNESS ERROR ${e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e)}`];
  }
  return trace;
}
