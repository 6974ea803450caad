/**
 * A loop's clock: real milliseconds since the loop was made, or virtual time,
 * which starts at 0 and moves only when the scheduler jumps it to the next
 * timer (nothing is ready) or a simulated blocking call holds the loop.
 */
import { realNow } from "./host.ts";

export class Clock {
  private virtualNow = 0;
  private readonly origin = realNow();

  constructor(readonly virtual: boolean) {}

  /** Milliseconds on this clock. */
  now(): number {
    return this.virtual ? this.virtualNow : realNow() - this.origin;
  }

  /** Virtual clock: moves on to `time` unless it is already past it. */
  jumpTo(time: number): void {
    this.virtualNow = Math.max(this.virtualNow, time);
  }

  /** Virtual clock: moves on by `ms`. */
  advance(ms: number): void {
    this.virtualNow += ms;
  }
}
