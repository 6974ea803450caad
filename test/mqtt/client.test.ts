import { test } from "node:test";
import assert from "node:assert/strict";
import { run, createTask, getEventLoop, sleep, type Coro } from "taskloop";
import { connectMqtt, MqttError, type MqttClient, type MqttMessage, type Subscription } from "taskloop/mqtt";
import { text, useBroker } from "./_broker.ts";

const broker = useBroker();

/** Runs `body` with a connected client, closed after. */
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

function* receiveN(sub: Subscription, n: number): Coro<MqttMessage[]> {
  const out: MqttMessage[] = [];
  for (let i = 0; i < n; i++) out.push(yield* sub.receive());
  return out;
}

for (const qos of [0, 1, 2] as const) {
  test(`a message published at QoS ${qos} reaches a subscriber at QoS ${qos}, with its topic and bytes`, async () => {
    const m = await withClient(function* (client) {
      const sub = yield* client.subscribe(`qos${qos}/x`, { qos });
      assert.equal(sub.qos, qos);
      yield* client.publish(`qos${qos}/x`, new Uint8Array([0, 1, 2, 255]), { qos });
      return yield* sub.receive();
    });
    assert.deepEqual({ ...m, payload: [...m.payload] }, { topic: `qos${qos}/x`, payload: [0, 1, 2, 255], qos, retain: false });
  });
}

test("messages are received in the order they were published", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("order/t", { qos: 1 });
    for (let i = 0; i < 50; i++) yield* client.publish("order/t", String(i), { qos: i % 2 === 0 ? 0 : 1 });
    return (yield* receiveN(sub, 50)).map((m) => text(m.payload));
  });
  assert.deepEqual(
    got,
    Array.from({ length: 50 }, (_, i) => String(i)),
  );
});

test("+ and # filters receive the matching topics and nothing else", async () => {
  const got = await withClient(function* (client) {
    const plus = yield* client.subscribe("wild/+/temp");
    const hash = yield* client.subscribe("wild/#");
    for (const t of ["wild/1/temp", "wild/1/hum", "wild/2/temp", "other/1/temp", "wild"]) yield* client.publish(t, t);
    yield* client.publish("wild/end", "end");
    const fromHash = yield* receiveN(hash, 5);
    return { plus: [(yield* plus.receive()).topic, (yield* plus.receive()).topic], plusLeft: plus.pending(), hash: fromHash.map((m) => m.topic) };
  });
  assert.deepEqual(got, { plus: ["wild/1/temp", "wild/2/temp"], plusLeft: 0, hash: ["wild/1/temp", "wild/1/hum", "wild/2/temp", "wild", "wild/end"] });
});

test("overlapping subscriptions of one client each get a message once (MQTT 5 subscription identifiers)", async () => {
  const got = await withClient(function* (client) {
    const a = yield* client.subscribe("overlap/#", { qos: 1 });
    const b = yield* client.subscribe("overlap/+", { qos: 1 });
    yield* client.publish("overlap/x", "1", { qos: 1 });
    yield* client.publish("overlap/end", "2", { qos: 1 });
    const fromA = yield* receiveN(a, 2);
    const fromB = yield* receiveN(b, 2);
    return { a: fromA.map((m) => text(m.payload)), b: fromB.map((m) => text(m.payload)), left: a.pending() + b.pending() };
  });
  assert.deepEqual(got, { a: ["1", "2"], b: ["1", "2"], left: 0 });
});

test("MQTT 3.1.1 routes by matching the filters", async () => {
  const got = await run(function* () {
    const client = yield* connectMqtt(broker().url, { protocolVersion: 4 });
    try {
      const sub = yield* client.subscribe("v4/+/t", { qos: 1 });
      yield* client.publish("v4/a/t", "one", { qos: 1 });
      const m = yield* sub.receive();
      return [m.topic, text(m.payload)];
    } finally {
      yield* client.close();
    }
  });
  assert.deepEqual(got, ["v4/a/t", "one"]);
});

test("a retained message is given to a later subscriber, flagged retain", async () => {
  const got = await withClient(function* (client) {
    yield* client.publish("kept/status", "online", { qos: 1, retain: true });
    const sub = yield* client.subscribe("kept/#", { qos: 1 });
    const m = yield* sub.receive();
    yield* client.publish("kept/status", "", { qos: 1, retain: true }); // clears it
    return [m.topic, text(m.payload), m.retain];
  });
  assert.deepEqual(got, ["kept/status", "online", true]);
});

test("a second subscription to the same filter shares the broker subscription and gets each new message", async () => {
  const got = await withClient(function* (client) {
    const a = yield* client.subscribe("shared/t");
    const b = yield* client.subscribe("shared/t");
    yield* client.publish("shared/t", "x");
    const ma = yield* a.receive();
    const mb = yield* b.receive();
    a.unsubscribe();
    yield* client.publish("shared/t", "y");
    const mb2 = yield* b.receive();
    return [text(ma.payload), text(mb.payload), text(mb2.payload), a.pending()];
  });
  assert.deepEqual(got, ["x", "x", "y", 0]);
});

