/**
 * `MqttClient`: one connection to a broker, driven by mqtt.js, whose
 * operations are taskloop awaitables.
 *
 * mqtt.js does the protocol, the reconnects and the offline queue (QoS ≥ 1
 * messages published while disconnected are kept and sent after the
 * reconnect). This file adds what a task needs on top: acknowledgements as
 * waits that describe themselves in `loop.tasks()`, messages routed to
 * `Subscription` queues (by MQTT 5 subscription identifier, or by matching
 * the filters under MQTT 3.1.1), capped exponential reconnect backoff, our
 * own resubscription when the broker lost the session, and the dropping of
 * QoS 1 redeliveries of a message already handed over.
 */
import mqtt from "mqtt";
import type { IPublishPacket, MqttClient as JsClient, ISubscriptionGrant } from "mqtt";
import { Parking } from "../core/parking.ts";
import { DONE_VOID, PARKED } from "../core/protocol.ts";
import { currentTaskOrNull, runningTask } from "../core/context.ts";
import { describeValue } from "../core/host.ts";
import type { Task } from "../core/task.ts";
import type { Awaitable } from "../core/types.ts";
import { AckWait, HostQueue } from "./waits.ts";
import { MqttError } from "./errors.ts";
import { backoffDelay } from "./backoff.ts";
import { checkQoS, toPayload, type QoS, type ResolvedOptions } from "./options.ts";
import { checkTopicFilter, checkTopicName, topicMatches } from "./topic.ts";
import { Subscription, type MqttMessage } from "./subscription.ts";

/**
 * Where a client is: `"connecting"` until the first CONNACK, `"connected"`,
 * `"reconnecting"` after a lost connection (publishes queue up meanwhile),
 * `"closed"` after `close()` or a lost connection without `reconnect`.
 *
 * @example
 * ```ts
 * if (client.state !== "connected") yield* client.connected();
 * ```
 */
export type MqttState = "connecting" | "connected" | "reconnecting" | "closed";

/**
 * Options for `publish`.
 *
 * @example
 * ```ts
 * yield* client.publish("fleet/dev-1/status", "online", { qos: 1, retain: true });
 * ```
 */
export interface PublishOptions {
  /** 0 (default): at most once; 1: at least once; 2: exactly once. */
  qos?: QoS;
  /** Keep it as the topic's last known value for future subscribers. Default false. */
  retain?: boolean;
}

/**
 * Options for `subscribe`.
 *
 * @example
 * ```ts
 * const sub = yield* client.subscribe("fleet/+/reading", { qos: 1 });
 * ```
 */
export interface SubscribeOptions {
  /** The highest QoS to receive messages with. Default 0. */
  qos?: QoS;
}

/** One topic filter as the broker knows it: shared by every local Subscription with that filter. */
interface FilterEntry {
  filter: string;
  /** MQTT 5 subscription identifier: the broker tags each message with the ids it matched. */
  id: number;
  qos: QoS;
  subs: Subscription[];
  /** subscribe() calls waiting for this filter's SUBACK */
  waiting: ((error: MqttError | null, granted: QoS) => void)[];
}

/** How many recent QoS 1 message ids are remembered to recognise a redelivery. */
const DEDUPE_WINDOW = 1024;

const PUBLISH_LABELS = [" (QoS 0)", " (QoS 1)", " (QoS 2)"];
/** mqtt.js publish options by qos (+3 when retained): shared, since mqtt.js copies them. */
const PUBLISH_OPTIONS = [0, 1, 2, 0, 1, 2].map((qos, i) => Object.freeze({ qos: qos as QoS, retain: i >= 3 }));

/**
 * The shared awaitable of one client's `connected()`: stateless (the waiter
 * is kept in the client's queue of connect waiters, and the first call and
 * every wake-up look the same), so `connected()` allocates nothing.
 */
class ConnectedWait extends Parking<void> {
  constructor(private readonly client: MqttClient) {
    super();
  }

  protected override get what(): string {
    return "client.connected()";
  }

