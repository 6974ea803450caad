/**
 * taskloop/mqtt: MQTT on the loop, on mqtt.js. A client's publish, subscribe,
 * receive and reconnect are awaitables, cancel-safe, and visible in
 * `loop.tasks()`.
 *
 * @example
 * ```ts
 * import { run } from "taskloop";
 * import { connectMqtt } from "taskloop/mqtt";
 *
 * await run(function* () {
 *   const client = yield* connectMqtt("mqtt://127.0.0.1:1883");
 *   const sub = yield* client.subscribe("sensors/+/temp");
 *   yield* client.publish("sensors/7/temp", "21.5");
 *   console.log((yield* sub.receive()).topic); // sensors/7/temp
 *   yield* client.close();
 * });
 * ```
 */
export { connectMqtt } from "./connect.ts";
export { MqttClient, type MqttState, type PublishOptions, type SubscribeOptions } from "./client.ts";
export { Subscription, type MqttMessage } from "./subscription.ts";
export { MqttError } from "./errors.ts";
export type { MqttOptions, MqttWill, QoS } from "./options.ts";
