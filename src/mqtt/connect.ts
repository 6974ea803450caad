/**
 * `connectMqtt`: the entry point of `taskloop/mqtt`.
 */
import { describeValue } from "../core/host.ts";
import type { Awaitable } from "../core/types.ts";
import { AckWait } from "./waits.ts";
import { MqttClient } from "./client.ts";
import { MqttError } from "./errors.ts";
import { resolveOptions, type MqttOptions } from "./options.ts";

const PROTOCOLS = ["mqtt:", "mqtts:", "tcp:", "ssl:", "ws:", "wss:"];

function checkUrl(url: unknown): asserts url is string {
  const example = `like "mqtt://127.0.0.1:1883"`;
  if (typeof url !== "string") throw new TypeError(`connectMqtt(url): url must be a broker URL string ${example}, got ${describeValue(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`connectMqtt(url): url must be a broker URL ${example}, got ${JSON.stringify(url)}`);
  }
  if (!PROTOCOLS.includes(parsed.protocol)) {
    throw new TypeError(
      `connectMqtt(url): the URL's scheme must be one of ${PROTOCOLS.map((p) => p.slice(0, -1)).join(", ")} (${example}), got ${JSON.stringify(parsed.protocol.slice(0, -1))}`,
    );
  }
}

/**
 * Connects to the MQTT broker at `url` and gives the client once the broker
 * accepted the connection. If the broker cannot be reached within
 * `connectTimeoutSeconds` (default 30; it retries meanwhile), or refuses the
 * client (bad credentials), it throws `MqttError` naming the URL. Cancelling
 * the waiting task gives up the connection. Bad options throw `TypeError` or
 * `RangeError` at the call.
 *
 * @example
 * ```ts
 * import { run } from "taskloop";
 * import { connectMqtt } from "taskloop/mqtt";
 *
 * await run(function* () {
 *   const client = yield* connectMqtt("mqtt://127.0.0.1:1883", { clientId: "greenhouse-gw" });
 *   try {
 *     const sub = yield* client.subscribe("greenhouse/+/temp", { qos: 1 });
 *     yield* client.publish("greenhouse/3/temp", "21.5", { qos: 1 });
 *     const m = yield* sub.receive();
 *     console.log(m.topic, new TextDecoder().decode(m.payload)); // greenhouse/3/temp 21.5
 *   } finally {
 *     yield* client.close();
 *   }
 * });
 * ```
 */
export function connectMqtt(url: string, options?: MqttOptions): Awaitable<MqttClient> {
  checkUrl(url);
  const resolved = resolveOptions(options);
  let client: MqttClient | null = null;
  return new AckWait<MqttClient>(
    "MQTT connect ",
    url,
    (wait) => {
      const c = (client = new MqttClient(url, resolved));
      const seconds = resolved.connectTimeoutMs / 1000;
      const timer = setTimeout(() => {
        const why = c.lastError ? ` (last error: ${c.lastError.message})` : "";
        c.shutDown(new MqttError(`could not connect to the MQTT broker at ${url} within ${seconds} s${why}`, url, { cause: c.lastError ?? undefined }));
      }, resolved.connectTimeoutMs);
      c.onFirstConnect = (error) => {
        clearTimeout(timer);
        if (error === null) wait.done(null, c);
        else wait.done(error);
      };
    },
    () => client?.shutDown(new MqttError(`the connection to ${url} was given up: its task was cancelled`, url)),
  );
}
