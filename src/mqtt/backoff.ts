/**
 * Reconnect pacing: capped exponential backoff.
 *
 * The first retry after a lost connection waits `initialMs`; each failed
 * attempt doubles the wait, up to `maxMs`; a successful connection starts
 * over. A fleet of devices that lost the same broker does not hammer it when
 * it comes back: after a long outage they retry every `maxMs`.
 */

/** @internal the wait in ms before reconnect attempt `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(initialMs * 2 ** exponent, maxMs);
}
