/**
 * The chunk timeout: noticing that the network has gone quiet.
 */

/**
 * @internal calls `onStall` when a wait for the network (`arm` … `disarm`)
 * lasts longer than `ms` of real time. One host timer per attempt, pushed
 * back by each `arm` (`refresh`), so a fast body costs no timer churn; time
 * spent outside the waits (in callbacks, on the disk) never counts.
 */
export class StallWatch {
  stalled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private fired = false;
  private waiting = false;

  constructor(
    readonly ms: number,
    private readonly onStall: () => void,
  ) {}

  /** A wait for the network begins. */
  arm(): void {
    this.waiting = true;
    if (this.timer !== null && !this.fired && typeof this.timer.refresh === "function") {
      this.timer.refresh();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.fired = false;
    this.timer = setTimeout(this.fire, this.ms);
  }

  /** The wait has ended. */
  disarm(): void {
    this.waiting = false;
  }

  /** The attempt is over: no more waits. */
  stop(): void {
    this.waiting = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly fire = (): void => {
    this.fired = true;
    if (!this.waiting) return;
    this.stalled = true;
    this.onStall();
  };
}