test("loop.tasks() shows a task waiting in receive() with its filter", async () => {
  const seen = await withClient(function* (client) {
    const sub = yield* client.subscribe("sensors/+/temp");
    const gateway = createTask(
      (function* () {
        return yield* sub.receive();
      })(),
      { name: "gateway" },
    );
    yield* sleep(0);
    const info = getEventLoop()
      .tasks()
      .find((t) => t.name === "gateway");
    gateway.cancel();
    return info?.waitingOn;
  });
  assert.equal(seen, "MQTT receive sensors/+/temp");
});

test("a task waiting for a QoS 1 acknowledgement shows the topic and QoS", async () => {
  const seen = await withClient(function* (client) {
    const pub = createTask(
      (function* () {
        yield* client.publish("acks/t", "x", { qos: 1 });
      })(),
      { name: "pub" },
    );
    yield* sleep(0);
    const info = getEventLoop()
      .tasks()
      .find((t) => t.name === "pub");
    yield* pub;
    return info?.waitingOn;
  });
  assert.equal(seen, "MQTT publish acks/t (QoS 1)");
});

test("a payload that is not a string or bytes is refused at the call, naming the argument", async () => {
  await withClient(function* (client) {
    assert.throws(() => client.publish("t", { temp: 21 } as unknown as string), {
      name: "TypeError",
      message: /publish\(topic, payload\): payload must be a string or a Uint8Array, got .*JSON.stringify/,
    });
    assert.throws(() => client.publish("t", 21 as unknown as string), { name: "TypeError", message: /got 21 \(a number\) \(send String\(value\)\)/ });
    assert.throws(() => client.publish("t/+", "x"), { name: "TypeError", message: /publish\(topic, payload\): topic must not contain the wildcard "\+"/ });
    assert.throws(() => client.publish("t", "x", { qos: 3 as 1 }), { name: "TypeError", message: /options.qos must be 0, 1 or 2, got 3/ });
  });
});

test("a malformed filter is refused at the call", async () => {
  await withClient(function* (client) {
    assert.throws(() => client.subscribe("a/#/b"), { name: "TypeError", message: /subscribe\(filter\): filter: "#" must be a whole level and the last one/ });
    assert.throws(() => client.subscribe(""), { name: "TypeError", message: /must not be empty/ });
  });
});

test("after unsubscribe() no new message is queued, and receive() gives what was queued, then throws", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* client.subscribe("unsub/t", { qos: 1 });
    yield* client.publish("unsub/t", "before", { qos: 1 });
    while (sub.pending() === 0) yield* sleep(0.005);
    sub.unsubscribe();
    yield* client.publish("unsub/t", "after", { qos: 1 });
    const first = text((yield* sub.receive()).payload);
    const err = yield* (function* () {
      try {
        yield* sub.receive();
        return null;
      } catch (e) {
        return e;
      }
    })();
    return { first, err };
  });
  assert.equal(got.first, "before");
  assert.ok(got.err instanceof MqttError);
  assert.match(got.err.message, /the subscription to "unsub\/t" was unsubscribed/);
});

test("a subscription whose task ends is unsubscribed", async () => {
  const got = await withClient(function* (client) {
    const sub = yield* createTask(
      (function* () {
        return yield* client.subscribe("owned/t");
      })(),
    );
    return sub.closed;
  });
  assert.equal(got, true);
});

test("`using` unsubscribes at block end", async () => {
  const got = await withClient(function* (client) {
    let kept: Subscription;
    {
      using sub = yield* client.subscribe("using/t");
      kept = sub;
      assert.equal(sub.closed, false);
    }
    return kept.closed;
  });
  assert.equal(got, true);
});

test("close() ends the subscriptions: a waiting receiver gets MqttError, and later operations throw", async () => {
  const got = await run(function* () {
    const client = yield* connectMqtt(broker().url);
    const sub = yield* client.subscribe("closing/t");
    const rx = createTask(
      (function* () {
        try {
          yield* sub.receive();
          return "received";
        } catch (e) {
          return e;
        }
      })(),
    );
    yield* sleep(0);
    yield* client.close();
    const err = yield* rx;
    let publishErr: unknown = null;
    try {
      yield* client.publish("closing/t", "x");
    } catch (e) {
      publishErr = e;
    }
    return { err, publishErr, state: client.state };
  });
  assert.ok(got.err instanceof MqttError && /ended: the MQTT client for mqtt:\/\/127.0.0.1:\d+ is closed/.test(got.err.message), String(got.err));
  assert.ok(got.publishErr instanceof MqttError && /cannot publish to "closing\/t"/.test(got.publishErr.message), String(got.publishErr));
  assert.equal(got.state, "closed");
});

test("client.connected() and sub.receive() are not promises: `await` on them throws, naming the `yield*` to write", async () => {
  await withClient(function* (client) {
    const sub = yield* client.subscribe("not/a/promise");
    const thenOf = (aw: unknown) => () => (aw as PromiseLike<unknown>).then(() => {});
    assert.throws(thenOf(client.connected()), { name: "TypeError", message: /yield\* client\.connected\(\)/ });
    assert.throws(thenOf(sub.receive()), { name: "TypeError", message: /yield\* sub\.receive\(\)/ });
    yield* client.connected(); // still an awaitable for yield*
  });
});
