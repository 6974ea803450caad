/**
 * Helpers for the ports of MicroPython's tests/extmod/asyncio_*.py: a `print`
 * that collects lines the way Python would print them, so the expected lines
 * can be transcribed from the `.exp` files almost verbatim.
 */

/** Python's ValueError, keeping its args so that repr() matches Python's. */
export class ValueError extends Error {
  override name = "ValueError";
  readonly args: readonly unknown[];
  constructor(...args: unknown[]) {
    super(args.map((a) => pyStr(a)).join(", "));
    this.args = args;
  }
}

/** Python's repr() for the values these tests print. */
export function pyRepr(x: unknown): string {
  if (typeof x === "string") return `'${x}'`;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (Array.isArray(x)) return `[${x.map(pyRepr).join(", ")}]`;
  if (x instanceof ValueError) return `ValueError(${x.args.map(pyRepr).join(", ")})`;
  // taskloop's own errors (CancelledError, TimeoutError, …): the type is what the tests check.
  if (x instanceof Error) return `${x.name}()`;
  return String(x);
}

/** Python's str(). */
export function pyStr(x: unknown): string {
  if (typeof x === "string") return x;
  if (x instanceof ValueError) return x.args.length === 1 ? pyStr(x.args[0]) : `(${x.args.map(pyRepr).join(", ")})`;
  return pyRepr(x);
}

/** Python's repr() of a tuple. */
export function pyTuple(...xs: unknown[]): string {
  return `(${xs.map(pyRepr).join(", ")})`;
}

/** A `print` that records what it prints. */
export function recorder(): { lines: string[]; print: (...xs: unknown[]) => void } {
  const lines: string[] = [];
  return { lines, print: (...xs: unknown[]) => void lines.push(xs.map(pyStr).join(" ")) };
}

/** Python's round(x, -2): milliseconds to the nearest 100. */
export function round100(ms: number): number {
  return Math.round(ms / 100) * 100;
}

/** The options every port uses: virtual time, so timing is exact and tests are fast. */
export const virtual = { clock: "virtual" } as const;
