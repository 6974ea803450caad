/**
 * 9. mqtt: messages/s from publishers through a local Mosquitto to one
 * subscriber, at QoS 0 and 1, with 1 and 100 publisher clients. Each
 * publisher sends its share one after another: at QoS 1 it waits for each
 * PUBACK, at QoS 0 only while the socket is backed up. The peer is mqtt.js
 * used directly, with callbacks and a 'message' handler, doing the same.
 * Each sample starts its own broker (not timed).
 */
import type { MqttClient as JsClient } from "mqtt";
import type { MqttClient } from "taskloop/mqtt";
import { now, withTaskloop, type Params, type Sample, type Workload } from "../lib.ts";
import { findMosquitto, startMosquitto, type Broker } from "../../examples/fleet/mosquitto.ts";

type Case = { key: string; qos: 0 | 1; publishers: number };
const CASES: Case[] = [
  { key: "qos0_1pub", qos: 0, publishers: 1 },
  { key: "qos1_1pub", qos: 1, publishers: 1 },
  { key: "qos0_100pub", qos: 0, publishers: 100 },
  { key: "qos1_100pub", qos: 1, publishers: 100 },
];
const total = (p: Params, c: Case): number => (c.qos === 0 ? (p.quick ? 20_000 : 50_000) : p.quick ? 5_000 : 20_000);
const PAYLOAD = "x".repeat(32);

async function withBroker(body: (broker: Broker) => Promise<Sample>): Promise<Sample | string> {
  if (findMosquitto() === null) return "n/a (no mosquitto)";
  const broker = await startMosquitto({ persistence: false });
  try {
    return await body(broker);
  } finally {
    await broker.close();
  }
}

async function taskloopRun(p: Params): Promise<Sample | string> {
  const mqttMod: typeof import("taskloop/mqtt") | string = await import("taskloop/mqtt" as string).catch((e: unknown) => `n/a (taskloop/mqtt: ${String(e)})`);
  if (typeof mqttMod === "string") return mqttMod;
  const { connectMqtt } = mqttMod;
  let result: Sample | string = "n/a";
  const ran = await withTaskloop([], async (tl) => {
    result = await withBroker(async (broker) => {
      const sample: Sample = {};
      for (const c of CASES) {
        const n = total(p, c);
        const each = n / c.publishers;
        let t0 = 0;
        await tl.run(
          (function* () {
            const sink = yield* connectMqtt(broker.url);
            const sub = yield* sink.subscribe("bench/#", { qos: c.qos });
            const pubs: MqttClient[] = [];
            for (let i = 0; i < c.publishers; i++) pubs.push(yield* connectMqtt(broker.url));
            function* publisher(client: MqttClient, i: number) {
              for (let k = 0; k < each; k++) yield* client.publish(`bench/${i}`, PAYLOAD, { qos: c.qos });
            }
            function* receiver() {
              for (let k = 0; k < n; k++) yield* sub.receive();
            }
            t0 = now();
            yield* tl.gather(tl.createTask(receiver()), ...pubs.map((client, i) => tl.createTask(publisher(client, i))));
            sample[c.key] = (n * 1000) / (now() - t0);
            for (const client of pubs) yield* client.close();
            yield* sink.close();
          })(),
        );
      }
      return sample;
    });
    return {};
  });
  return typeof ran === "string" ? ran : result;
}

function jsConnect(mqtt: typeof import("mqtt"), url: string): Promise<JsClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0 });
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

async function nodeRun(p: Params): Promise<Sample | string> {
  const mqtt = await import("mqtt");
  return withBroker(async (broker) => {
    const sample: Sample = {};
    for (const c of CASES) {
      const n = total(p, c);
      const each = n / c.publishers;
      const sink = await jsConnect(mqtt, broker.url);
      await sink.subscribeAsync("bench/#", { qos: c.qos });
      const pubs = await Promise.all(Array.from({ length: c.publishers }, () => jsConnect(mqtt, broker.url)));
      const t0 = now();
      await new Promise<void>((resolve) => {
        let got = 0;
        sink.on("message", () => {
          if (++got === n) resolve();
        });
        pubs.forEach((client, i) => {
          const topic = `bench/${i}`;
          let k = 0;
          // The same flow as the tasks: at QoS 1 the next after each PUBACK, at QoS 0 on while the socket takes it.
          const pump = (): void => {
            while (k < each) {
              k++;
              let sync = true;
              let called = false;
              client.publish(topic, PAYLOAD, { qos: c.qos }, () => {
                called = true;
                if (!sync) pump();
              });
              sync = false;
              if (!called) return;
            }
          };
          pump();
        });
      });
      sample[c.key] = (n * 1000) / (now() - t0);
      await Promise.all(pubs.map((client) => client.endAsync()));
      await sink.endAsync();
    }
    return sample;
  });
}

export const mqttWorkload: Workload = {
  name: "mqtt",
  title: "MQTT publish->receive through a local Mosquitto",
  metrics: CASES.map((c) => ({ key: c.key, unit: `msgs/s QoS ${c.qos}, ${c.publishers} pub${c.publishers > 1 ? "s" : ""}`, higherIsBetter: true })),
  lacks: { effection: "n/a (no MQTT client)" },
  notes: { node: "mqtt.js used directly: callbacks and a 'message' handler" },
  reps: [3, 1],
  run: { taskloop: taskloopRun, node: nodeRun },
};