  override next(): IteratorResult<unknown, void> {
    const client = this.client;
    if (client.state === "connected") return DONE_VOID;
    if (client.closedError !== null) throw client.closedError;
    client.connectWaiters.park(runningTask("client.connected()"));
    return PARKED;
  }
}

/**
 * A connection to an MQTT broker, from `yield* connectMqtt(url)`. Its
 * operations are awaitables for `yield*`; a task waiting on one shows in
 * `loop.tasks()` as "MQTT publish <topic> (QoS 1)", "MQTT receive <filter>",
 * "MQTT subscribe <filter>" or "MQTT connected <url>".
 *
 * @example
 * ```ts
 * const client = yield* connectMqtt("mqtt://127.0.0.1:1883");
 * const sub = yield* client.subscribe("greenhouse/+/temp");
 * yield* client.publish("greenhouse/3/temp", "21.5", { qos: 1 });
 * const m = yield* sub.receive(); // { topic: "greenhouse/3/temp", payload: <21.5>, qos: 0, retain: false }
 * yield* client.close();
 * ```
 */
export class MqttClient {
  /** The broker URL given to `connectMqtt`. */
  readonly url: string;
  /** How many times the connection was lost and made again. */
  reconnects = 0;
  private currentState: MqttState = "connecting";
  /** @internal */ readonly js: JsClient;
  /** @internal tasks parked in `connected()` */ readonly connectWaiters: HostQueue;
  private readonly connectedOp: ConnectedWait;
  private readonly entries = new Map<string, FilterEntry>();
  private readonly byId = new Map<number, FilterEntry>();
  private nextSubId = 1;
  private readonly owners = new Map<Task, Subscription[]>();
  /** Acknowledgements still awaited, failed if the client closes first. */
  private readonly pendingAcks = new Set<AckWait<void> | AckWait<Subscription>>();
  private readonly recentQoS1 = new Map<number, { topic: string; payload: Buffer }>();
  private attempt = 0;
  private everConnected = false;
  /** @internal why the client closed, once it has */ closedError: MqttError | null = null;
  private closing = false;
  /** @internal the last error mqtt.js reported, for messages */ lastError: Error | null = null;
  /** @internal `connectMqtt`'s wait: told once whether the first connection was made (null) or failed for good */
  onFirstConnect: ((error: MqttError | null) => void) | null = null;

  /** @internal use `connectMqtt` */
  constructor(
    url: string,
    private readonly options: ResolvedOptions,
  ) {
    this.url = url;
    this.connectWaiters = new HostQueue(`MQTT connected ${url}`);
    this.connectedOp = new ConnectedWait(this);
    this.js = mqtt.connect(url, { ...options.js });
    const js = this.js;
    js.on("connect", (connack) => this.onConnect(connack.sessionPresent === true));
    js.on("reconnect", () => this.onReconnectAttempt());
    js.on("close", () => this.onClose());
    js.on("error", (error) => this.onError(error));
    js.on("message", (topic, payload, packet) => this.onMessage(topic, payload, packet));
  }

  /** Where the client is now; see `MqttState`. */
  get state(): MqttState {
    return this.currentState;
  }

  /**
   * Waits until the client is connected (at once if it is). Throws
   * `MqttError` if it is closed.
   *
   * @example
   * ```ts
   * yield* client.connected(); // after a broker restart: back online
   * ```
   */
  connected(): Awaitable<void> {
    return this.connectedOp;
  }

