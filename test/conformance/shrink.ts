/**
 * Shrinks a program on which taskloop and CPython disagree to a smaller one
 * on which they still disagree (greedy: drop tasks, ops, items and children,
 * unwrap try/tg/waitfor bodies, shorten sleeps), and prints programs readably.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Actor, Item, Op, Program } from "./generate.ts";
import { runProgram } from "./interp.ts";

/** One CPython process answering one program at a time. */
export class PythonSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = "";
  private waiting: ((line: string) => void) | null = null;

  constructor(model: string) {
    const script = fileURLToPath(new URL("./interp.py", import.meta.url));
    const env = { ...process.env, PYENV_VERSION: process.env.PYENV_VERSION ?? "3.12.1" };
    this.child = spawn(process.env.PYTHON ?? "python3.12", [script, `--model=${model}`], { env });
    this.child.stderr.pipe(process.stderr);
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (d: string) => {
      this.buffer += d;
      let k: number;
      while ((k = this.buffer.indexOf("\n")) >= 0 && this.waiting) {
        const line = this.buffer.slice(0, k);
        this.buffer = this.buffer.slice(k + 1);
        const w = this.waiting;
        this.waiting = null;
        w(line);
      }
    });
  }

  run(program: Program): Promise<string[]> {
    return new Promise((resolve) => {
      this.waiting = (line) => resolve((JSON.parse(line) as { trace: string[] }).trace);
      this.child.stdin.write(JSON.stringify({ seed: 0, program, flush: true }) + "\n");
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((l, k) => l === b[k]);

/** Every op list of the program, so candidates can edit them in place. */
function opLists(p: Program): Op[][] {
  const lists: Op[][] = [];
  const actor = (a: Actor): void => {
    lists.push(a.ops);
    a.ops.forEach(op);
  };
  const item = (it: Item): void => {
    if ("a" in it) actor(it.a);
  };
  const op = (o: Op): void => {
    if (o.o === "spawn" || o.o === "waitfor") actor(o.a);
    else if (o.o === "gather") o.items.forEach(item);
    else if (o.o === "shield") item(o.item);
    else if (o.o === "tg") {
      o.kids.forEach(actor);
      lists.push(o.body);
      o.body.forEach(op);
    } else if (o.o === "try") {
      lists.push(o.body);
      o.body.forEach(op);
      if (o.fin) {
        lists.push(o.fin);
        o.fin.forEach(op);
      }
    }
  };
  p.tasks.forEach(actor);
  return lists;
}

/** Smaller variants of `p`, roughly biggest cut first. */
function* candidates(p: Program): Generator<Program> {
  const clone = (): Program => JSON.parse(JSON.stringify(p)) as Program;
  for (let t = 0; t < p.tasks.length; t++) {
    const c = clone();
    c.tasks.splice(t, 1);
    yield c;
  }
  const n = opLists(p).length;
  for (let l = 0; l < n; l++) {
    for (let k = 0; k < opLists(p)[l]!.length; k++) {
      // drop the op
      const c = clone();
      opLists(c)[l]!.splice(k, 1);
      yield c;
      // unwrap it, or cut its parts
      const o = opLists(p)[l]![k]!;
      const edit = (f: (o: Op, list: Op[]) => void): Program => {
        const c2 = clone();
        const list = opLists(c2)[l]!;
        f(list[k]!, list);
        return c2;
      };
      if (o.o === "try") {
        yield edit((x, list) => list.splice(k, 1, ...(x as typeof o).body));
        if (o.fin) yield edit((x) => ((x as typeof o).fin = null));
        if (o.catch !== "none") yield edit((x) => ((x as typeof o).catch = "none"));
      }
      if (o.o === "tg") {
        yield edit((x, list) => list.splice(k, 1, ...(x as typeof o).body));
        for (let j = 0; j < o.kids.length; j++) yield edit((x) => (x as typeof o).kids.splice(j, 1));
      }
      if (o.o === "gather") for (let j = 0; j < o.items.length; j++) if (o.items.length > 1) yield edit((x) => (x as typeof o).items.splice(j, 1));
      if (o.o === "gather" && o.rx) yield edit((x) => ((x as typeof o).rx = false));
      if ((o.o === "sleep" || o.o === "lock" || o.o === "sem") && o.ms > 0) yield edit((x) => ((x as typeof o).ms = 0));
      if (o.o === "sleep" && o.ms === 0) yield edit((x, list) => list.splice(k, 1, { o: "yield" }));
      if (o.o === "waitfor" && o.ms > 0) yield edit((x) => ((x as typeof o).ms = Math.floor(o.ms / 2)));
    }
  }
  if (p.endMs > 1000) {
    const c = clone();
    c.endMs = 1000;
    yield c;
  }
}

/** Greedy shrink: keep the first smaller program that still differs, until none does. */
export async function shrink(p: Program, py: PythonSession, budget = 3000): Promise<{ program: Program; cpython: string[]; taskloop: string[] }> {
  let best = p;
  let a = await py.run(p);
  let b = await runProgram(p);
  let tries = 0;
  outer: for (;;) {
    for (const c of candidates(best)) {
      if (++tries > budget) break outer;
      const ca = await py.run(c);
      const cb = await runProgram(c);
      if (!same(ca, cb) && !ca.some((l) => l.startsWith("HARNESS")) && !cb.some((l) => l.startsWith("HARNESS"))) {
        best = c;
        a = ca;
        b = cb;
        continue outer;
      }
    }
    break;
  }
  return { program: best, cpython: a, taskloop: b };
}

/** A program as indented text. */
export function show(p: Program): string {
  const out: string[] = [`events ${p.events}, locks ${p.locks}, sems [${p.sems}], queues maxsize [${p.queues}], end ${p.endMs} ms`];
  const actor = (a: Actor, ind: string): void => {
    out.push(`${ind}${a.label}:`);
    for (const o of a.ops) op(o, ind + "  ");
  };
  const item = (it: Item): string => ("t" in it ? it.t : it.a.label);
  const op = (o: Op, ind: string): void => {
    switch (o.o) {
      case "sleep":
        out.push(`${ind}sleep ${o.ms}`);
        break;
      case "yield":
        out.push(`${ind}yield`);
        break;
      case "evwait":
      case "evset":
      case "evclear":
        out.push(`${ind}${o.o} ev${o.i}`);
        break;
      case "lock":
      case "sem":
        out.push(`${ind}${o.o}${o.i} hold ${o.ms}`);
        break;
      case "put":
        out.push(`${ind}put q${o.i} ${o.v}`);
        break;
      case "get":
        out.push(`${ind}get q${o.i}`);
        break;
      case "spawn":
        out.push(`${ind}spawn`);
        actor(o.a, ind + "  ");
        break;
      case "await":
      case "cancel":
        out.push(`${ind}${o.o} ${o.t}`);
        break;
      case "waitfor":
        out.push(`${ind}waitfor ${o.ms} ms`);
        actor(o.a, ind + "  ");
        break;
      case "gather":
        out.push(`${ind}gather(${o.items.map(item).join(", ")})${o.rx ? " returnExceptions" : ""}`);
        for (const it of o.items) if ("a" in it) actor(it.a, ind + "  ");
        break;
      case "shield":
        out.push(`${ind}shield(${item(o.item)})`);
        if ("a" in o.item) actor(o.item.a, ind + "  ");
        break;
      case "tg":
        out.push(`${ind}taskGroup kids ${o.kids.map((k) => k.label).join(", ")}`);
        for (const k of o.kids) actor(k, ind + "  ");
        out.push(`${ind}  body:`);
        for (const x of o.body) op(x, ind + "    ");
        break;
      case "try":
        out.push(`${ind}try (catch ${o.catch})`);
        for (const x of o.body) op(x, ind + "    ");
        if (o.fin) {
          out.push(`${ind}  finally:`);
          for (const x of o.fin) op(x, ind + "    ");
        }
        break;
      case "raise":
        out.push(`${ind}raise ${o.msg}`);
        break;
    }
  };
  for (const a of p.tasks) actor(a, "");
  return out.join("\n");
}
