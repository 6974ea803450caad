import { test } from "node:test";
import assert from "node:assert/strict";
import { connectMqtt, type MqttOptions } from "taskloop/mqtt";
import { backoffDelay } from "../../src/mqtt/backoff.ts";

test("a URL that is not a string, not a URL, or not an MQTT scheme is refused at the call", () => {
  assert.throws(() => connectMqtt(1883 as unknown as string), {
    name: "TypeError",
    message: /connectMqtt\(url\): url must be a broker URL string like "mqtt:\/\/127.0.0.1:1883", got 1883/,
  });
  assert.throws(() => connectMqtt("127.0.0.1:1883 broker"), { name: "TypeError", message: /connectMqtt\(url\)/ });
  assert.throws(() => connectMqtt("http://127.0.0.1:1883"), {
    name: "TypeError",
    message: /scheme must be one of mqtt, mqtts, tcp, ssl, ws, wss .* got "http"/,
  });
});

test("an unknown option is named, with the list of known ones", () => {
  assert.throws(() => connectMqtt("mqtt://127.0.0.1:1883", { keepalive: 10 } as MqttOptions), {
    name: "TypeError",
    message: /unknown option "keepalive"; the options are clientId, .*keepAliveSeconds/,
  });
});

test("times out of range are RangeErrors naming the option", () => {
  assert.throws(() => connectMqtt("mqtt://h", { keepAliveSeconds: -1 }), {
    name: "RangeError",
    message: /options.keepAliveSeconds must be between 0 and 65535 seconds, got -1/,
  });
  assert.throws(() => connectMqtt("mqtt://h", { connectTimeoutSeconds: Number.NaN }), { name: "RangeError", message: /connectTimeoutSeconds/ });
  assert.throws(() => connectMqtt("mqtt://h", { reconnect: { initialDelaySeconds: 5, maxDelaySeconds: 1 } }), {
    name: "RangeError",
    message: /maxDelaySeconds \(1\) must not be less than initialDelaySeconds \(5\)/,
  });
  assert.throws(() => connectMqtt("mqtt://h", { connectTimeoutSeconds: "5" as unknown as number }), {
    name: "TypeError",
    message: /must be a number of seconds, got "5"/,
  });
});

test("a kept session without a client id is refused: the broker finds the session by its id", () => {
  assert.throws(() => connectMqtt("mqtt://h", { cleanSession: false }), { name: "TypeError", message: /cleanSession: false needs a clientId/ });
});

test("a will with a wildcard topic, a bad payload or a bad QoS is refused", () => {
  assert.throws(() => connectMqtt("mqtt://h", { will: { topic: "dev/+/status", payload: "x" } }), {
    name: "TypeError",
    message: /options.will.topic must not contain the wildcard/,
  });
  assert.throws(() => connectMqtt("mqtt://h", { will: { topic: "dev/1/status", payload: { up: false } as unknown as string } }), {
    name: "TypeError",
    message: /options.will.payload must be a string or a Uint8Array, got .*JSON.stringify/,
  });
  assert.throws(() => connectMqtt("mqtt://h", { will: { topic: "dev/1/status", payload: "x", qos: 3 as 0 } }), {
    name: "TypeError",
    message: /options.will.qos must be 0, 1 or 2, got 3/,
  });
});

test("reconnect waits double after each failed attempt, up to the cap", () => {
  const waits = [1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => backoffDelay(attempt, 500, 10_000));
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});