  /**
   * Publishes `payload` (a string or bytes) to `topic`. At QoS 0 it returns
   * once the message is handed to the socket (it waits only while the socket
   * is backed up, or until a reconnect); at QoS 1 and 2 once the broker
   * acknowledged it. While the client is reconnecting, QoS 1 and 2 messages
   * are kept and sent after the reconnect.
   *
   * A task cancelled while it waits does not take the message back: the
   * client already holds it whole and delivers it. Bad arguments throw at the
   * call; a closed client throws `MqttError`.
   *
   * @example
   * ```ts
   * yield* client.publish("greenhouse/3/temp", JSON.stringify({ t: 21.5 }), { qos: 1 });
   * ```
   */
  publish(topic: string, payload: string | Uint8Array, options?: PublishOptions): Awaitable<void> {
    checkTopicName(topic, "publish(topic, payload): topic");
    const body = toPayload(payload, "publish(topic, payload): payload");
    let qos: QoS = 0;
    let retain = false;
    if (options !== undefined) {
      if (typeof options !== "object" || options === null)
        throw new TypeError(`publish(topic, payload, options): options must be an object like { qos: 1 }, got ${describeValue(options)}`);
      if (options.qos !== undefined) qos = checkQoS(options.qos, "publish(): options.qos");
      if (options.retain !== undefined) {
        if (typeof options.retain !== "boolean") throw new TypeError(`publish(): options.retain must be true or false, got ${describeValue(options.retain)}`);
        retain = options.retain;
      }
    }
    const opts = PUBLISH_OPTIONS[retain ? qos + 3 : qos]!;
    return new AckWait<void>("MQTT publish ", topic + PUBLISH_LABELS[qos], (wait) => {
      if (this.closedError !== null || this.closing) throw this.closedErrorFor(`publish to ${JSON.stringify(topic)}`);
      this.pendingAcks.add(wait);
      this.js.publish(topic, body, opts, (error) => {
        this.pendingAcks.delete(wait);
        wait.done(error ? this.wrap(error, `publish to ${JSON.stringify(topic)} failed`) : null);
      });
    });
  }

  /**
   * Subscribes to `filter` and gives a `Subscription` once the broker
   * acknowledged it; messages that arrive from then on (retained ones first)
   * queue in it. The subscription belongs to the task that made it: when that
   * task ends, it is unsubscribed. Subscriptions of one client to the same
   * filter share one broker subscription (the later ones get no retained
   * messages). A malformed filter throws `TypeError` at the call; a filter
   * the broker refuses throws `MqttError`.
   *
   * @example
   * ```ts
   * const sub = yield* client.subscribe("fleet/+/reading", { qos: 1 });
   * ```
   */
  subscribe(filter: string, options?: SubscribeOptions): Awaitable<Subscription> {
    checkTopicFilter(filter, "subscribe(filter): filter");
    let qos: QoS = 0;
    if (options !== undefined) {
      if (typeof options !== "object" || options === null)
        throw new TypeError(`subscribe(filter, options): options must be an object like { qos: 1 }, got ${describeValue(options)}`);
      if (options.qos !== undefined) qos = checkQoS(options.qos, "subscribe(): options.qos");
    }
    let sub: Subscription | null = null;
    return new AckWait<Subscription>(
      "MQTT subscribe ",
      filter,
      (wait) => {
        const done = (error: unknown, value?: Subscription): void => wait.done(error, value);
        if (this.closedError !== null || this.closing) throw this.closedErrorFor(`subscribe to ${JSON.stringify(filter)}`);
        const s = (sub = new Subscription(this, filter, qos));
        this.adopt(s, currentTaskOrNull());
        let entry = this.entries.get(filter);
        const fresh = entry === undefined;
        if (entry === undefined) {
          entry = { filter, id: this.nextSubId++, qos, subs: [], waiting: [] };
          this.entries.set(filter, entry);
          this.byId.set(entry.id, entry);
        }
        entry.subs.push(s);
        const raise = !fresh && qos > entry.qos;
        if (raise) entry.qos = qos;
        if (!fresh && !raise && entry.waiting.length === 0) return done(null, s); // the broker already has it
        this.pendingAcks.add(wait);
        entry.waiting.push((error, granted) => {
          this.pendingAcks.delete(wait);
          if (error !== null) {
            s.unsubscribe();
            return done(error);
          }
          s.qos = Math.min(qos, granted) as QoS;
          done(null, s);
        });
        // Joining a SUBSCRIBE in flight needs no packet of its own.
        if (fresh || raise) this.sendSubscribe(entry, fresh ? 0 : 1);
      },
      () => sub?.unsubscribe(),
    );
  }

  /**
   * Disconnects politely (the broker does not publish the will) after the
   * messages in flight were acknowledged, and ends every subscription. A
   * second call waits for the same end.
   *
   * @example
   * ```ts
   * try { yield* work(client); } finally { yield* client.close(); }
   * ```
   */
  close(): Awaitable<void> {
    return new AckWait<void>("MQTT close ", this.url, (wait) => {
      this.shutDown(new MqttError(`the MQTT client for ${this.url} is closed`, this.url), (error) => wait.done(error));
    });
  }

