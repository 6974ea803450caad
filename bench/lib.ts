/**
 * Shared pieces of the benchmark suite: the workload shape, a structural view of
 * the taskloop API (so the suite compiles and runs while parts of it are still
 * being written), and the hand-rolled primitives plain Node lacks.
 */

export type Impl = "taskloop" | "node" | "effection" | "cpython";
export type JsImpl = Exclude<Impl, "cpython">;
export const IMPLS: readonly Impl[] = ["taskloop", "node", "effection", "cpython"];

export interface Params {
  quick: boolean;
}

/**
 * Effection spends ~0.15-0.3 ms per spawn (linear, checked 5k-40k), so at full
 * size its columns alone would take minutes: it runs at most this many tasks
 * (rates are per task, so they stay comparable).
 */
export const effectionCap = (p: Params): number => (p.quick ? 2_000 : 5_000);

export interface MetricDef {
  key: string;
  unit: string;
  higherIsBetter: boolean;
}

/** One measurement of one implementation: metric key -> value. */
export type Sample = Record<string, number>;

/** A runner returns a sample, or a string saying why it cannot run. */
export type Runner = (p: Params) => Promise<Sample | string>;

export interface Workload {
  name: string;
  title: string;
  metrics: MetricDef[];
  run: Partial<Record<JsImpl, Runner>>;
  /** Why a peer has no column here (it lacks the primitive). */
  lacks?: Partial<Record<Impl, string>>;
  /** Notes on how a peer does it (hand-rolled primitive, …). */
  notes?: Partial<Record<Impl, string>>;
  /** bench/python/<file> prints a JSON Sample; gets "--quick" in quick mode. */
  python?: string;
  /** Repetitions override (full, quick). */
  reps?: [number, number];
}

// ---- taskloop, seen structurally -------------------------------------------

export interface Aw<T> {
  [Symbol.iterator](): Iterator<unknown, T, unknown>;
}
export type Coro<T> = Generator<unknown, T, unknown>;

export interface TlTask<T> extends Aw<T> {
  cancel(msg?: string): boolean;
  done(): boolean;
  cancelled(): boolean;
}
export interface TlEvent {
  set(): void;
  clear(): void;
  isSet(): boolean;
  wait(): Aw<true>;
}
export interface TlLock {
  acquire(): Aw<{ release(): void }>;
  release(): void;
  locked(): boolean;
}
export interface TlQueue<T> {
  put(x: T): Aw<void>;
  get(): Aw<T>;
}
export interface TlScheduled {
  cancel(): void;
  stats: { runs: number; overruns: number; maxLateMs: number };
}
export interface Taskloop {
  run<T>(
    main: Coro<T>,
    options?: { clock?: "real" | "virtual"; slowStepMs?: number; onSlowStep?: (info: unknown) => void; timerPrecision?: "efficient" | "precise" },
  ): Promise<T>;
  createTask<T>(coro: Coro<T>): TlTask<T>;
  sleep(seconds: number): Aw<void>;
  sleepMs(ms: number): Aw<void>;
  gather(...aws: Aw<unknown>[]): Aw<unknown[]>;
  getEventLoop(): { time(): number };
  Event: new () => TlEvent;
  Lock: new () => TlLock;
  Queue?: new (maxsize?: number) => TlQueue<number>;
  schedule?: (hz: number, fn: () => void) => TlScheduled;
}

let loaded: Taskloop | string | undefined;

/** The built package (dist/), or a string saying why it is not available. */
export async function taskloop(): Promise<Taskloop | string> {
  if (loaded !== undefined) return loaded;
  try {
    const specifier = "taskloop"; // a variable, so the suite also type-checks before dist/ exists
    const mod: object = await import(specifier);
    for (const name of ["run", "createTask", "sleep", "sleepMs", "gather", "getEventLoop", "Event", "Lock"]) {
      if (!(name in mod)) return (loaded = `n/a (taskloop lacks ${name})`);
    }
    loaded = mod as Taskloop; // checked above; Queue and schedule stay optional
  } catch (err) {
    loaded = `n/a (taskloop not built: ${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
  return loaded;
}

/** Runs `body` with taskloop if it loaded and has the optional `need`ed exports. */
export async function withTaskloop(need: readonly ("Queue" | "schedule")[], body: (tl: Taskloop) => Promise<Sample>): Promise<Sample | string> {
  const tl = await taskloop();
  if (typeof tl === "string") return tl;
  for (const n of need) if (tl[n] === undefined) return "n/a (not implemented)";
  return body(tl);
}

// ---- plain Node helpers ----------------------------------------------------

/** Node's "give way": back of the host queue (setTimeout(0) would clamp to 1 ms). */
export const giveWay = (): Promise<void> => new Promise((r) => setImmediate(r));
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const now = (): number => performance.now();

export class NodeEvent {
  private flag = false;
  private waiters: (() => void)[] = [];
  set(): void {
    if (this.flag) return;
    this.flag = true;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  clear(): void {
    this.flag = false;
  }
  wait(): Promise<void> {
    return this.flag ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

export class NodeLock {
  private held = false;
  private waiters: (() => void)[] = [];
  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((r) => this.waiters.push(r)); // handed over by release()
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

export class NodeQueue<T> {
  private items: T[] = [];
  private getters: (() => void)[] = [];
  private putters: (() => void)[] = [];
  constructor(readonly maxsize: number) {}
  async put(x: T): Promise<void> {
    while (this.maxsize > 0 && this.items.length >= this.maxsize) await new Promise<void>((r) => this.putters.push(r));
    this.items.push(x);
    this.getters.shift()?.();
  }
  async get(): Promise<T> {
    while (this.items.length === 0) await new Promise<void>((r) => this.getters.push(r));
    const x = this.items.shift()!;
    this.putters.shift()?.();
    return x;
  }
}
