import { test } from "node:test";
import assert from "node:assert/strict";
import { run, gather, type Coro } from "taskloop";
import { connectMqtt, type MqttClient } from "taskloop/mqtt";
import { text, useBroker } from "./_broker.ts";

const broker = useBroker();
const CLIENTS = 200;
const MESSAGES = 100;

test("200 clients × 100 QoS 1 messages each through one broker: all arrive, each client's in order", async () => {
  const got = await run(function* () {
    const collector = yield* connectMqtt(broker().url);
    const clients: MqttClient[] = [];
    try {
      const sub = yield* collector.subscribe("load/#", { qos: 1 });
      clients.push(...(yield* gather(...Array.from({ length: CLIENTS }, (_, i) => connectMqtt(broker().url, { clientId: `load-${i}` })))));
      function* sender(client: MqttClient, i: number): Coro<void> {
        for (let n = 0; n < MESSAGES; n++) yield* client.publish(`load/${i}`, String(n), { qos: 1 });
      }
      function* collect(): Coro<number[][]> {
        const seen: number[][] = Array.from({ length: CLIENTS }, () => []);
        for (let k = 0; k < CLIENTS * MESSAGES; k++) {
          const m = yield* sub.receive();
          seen[Number(m.topic.slice(5))]!.push(Number(text(m.payload)));
        }
        return seen;
      }
      const [seen] = yield* gather(collect(), ...clients.map((c, i) => sender(c, i)));
      return seen;
    } finally {
      yield* gather(...clients.map((c) => c.close()));
      yield* collector.close();
    }
  });
  const expected = Array.from({ length: MESSAGES }, (_, n) => n);
  const wrong = got.map((s, i) => [i, s] as const).filter(([, s]) => s.length !== MESSAGES || s.some((n, k) => n !== expected[k]));
  assert.deepEqual(wrong, []);
});