  // ---- internal ----

  /** @internal closes the client now; `done` runs when mqtt.js has ended. */
  shutDown(error: MqttError, done: (error: unknown) => void = () => {}): void {
    if (this.closedError === null) this.markClosed(error);
    if (this.closing) {
      if (this.js.disconnected) done(null);
      else this.js.once("end", () => done(null));
      return;
    }
    this.closing = true;
    // Connected: wait for the acknowledgements in flight. Not connected: nothing would ever come.
    this.js.end(!this.js.connected, () => {
      const closed = this.closedError ?? error;
      for (const wait of [...this.pendingAcks]) wait.done(closed);
      this.pendingAcks.clear();
      done(null);
    });
  }

  private markClosed(error: MqttError): void {
    this.closedError = error;
    this.tellFirstConnect(error);
    this.currentState = "closed";
    this.connectWaiters.failAll(error);
    for (const entry of this.entries.values()) {
      for (const s of entry.subs) s.end(new MqttError(`the subscription to ${JSON.stringify(entry.filter)} ended: ${error.message}`, this.url));
    }
    this.entries.clear();
    this.byId.clear();
  }

  private tellFirstConnect(error: MqttError | null): void {
    const tell = this.onFirstConnect;
    this.onFirstConnect = null;
    tell?.(error);
  }

  private closedErrorFor(what: string): MqttError {
    return new MqttError(`cannot ${what}: ${this.closedError?.message ?? `the MQTT client for ${this.url} is closing`}`, this.url);
  }

  private wrap(error: Error & { code?: unknown }, what: string): MqttError {
    const code = typeof error.code === "number" ? error.code : undefined;
    return new MqttError(`${what}: ${error.message}`, this.url, { cause: error, reasonCode: code });
  }

  /** The task that subscribed owns the subscription: when it ends, it unsubscribes. */
  private adopt(sub: Subscription, task: Task | null): void {
    if (task === null) return;
    let list = this.owners.get(task);
    if (list === undefined) {
      list = [];
      this.owners.set(task, list);
      task.observe(() => {
        const subs = this.owners.get(task);
        this.owners.delete(task);
        if (subs !== undefined) for (const s of subs) s.unsubscribe();
      });
    }
    list.push(sub);
    (sub as { ownerTask?: Task }).ownerTask = task;
  }

  /** @internal Subscription.unsubscribe() */
  release(sub: Subscription): void {
    sub.end(new MqttError(`the subscription to ${JSON.stringify(sub.filter)} was unsubscribed`, this.url));
    const task = (sub as { ownerTask?: Task }).ownerTask;
    if (task !== undefined) {
      const list = this.owners.get(task);
      if (list !== undefined) {
        const i = list.indexOf(sub);
        if (i !== -1) list.splice(i, 1);
      }
    }
    const entry = this.entries.get(sub.filter);
    if (entry === undefined) return;
    const i = entry.subs.indexOf(sub);
    if (i !== -1) entry.subs.splice(i, 1);
    if (entry.subs.length > 0) return;
    this.entries.delete(entry.filter);
    this.byId.delete(entry.id);
    if (this.closedError === null && !this.closing) {
      this.js.unsubscribe(entry.filter, () => {
        // Nothing waits for it; a lost connection forgets the subscription anyway.
      });
    }
  }

  /** rh: MQTT 5 retain handling (0: send retained messages, 1: only if the subscription is new). */
  private sendSubscribe(entry: FilterEntry, rh: 0 | 1): void {
    const v5 = this.options.protocolVersion === 5;
    const opts = v5 ? { qos: entry.qos, rh, properties: { subscriptionIdentifier: entry.id } } : { qos: entry.qos };
    this.js.subscribe(entry.filter, opts, (error, granted) => this.onSuback(entry, error ?? null, granted));
  }

