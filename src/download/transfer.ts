/**
 * One download, from the first request to the result: the attempts, the
 * retries and resumes, the chunk timeout, progress and speed, and the sink.
 */
import { isCancelled } from "../core/errors.ts";
import { realNow } from "../core/host.ts";
import { until } from "../core/hostwait.ts";
import { sleepMs } from "../core/sleep.ts";
import type { Coro } from "../core/types.ts";
import { callBack } from "./callbacks.ts";
import { Failure, failedAt, oneLine } from "./failure.ts";
import type { DownloadRequest } from "./options.ts";
import { ProgressReport, SpeedReport } from "./progress.ts";
import { contentLength, contentRange, validatorOf } from "./response.ts";
import { sinkFor, type Sink } from "./sinks.ts";
import { StallWatch } from "./stall.ts";

/** The abort reason of an abandoned attempt (made once: an Error captures a stack). */
const ABANDONED = new Error("download attempt abandoned");

/** @internal how long to wait before retry number `n` (1, 2, …): 0.25 s, doubling, at most 4 s. */
export function retryDelayMs(n: number): number {
  return Math.min(250 * 2 ** (n - 1), 4000);
}

/**
 * @internal drives one download. State that outlives an attempt:
 *
 * - `received`: bytes handed to the sink. A resume asks for the rest from
 *   here; a restart from zero re-downloads and skips this many bytes, so the
 *   sink (and the user's chunk callback) never sees a byte twice and progress
 *   never goes back.
 * - `total`: the whole body's length as the server announced it
 *   (`Content-Length` of the first `200`, or the total of a `Content-Range`),
 *   or `null` when it did not.
 * - `validator`: the first response's strong ETag or Last-Modified. A resume
 *   sends it as `If-Range`; a later response with a different one means the
 *   resource changed under the download, which fails it (bytes already
 *   delivered to a chunk callback cannot be taken back).
 */
export class Transfer {
  received = 0;
  total: number | null = null;
  /** The status of the last response, for `DownloadError.status`. */
  status: number | null = null;
  retried = 0;
  private validator: string | null = null;
  private started = false;
  private readonly sink: Sink;
  private readonly progress = new ProgressReport();
  private readonly speed = new SpeedReport(realNow());

  constructor(private readonly req: DownloadRequest) {
    this.sink = sinkFor(req);
  }

  /** Runs attempts until one completes or a failure is final; then commits the sink. */
  *run(): Coro<Uint8Array | true> {
    const req = this.req;
    let committed = false;
    try {
      for (;;) {
        const controller = new AbortController();
        const watch = new StallWatch(req.chunkTimeoutMs, () => controller.abort(new Error("stalled")));
        let complete = false;
        try {
          yield* this.attempt(controller.signal, watch);
          complete = true;
          break;
        } catch (error) {
          if (!(error instanceof Failure) || !error.transient || this.retried >= req.retries) throw error;
          this.retried++;
        } finally {
          watch.stop();
          // Closes the connection of an attempt that failed or was cancelled. A
          // body read to its end has already given its connection back to the
          // pool, and aborting then would only cost time.
          if (!complete) controller.abort(ABANDONED);
        }
        yield* sleepMs(retryDelayMs(this.retried));
      }
      try {
        const commit = this.sink.commit(this.total);
        if (commit !== null) yield* commit;
      } catch (error) {
        throw failedAt(`saving ${req.outfile ?? "the body"}`, error, this.status);
      }
      committed = true;
      if (req.progressCallback !== null) yield* this.report(req.progressCallback, this.progress.done(), "progressCallback");
      return this.sink.result();
    } finally {
      if (!committed) {
        const cleanup = this.sink.discard();
        if (cleanup !== null) yield* until(cleanup);
      }
    }
  }

  /** One request: returns when the body has arrived complete; throws a `Failure` otherwise. */
  private *attempt(signal: AbortSignal, watch: StallWatch): Coro<void> {
    const req = this.req;
    const headers: Record<string, string> = { "accept-encoding": "identity", ...req.headers };
    if (this.received > 0) {
      headers.range = `bytes=${this.received}-`;
      if (this.validator !== null) headers["if-range"] = this.validator;
    }
    let res: Response;
    watch.arm();
    try {
      res = yield* until(fetch(req.href, { headers, signal, redirect: "follow" }));
    } catch (error) {
      throw networkFailure(error, watch, null);
    } finally {
      watch.disarm();
    }
    const status = (this.status = res.status);
    const skip = this.accept(res);
    if (!this.started) {
      this.started = true;
      try {
        const ready = this.sink.begin();
        if (ready !== null) yield* ready;
      } catch (error) {
        throw failedAt(`creating a temporary file beside ${req.outfile}`, error, status);
      }
    }
    yield* this.readBody(res, skip, watch);
  }

