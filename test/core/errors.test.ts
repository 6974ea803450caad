import { test } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, TimeoutError, RuntimeError, InvalidStateError, ExceptionGroup, QueueEmpty, QueueFull, BrokenBarrierError } from "taskloop";

test("the error classes are distinct Error subclasses with their own names", () => {
  const classes = [CancelledError, TimeoutError, InvalidStateError, RuntimeError, QueueEmpty, QueueFull, BrokenBarrierError];
  const names = new Set<string>();
  for (const C of classes) {
    const e = new C("m");
    assert.ok(e instanceof Error);
    assert.equal(e.name, C.name);
    names.add(e.name);
  }
  const g = new ExceptionGroup("several", [new Error("a"), new Error("b")]);
  assert.ok(g instanceof AggregateError);
  assert.equal(g.name, "ExceptionGroup");
  assert.equal(g.errors.length, 2);
  assert.equal(names.size, classes.length);
});
