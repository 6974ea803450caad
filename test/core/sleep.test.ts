import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep } from "taskloop";

/** The message must not call a finite number "not finite": it says the duration is too long. */
function assertTooLong(fn: () => unknown, name: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /must be finite|not finite/i, `a finite number called infinite: ${e.message}`);
    assert.match(e.message, /too (long|large|big)|at most|maximum|exceed/i);
    assert.match(e.message, name);
    return true;
  });
}

test("sleep(1e306) is refused as too long, not as \"must be finite\": the number is finite", () => {
  assertTooLong(() => sleep(1e306), /seconds/);
});
