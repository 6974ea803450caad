/**
 * Argument checks shared by the synchronisation primitives (internal), so
 * every misuse gets the same kind of message: what, what was expected, what came.
 */
import { describeValue } from "../core/host.ts";

/** @internal checks an integer count such as a semaphore's value: TypeError if not a number, RangeError if out of range. */
export function checkCount(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${what} must be an integer, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${describeValue(value)}`);
}
