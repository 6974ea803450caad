/**
 * `connectMqtt` options: what they mean, their checks, and how they map onto
 * mqtt.js's own options.
 */
import type { IClientOptions } from "mqtt";
import { describeValue } from "../core/host.ts";
import { checkTopicName } from "./topic.ts";

/** A QoS level: 0 at most once, 1 at least once, 2 exactly once. */
export type QoS = 0 | 1 | 2;

/**
 * The message the broker publishes for a client that vanishes without
 * closing (its process died, its network went away).
 *
 * @example
 * ```ts
 * const will: MqttWill = { topic: "fleet/dev-7/status", payload: "offline", qos: 1, retain: true };
 * ```
 */
export interface MqttWill {
  /** The topic the broker publishes to when the client is lost. */
  topic: string;
  /** The message it publishes. */
  payload: string | Uint8Array;
  /** Its QoS (default 0). */
  qos?: QoS;
  /** Whether the broker keeps it for later subscribers. */
  retain?: boolean;
}

/**
 * Options for `connectMqtt`. Times are in seconds, as `sleep` takes them.
 *
 * @example
 * ```ts
 * const client = yield* connectMqtt("mqtt://127.0.0.1:1883", {
 *   clientId: "dev-7",
 *   keepAliveSeconds: 30,
 *   will: { topic: "fleet/dev-7/status", payload: "offline", retain: true },
 *   reconnect: { initialDelaySeconds: 0.5, maxDelaySeconds: 10 },
 *   connectTimeoutSeconds: 5,
 * });
 * ```
 */
export interface MqttOptions {
  /** The client identifier the broker knows this client by. Default: a random one. Required with `cleanSession: false`. */
  clientId?: string;
  /** User name for the broker. */
  username?: string;
  /** Password for the broker. */
  password?: string | Uint8Array;
  /** How often the client proves it is alive; the broker drops it after 1.5× this of silence. 0 turns it off. Default 60. */
  keepAliveSeconds?: number;
  /**
   * `true` (default): start with a fresh session every time. `false`: the
   * broker keeps this client's subscriptions and its QoS ≥ 1 messages while it
   * is away, and hands them over when it comes back (needs `clientId`). Under
   * MQTT 5 the session is asked to never expire (the broker may cap that).
   */
  cleanSession?: boolean;
  /** What the broker publishes if this client vanishes without `close()`. */
  will?: MqttWill;
  /**
   * Reconnect after a lost connection, waiting `initialDelaySeconds` (default
   * 1) before the first retry and doubling the wait after each failed one, up
   * to `maxDelaySeconds` (default 30). `false`: a lost connection closes the
   * client.
   */
  reconnect?:
    | false
    | {
        /** The first wait, in seconds (default 1). */
        initialDelaySeconds?: number;
        /** The longest wait, in seconds (default 30). */
        maxDelaySeconds?: number;
      };
  /** How long `connectMqtt` (and each reconnect attempt) waits for the broker before giving up. Default 30. */
  connectTimeoutSeconds?: number;
  /** 5 (default) for MQTT 5, 4 for MQTT 3.1.1 brokers. */
  protocolVersion?: 4 | 5;
}

/** @internal the checked options, in milliseconds. */
export interface ResolvedOptions {
  js: IClientOptions;
  connectTimeoutMs: number;
  reconnect: { initialMs: number; maxMs: number } | null;
  protocolVersion: 4 | 5;
}

const KNOWN = ["clientId", "username", "password", "keepAliveSeconds", "cleanSession", "will", "reconnect", "connectTimeoutSeconds", "protocolVersion"];

