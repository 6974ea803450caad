import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, sleep, isCancelled, type Coro } from "taskloop";
import { connectMqtt, type MqttClient, type Subscription } from "taskloop/mqtt";
import { text, useBroker } from "./_broker.ts";

const broker = useBroker();

function withClient<T>(body: (client: MqttClient) => Coro<T>): Promise<T> {
  return run(function* () {
    const client = yield* connectMqtt(broker().url);
    try {
      return yield* body(client);
    } finally {
      yield* client.close();
    }
  });
}

function* outcome(task: { [Symbol.iterator](): Iterator<unknown, unknown, unknown> }): Coro<string> {
  try {
    yield* task;
    return "finished";
  } catch (e) {
    return isCancelled(e) ? "cancelled" : `failed: ${String(e)}`;
  }
}

/** Reads the subscription up to the message "end" and gives what came before it. */
function* untilEnd(sub: Subscription): Coro<string[]> {
  const got: string[] = [];
  for (let m = yield* sub.receive(); text(m.payload) !== "end"; m = yield* sub.receive()) got.push(text(m.payload));
  return got;
}

test("a task cancelled while parked in receive() takes nothing: the next receive() gets the message", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("cancel/rx", { qos: 1 });
    const first = createTask(
      (function* () {
        return yield* sub.receive();
      })(),
    );
    yield* sleep(0);
    first.cancel();
    const how = yield* outcome(first);
    yield* client.publish("cancel/rx", "kept", { qos: 1 });
    return [how, text((yield* sub.receive()).payload)];
  });
  assert.deepEqual(got, ["cancelled", "kept"]);
});

test("a task cancelled after a message woke it, before it ran, hands the message to the next receiver", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("cancel/woken", { qos: 1 });
    const first = createTask(
      (function* () {
        return yield* sub.receive();
      })(),
      { name: "first" },
    );
    const second = createTask(
      (function* () {
        return yield* sub.receive();
      })(),
      { name: "second" },
    );
    yield* sleep(0);
    // Runs in the same host callback as the delivery, right after it woke `first`.
    (client as unknown as { js: { once(event: "message", fn: () => void): void } }).js.once("message", () => first.cancel()); // the mqtt.js client inside (internal)
    yield* client.publish("cancel/woken", "only one", { qos: 1 });
    const how = yield* outcome(first);
    const m = yield* second;
    return [how, text(m.payload), sub.pending()];
  });
  assert.deepEqual(got, ["cancelled", "only one", 0]);
});

test("many receivers cancelled at random points lose no message and duplicate none", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("cancel/many", { qos: 1 });
    const received: string[] = [];
    let stop = false;
    function* receiver(): Coro<void> {
      while (!stop) received.push(text((yield* sub.receive()).payload));
    }
    const publisher = createTask(
      (function* () {
        for (let i = 0; i < 300; i++) yield* client.publish("cancel/many", String(i), { qos: i % 3 === 0 ? 0 : 1 });
      })(),
    );
    let n = 0;
    while (received.length < 300) {
      const r = createTask(receiver());
      yield* sleep(0.001 * (n++ % 3));
      r.cancel();
      yield* outcome(r);
    }
    stop = true;
    yield* publisher;
    return received;
  });
  assert.deepEqual(
    got,
    Array.from({ length: 300 }, (_, i) => String(i)),
  );
});

test("a task cancelled while waiting for a QoS 1 acknowledgement leaves the message whole: it is delivered once", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("cancel/pub", { qos: 1 });
    const pub = createTask(
      (function* () {
        yield* client.publish("cancel/pub", "whole", { qos: 1 });
      })(),
    );
    yield* sleep(0);
    pub.cancel();
    const how = yield* outcome(pub);
    yield* client.publish("cancel/pub", "end", { qos: 1 });
    return { how, got: yield* untilEnd(sub) };
  });
  assert.ok(got.how === "cancelled" || got.how === "finished", got.how);
  assert.deepEqual(got.got, ["whole"]);
  // and the client still works: withClient closed it cleanly after the late PUBACK
});

test("a subscribe cancelled before its acknowledgement leaves no subscription behind", async () => {
  const got = await withClient(function* (client) {
    const pending = createTask(
      (function* () {
        return yield* client.subscribe("cancel/sub");
      })(),
    );
    yield* sleep(0);
    pending.cancel();
    const how = yield* outcome(pending);
    const sub = yield* client.subscribe("cancel/sub");
    yield* client.publish("cancel/sub", "once");
    yield* client.publish("cancel/sub", "end");
    return [how, ...(yield* untilEnd(sub))];
  });
  assert.deepEqual(got, ["cancelled", "once"]);
});

test("connectMqtt cancelled while it waits gives the connection up", async () => {
  const how = await run(function* () {
    const connecting = createTask(
      (function* () {
        return yield* connectMqtt("mqtt://127.0.0.1:1", { connectTimeoutSeconds: 60 });
      })(),
    );
    yield* sleep(0.05);
    connecting.cancel();
    return yield* outcome(connecting);
  });
  assert.equal(how, "cancelled"); // and the process is not kept alive by a retrying client
});
