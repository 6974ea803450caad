import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "taskloop";
import { transcript, virtual } from "./_transcript.ts";
import * as background from "../../examples/mpos/01-background-task.ts";
import * as delayed from "../../examples/mpos/02-delayed-operations.ts";
import * as eventNotification from "../../examples/mpos/04-event-notification.ts";
import * as sensorPolling from "../../examples/mpos/06-sensor-polling.ts";
import * as hanging from "../../examples/mpos/11-hanging-task.ts";
import * as safeTask from "../../examples/mpos/12-safe-task.ts";

test("mpos 01: onCreate launches a background task that finishes two seconds later and leaves the task list", async () => {
  const { log, lines } = transcript();
  await run(background.main({ log }), virtual);
  assert.deepEqual(lines, [
    "0 onCreate done, the download runs in the background",
    "0 Starting download...",
    "0 background tasks: download",
    "2000 Download complete!",
    "2500 background tasks: 0",
  ]);
});

test("mpos 02: delayed operations wait 3 s and then 500 ms", async () => {
  const { log, lines } = transcript();
  await run(delayed.main({ log }), virtual);
  assert.deepEqual(lines, ["3000 3 seconds later...", "3500 Half a second later..."]);
});

test("mpos 04: a task waits for an event another task signals", async () => {
  const { log, lines } = transcript();
  await run(eventNotification.main({ log }), virtual);
  assert.deepEqual(lines, ["0 waiting for the event...", "1000 signalling", "1000 Event occurred!"]);
});

test("mpos 06: the flag version leaves its loop alive until its next wake-up; whileForeground stops the poll before onDestroy", async () => {
  const { log, lines } = transcript();
  await run(sensorPolling.main({ log }), virtual);
  assert.deepEqual(lines, [
    "0 flag screen: x=0.1",
    "1000 flag screen: x=0.2",
    "2000 flag screen: x=0.3",
    "2500 flag screen: destroyed",
    "2500 monitor tasks alive right after destroy: flag monitor",
    "3000 flag screen: the loop saw the flag and ended",
    "3500 monitor tasks alive 1 s later: none",
    "3500 foreground screen: x=0.4",
    "4500 foreground screen: x=0.5",
    "5500 foreground screen: x=0.6",
    "6000 foreground screen: poll cancelled",
    "6000 foreground screen: destroyed",
    "6000 monitor tasks alive right after destroy: none",
    "7000 monitor tasks alive 1 s later: none",
  ]);
});

test("mpos 11: a hanging task is caught by a timeout and its cleanup runs", async () => {
  const { log, lines } = transcript();
  await run(hanging.main({ log, timeout: 30 }), virtual);
  assert.deepEqual(lines, [
    "0 waiting for a reply that never comes...",
    "30000 cleanup ran: the radio is off again",
    "30000 Task timed out after 30 s",
    "30000 task cancelled: true",
  ]);
});

test("mpos 12: the safe task reports its own error; the unsafe one reaches the exception handler; the loop goes on", async () => {
  const { log, lines } = transcript();
  await run(safeTask.main({ log }), virtual);
  assert.deepEqual(lines, [
    "500 Task failed: sensor not found",
    "500 exception handler: Task exception wasn't retrieved: sensor not found",
    "1000 the loop and the other tasks go on",
  ]);
});