  private onSuback(entry: FilterEntry, error: Error | null, granted: ISubscriptionGrant[] | undefined): void {
    if (this.entries.get(entry.filter) !== entry) return; // unsubscribed meanwhile
    const code = granted?.[0]?.qos ?? 0;
    let failure: MqttError | null = null;
    if (error !== null) {
      // A connection lost before the SUBACK: the reconnect sends it again (see onConnect).
      if (this.currentState === "reconnecting" && /closed/i.test(error.message)) return;
      failure = this.wrap(error, `the broker refused the subscription to ${JSON.stringify(entry.filter)}`);
    } else if (code >= 0x80) {
      failure = new MqttError(`the broker refused the subscription to ${JSON.stringify(entry.filter)} (reason code ${code})`, this.url, { reasonCode: code });
    }
    const waiting = entry.waiting.splice(0);
    for (const w of waiting) w(failure, (failure === null ? code : 0) as QoS);
  }

  private onConnect(sessionPresent: boolean): void {
    const wasReconnect = this.everConnected;
    this.everConnected = true;
    this.attempt = 0;
    if (this.options.reconnect !== null) this.js.options.reconnectPeriod = this.options.reconnect.initialMs;
    if (this.closedError !== null) return;
    this.currentState = "connected";
    if (wasReconnect) {
      this.reconnects++;
      if (!sessionPresent) {
        // A fresh session: the broker forgot our subscriptions and will redeliver nothing.
        this.recentQoS1.clear();
        for (const entry of this.entries.values()) this.sendSubscribe(entry, 0);
      }
    }
    this.connectWaiters.wakeAll();
    this.tellFirstConnect(null);
  }

  /** mqtt.js starts a reconnect attempt: the next one, if this fails, waits twice as long. */
  private onReconnectAttempt(): void {
    const r = this.options.reconnect;
    if (r === null) return;
    this.attempt++;
    this.js.options.reconnectPeriod = backoffDelay(this.attempt + 1, r.initialMs, r.maxMs);
  }

  private onClose(): void {
    if (this.closedError !== null || this.closing) return;
    if (this.options.reconnect === null) {
      const why = this.lastError ? `: ${this.lastError.message}` : "";
      const what = this.everConnected ? `the connection to ${this.url} was lost` : `could not connect to ${this.url}`;
      this.shutDown(new MqttError(`${what}${why}`, this.url, { cause: this.lastError ?? undefined }));
      return;
    }
    if (this.currentState === "connected") this.currentState = "reconnecting";
  }

  private onError(error: Error & { code?: unknown }): void {
    this.lastError = error;
    // A refused CONNACK (bad credentials, banned client id): mqtt.js stops retrying.
    if (/^Connection refused/.test(error.message)) {
      this.shutDown(this.wrap(error, `the broker at ${this.url} refused the connection`));
    }
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const qos = packet.qos;
    if (qos === 1 && packet.messageId !== undefined && this.isRedelivery(packet.messageId, topic, payload, packet.dup)) return;
    const message: MqttMessage = { topic, payload, qos, retain: packet.retain };
    const ids = packet.properties?.subscriptionIdentifier;
    if (ids !== undefined) {
      if (typeof ids === "number") this.byId.get(ids)?.subs.forEach((s) => s.push(message));
      else for (const id of ids) this.byId.get(id)?.subs.forEach((s) => s.push(message));
      return;
    }
    for (const entry of this.entries.values()) {
      if (topicMatches(entry.filter, topic)) for (const s of entry.subs) s.push(message);
    }
  }

  /**
   * A QoS 1 message whose PUBACK was lost with the connection comes again
   * after the reconnect, flagged DUP, with the same packet id. It was handed
   * over already: drop it (mqtt.js acknowledges it all the same).
   */
  private isRedelivery(id: number, topic: string, payload: Buffer, dup: boolean): boolean {
    const recent = this.recentQoS1;
    const seen = recent.get(id);
    if (dup && seen !== undefined && seen.topic === topic && seen.payload.equals(payload)) return true;
    if (seen !== undefined) recent.delete(id);
    recent.set(id, { topic, payload });
    if (recent.size > DEDUPE_WINDOW) recent.delete(recent.keys().next().value as number);
    return false;
  }
}
