import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { run, createTask, getEventLoop, sleep, until, type Coro, type Task } from "taskloop";
import { connectMqtt, MqttError, type MqttClient } from "taskloop/mqtt";
import { text, useBroker } from "./_broker.ts";

const broker = useBroker({ persistence: true });
const quickRetry = { initialDelaySeconds: 0.05, maxDelaySeconds: 0.2 };

function* whileConnected(client: MqttClient): Coro<void> {
  while (client.state === "connected") yield* sleep(0.01);
}

test("an unreachable broker fails connectMqtt after the connect timeout, naming the URL", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const url = `mqtt://127.0.0.1:${port}`;
  const error = await run(function* () {
    try {
      yield* connectMqtt(url, { connectTimeoutSeconds: 0.3, reconnect: quickRetry });
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(error instanceof MqttError, String(error));
  assert.equal(error.url, url);
  assert.match(error.message, new RegExp(`could not connect to the MQTT broker at ${url} within 0.3 s \\(last error: connect ECONNREFUSED`));
});

test("without reconnect, a refused connection fails at once with the cause", async () => {
  const error = await run(function* () {
    try {
      yield* connectMqtt("mqtt://127.0.0.1:1", { reconnect: false, connectTimeoutSeconds: 60 });
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(error instanceof MqttError, String(error));
  assert.match(error.message, /could not connect to mqtt:\/\/127.0.0.1:1: connect ECONNREFUSED/);
});

test("a broker restart in the middle of a 1,000-message QoS 1 stream: every message arrives, none twice to the task", async () => {
  const b = broker();
  const result = await run(function* () {
    const source = yield* connectMqtt(b.url, { clientId: "stream-source", cleanSession: false, reconnect: quickRetry });
    const sink = yield* connectMqtt(b.url, { clientId: "stream-sink", cleanSession: false, reconnect: quickRetry });
    try {
      const sub = yield* sink.subscribe("stream/t", { qos: 1 });
      const counts = new Map<number, number>();
      const receiver = createTask(
        (function* () {
          for (;;) {
            const m = yield* sub.receive();
            if (text(m.payload) === "end") return;
            const n = Number(text(m.payload));
            counts.set(n, (counts.get(n) ?? 0) + 1);
          }
        })(),
        { name: "receiver" },
      );

      // The first 400 all at once; once the broker acknowledged them all it stops, while
      // it is still handing them to the sink (some sent, not yet acknowledged by the sink).
      const early: Task<void>[] = [];
      for (let i = 0; i < 400; i++)
        early.push(
          createTask(
            (function* () {
              yield* source.publish("stream/t", String(i), { qos: 1 });
            })(),
          ),
        );
      for (const p of early) yield* p;
      yield* until(b.stop());
      yield* whileConnected(source);
      yield* whileConnected(sink);
      const states = [source.state, sink.state];

      // The other 600 while the broker is down: each its own task, waiting for its PUBACK.
      const publishers: Task<void>[] = [];
      for (let i = 400; i < 1000; i++)
        publishers.push(
          createTask(
            (function* () {
              yield* source.publish("stream/t", String(i), { qos: 1 });
            })(),
            { name: `pub ${i}` },
          ),
        );
      const watcher = createTask(
        (function* () {
          yield* sink.connected();
        })(),
        { name: "watcher" },
      );
      yield* sleep(0.05);
      const waits = getEventLoop()
        .tasks()
        .filter((t) => t.name === "watcher" || t.name === "pub 400")
        .map((t) => t.waitingOn);

      yield* until(b.start());
      yield* source.connected();
      yield* watcher;
      for (const p of publishers) yield* p;
      yield* source.publish("stream/t", "end", { qos: 1 });
      yield* receiver;
      return { counts, states, waits, reconnects: [source.reconnects, sink.reconnects] };
    } finally {
      yield* source.close();
      yield* sink.close();
    }
  });
  const missing = Array.from({ length: 1000 }, (_, i) => i).filter((i) => !result.counts.has(i));
  const twice = [...result.counts].filter(([, c]) => c > 1).map(([n]) => n);
  assert.deepEqual({ missing, twice }, { missing: [], twice: [] });
  assert.deepEqual(result.states, ["reconnecting", "reconnecting"]);
  assert.deepEqual(result.waits, [`MQTT publish stream/t (QoS 1)`, `MQTT connected ${b.url}`]);
  assert.deepEqual(result.reconnects, [1, 1]);
});

test("after a restart that lost the session, the client subscribes again by itself", async () => {
  const b = broker();
  const got = await run(function* () {
    const client = yield* connectMqtt(b.url, { reconnect: quickRetry }); // clean session: the broker forgets it
    try {
      const sub = yield* client.subscribe("again/t", { qos: 1 });
      yield* until(b.stop());
      yield* whileConnected(client);
      yield* until(b.start());
      yield* client.connected();
      // Until the new SUBACK, a message may pass unseen: publish until one comes through.
      let m = null;
      while (m === null) {
        yield* client.publish("again/t", "back", { qos: 1 });
        yield* sleep(0.02);
        if (sub.pending() > 0) m = yield* sub.receive();
      }
      return [text(m.payload), client.state, client.reconnects];
    } finally {
      yield* client.close();
    }
  });
  assert.deepEqual(got, ["back", "connected", 1]);
});

test("a QoS 1 publish cancelled while the broker is down is still delivered, once, after the reconnect", async () => {
  const b = broker();
  const got = await run(function* () {
    const source = yield* connectMqtt(b.url, { reconnect: quickRetry });
    const sink = yield* connectMqtt(b.url, { clientId: "cancel-sink", cleanSession: false, reconnect: quickRetry });
    try {
      const sub = yield* sink.subscribe("down/t", { qos: 1 });
      yield* until(b.stop());
      yield* whileConnected(source);
      const pub = createTask(
        (function* () {
          yield* source.publish("down/t", "queued", { qos: 1 });
        })(),
      );
      yield* sleep(0.01);
      pub.cancel();
      try {
        yield* pub;
      } catch {
        // cancelled, as asked
      }
      yield* until(b.start());
      yield* source.connected();
      yield* source.publish("down/t", "end", { qos: 1 });
      const got: string[] = [];
      for (let m = yield* sub.receive(); text(m.payload) !== "end"; m = yield* sub.receive()) got.push(text(m.payload));
      return got;
    } finally {
      yield* source.close();
      yield* sink.close();
    }
  });
  assert.deepEqual(got, ["queued"]);
});

test("without reconnect, a lost connection closes the client and ends its subscriptions", async () => {
  const b = broker();
  const got = await run(function* () {
    const client = yield* connectMqtt(b.url, { reconnect: false });
    const sub = yield* client.subscribe("lost/t");
    const rx = createTask(
      (function* () {
        try {
          yield* sub.receive();
          return null;
        } catch (e) {
          return e;
        }
      })(),
    );
    yield* until(b.stop());
    const err = yield* rx;
    yield* until(b.start());
    return { err, state: client.state };
  });
  assert.equal(got.state, "closed");
  assert.ok(got.err instanceof MqttError && /the connection to mqtt:\/\/127.0.0.1:\d+ was lost/.test(got.err.message), String(got.err));
});