  /**
   * Checks a response's status and headers against what is known; returns how
   * many bytes of its body were already received (a restart from zero).
   */
  private accept(res: Response): number {
    const status = res.status;
    if (status >= 500) throw new Failure(`HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}`, true, status);
    if (status < 200 || status >= 300) throw new Failure(`HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}`, false, status);
    const validator = validatorOf(res);
    if (this.validator !== null && validator !== null && validator !== this.validator) {
      throw new Failure(`the resource changed on the server during the download (validator ${this.validator}, then ${validator})`, false, status);
    }
    this.validator ??= validator;
    if (status === 206) {
      const range = contentRange(res);
      if (range === null || range.start !== this.received) {
        const got = res.headers.get("content-range");
        throw new Failure(
          `the server sent ${got === null ? "a 206 without Content-Range" : `Content-Range ${got}`} when bytes from ${this.received} were asked for`,
          false,
          status,
        );
      }
      if (range.total !== null) this.checkTotal(range.total, status);
      return 0;
    }
    // 200 (or another 2xx): the whole body, from zero.
    const length = contentLength(res);
    if (length !== null) this.checkTotal(length, status);
    return this.received;
  }

  private checkTotal(total: number, status: number): void {
    if (this.total !== null && this.total !== total) {
      throw new Failure(`the resource changed on the server during the download (its length was ${this.total}, now ${total})`, false, status);
    }
    this.total = total;
  }

  /** Reads the body to its end, skipping its first `skip` bytes, feeding the sink and the callbacks. */
  private *readBody(res: Response, skip: number, watch: StallWatch): Coro<void> {
    const req = this.req;
    const status = res.status;
    const expected = contentLength(res);
    const body = res.body;
    let got = 0;
    if (body !== null) {
      const reader = body.getReader();
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        watch.arm();
        try {
          next = yield* until(reader.read());
        } catch (error) {
          throw networkFailure(error, watch, status);
        } finally {
          watch.disarm();
        }
        if (next.done) break;
        let chunk = next.value;
        got += chunk.length;
        if (req.speedCallback !== null) {
          const speed = this.speed.update(chunk.length, realNow());
          if (speed !== null) yield* this.report(req.speedCallback, speed, "speedCallback");
        }
        if (skip > 0) {
          if (chunk.length <= skip) {
            skip -= chunk.length;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        this.received += chunk.length;
        try {
          const written = this.sink.write(chunk);
          if (written !== null) yield* written;
        } catch (error) {
          throw failedAt(req.chunkCallback !== null ? "chunkCallback" : `writing ${req.outfile ?? "the body"}`, error, status);
        }
        if (req.progressCallback !== null) {
          const percent = this.progress.update(this.received, this.total ?? req.totalSize);
          if (percent !== null) yield* this.report(req.progressCallback, percent, "progressCallback");
        }
      }
    }
    if (skip > 0) {
      throw new Failure(
        `the resource changed on the server during the download (it is now shorter than the ${this.received} bytes already received)`,
        false,
        status,
      );
    }
    if (expected !== null && got < expected) {
      throw new Failure(`the connection ended after ${got} of ${expected} bytes`, true, status);
    }
    if (this.total !== null && this.received < this.total) {
      throw new Failure(`the connection ended after ${this.received} of ${this.total} bytes`, true, status);
    }
    if (this.total !== null && this.received > this.total) {
      throw new Failure(`the server sent ${this.received} bytes after announcing ${this.total}`, false, status);
    }
  }

  /** Calls a progress or speed callback and waits for it. */
  private *report(fn: (n: number) => unknown, n: number, name: string): Coro<void> {
    try {
      const wait = callBack(fn, n);
      if (wait !== null) yield* wait;
    } catch (error) {
      throw failedAt(name, error, this.status);
    }
  }
}

/** A fetch or body read that threw: a stall, a network error, or the task's cancellation (passed on). */
function networkFailure(error: unknown, watch: StallWatch, status: number | null): unknown {
  if (isCancelled(error)) return error;
  if (watch.stalled) return new Failure(`no data for ${watch.ms / 1000} s (chunkTimeoutSeconds)`, true, status);
  const text = oneLine(error);
  // fetch gives up on redirect loops itself: trying again cannot help.
  const transient = !/redirect/i.test(text);
  return new Failure(`network error: ${text}`, transient, status, error);
}