function seconds(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number of seconds, got ${describeValue(value)}`);
  if (!(value >= min && value <= max)) throw new RangeError(`${what} must be between ${min} and ${max} seconds, got ${describeValue(value)}`);
  return value;
}

/** @internal throws a TypeError naming `what` unless `qos` is 0, 1 or 2. */
export function checkQoS(qos: unknown, what: string): QoS {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new TypeError(`${what} must be 0, 1 or 2, got ${describeValue(qos)}`);
  return qos;
}

/** @internal throws a TypeError naming `what` unless `payload` is a string or bytes; returns what mqtt.js sends. */
export function toPayload(payload: unknown, what: string): string | Buffer {
  if (typeof payload === "string" || Buffer.isBuffer(payload)) return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const hint =
    typeof payload === "object" && payload !== null
      ? " (for an object, send JSON.stringify(value))"
      : typeof payload === "number"
        ? " (send String(value))"
        : "";
  throw new TypeError(`${what} must be a string or a Uint8Array, got ${describeValue(payload)}${hint}`);
}

function checkPlainObject(value: unknown, what: string, example: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new TypeError(`${what} must be an object like ${example}, got ${describeValue(value)}`);
}

/** @internal checks `connectMqtt`'s options and maps them onto mqtt.js's. */
export function resolveOptions(options: MqttOptions | undefined): ResolvedOptions {
  const o: MqttOptions = options ?? {};
  checkPlainObject(o, "connectMqtt(url, options): options", '{ clientId: "dev-1" }');
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new TypeError(`connectMqtt(url, options): unknown option ${JSON.stringify(key)}; the options are ${KNOWN.join(", ")}`);
  }
  const protocolVersion = o.protocolVersion ?? 5;
  if (protocolVersion !== 4 && protocolVersion !== 5)
    throw new TypeError(`connectMqtt: options.protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5), got ${describeValue(protocolVersion)}`);
  const clean = o.cleanSession ?? true;
  if (typeof clean !== "boolean") throw new TypeError(`connectMqtt: options.cleanSession must be true or false, got ${describeValue(clean)}`);
  if (o.clientId !== undefined) {
    if (typeof o.clientId !== "string") throw new TypeError(`connectMqtt: options.clientId must be a string, got ${describeValue(o.clientId)}`);
    if (o.clientId.length === 0 && !clean) throw new TypeError("connectMqtt: options.clientId must not be empty with cleanSession: false");
  } else if (!clean) {
    throw new TypeError(
      "connectMqtt: cleanSession: false needs a clientId: the broker finds the kept session by it (a random id would start a new session every time)",
    );
  }
  if (o.username !== undefined && typeof o.username !== "string")
    throw new TypeError(`connectMqtt: options.username must be a string, got ${describeValue(o.username)}`);
  const password = o.password === undefined ? undefined : toPayload(o.password, "connectMqtt: options.password");
  const keepalive = seconds(o.keepAliveSeconds ?? 60, "connectMqtt: options.keepAliveSeconds", 0, 65_535);
  const connectTimeoutMs = seconds(o.connectTimeoutSeconds ?? 30, "connectMqtt: options.connectTimeoutSeconds", 0.001, 3600) * 1000;
  let reconnect: ResolvedOptions["reconnect"] = null;
  if (o.reconnect !== false) {
    const r = o.reconnect ?? {};
    checkPlainObject(r, "connectMqtt: options.reconnect", "{ initialDelaySeconds: 1, maxDelaySeconds: 30 } or false");
    const initialMs = seconds(r.initialDelaySeconds ?? 1, "connectMqtt: options.reconnect.initialDelaySeconds", 0.001, 3600) * 1000;
    const maxMs = seconds(r.maxDelaySeconds ?? Math.max(30, initialMs / 1000), "connectMqtt: options.reconnect.maxDelaySeconds", 0.001, 3600) * 1000;
    if (maxMs < initialMs)
      throw new RangeError(`connectMqtt: options.reconnect.maxDelaySeconds (${maxMs / 1000}) must not be less than initialDelaySeconds (${initialMs / 1000})`);
    reconnect = { initialMs, maxMs };
  }
  const js: IClientOptions = {
    protocolVersion,
    clean,
    keepalive: Math.round(keepalive),
    connectTimeout: connectTimeoutMs,
    reconnectPeriod: reconnect === null ? 0 : reconnect.initialMs,
    // We resubscribe ourselves on a fresh session, with our own subscription identifiers.
    resubscribe: false,
  };
  // MQTT 5 ends a session when its connection ends unless the client asks for an expiry: keep it as MQTT 3.1.1 does.
  if (!clean && protocolVersion === 5) js.properties = { sessionExpiryInterval: 0xffff_ffff };
  if (o.clientId !== undefined) js.clientId = o.clientId;
  if (o.username !== undefined) js.username = o.username;
  if (password !== undefined) js.password = password as Buffer;
  if (o.will !== undefined) {
    const w = o.will;
    checkPlainObject(w, "connectMqtt: options.will", '{ topic: "dev/1/status", payload: "offline" }');
    checkTopicName(w.topic, "connectMqtt: options.will.topic");
    if (w.retain !== undefined && typeof w.retain !== "boolean")
      throw new TypeError(`connectMqtt: options.will.retain must be true or false, got ${describeValue(w.retain)}`);
    js.will = {
      topic: w.topic,
      payload: toPayload(w.payload, "connectMqtt: options.will.payload") as Buffer,
      qos: checkQoS(w.qos ?? 0, "connectMqtt: options.will.qos"),
      retain: w.retain ?? false,
    };
  }
  return { js, connectTimeoutMs, reconnect, protocolVersion };
}
