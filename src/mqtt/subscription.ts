/**
 * `Subscription`: the messages of one topic filter, queued in arrival order
 * for the tasks that `receive()` them.
 *
 * Messages wait in the subscription until a task takes one; a task parked in
 * `receive()` is only woken (it takes the message when it runs), so a task
 * cancelled there takes nothing and the message stays for the next
 * `receive()`. The queue has no bound: MQTT has no way to tell a broker to
 * slow down at QoS 0, so a consumer slower than its topic grows it.
 */
import { Parking } from "../core/parking.ts";
import { PARKED } from "../core/protocol.ts";
import { runningTask } from "../core/context.ts";
import { ReadyQueue } from "../core/readyqueue.ts";
import type { Awaitable } from "../core/types.ts";
import { HostQueue } from "./waits.ts";
import type { MqttError } from "./errors.ts";
import type { QoS } from "./options.ts";

/**
 * One message as a subscription hands it over.
 *
 * @example
 * ```ts
 * const { topic, payload, qos, retain } = yield* sub.receive();
 * console.log(topic, new TextDecoder().decode(payload), qos, retain);
 * ```
 */
export interface MqttMessage {
  /** The topic it was published to (never a filter). */
  topic: string;
  /** Its bytes (a Node `Buffer`, which is a `Uint8Array`). */
  payload: Uint8Array;
  /** The QoS it was delivered with: the lower of the publisher's and the subscription's. */
  qos: QoS;
  /** True for a retained message the broker sent because this subscription was made (or renewed after a reconnect). */
  retain: boolean;
}

/** @internal what a Subscription needs from its client. */
export interface SubscriptionOwner {
  release(sub: Subscription): void;
}

/** The shared awaitable of one Subscription: stateless, so `receive()` allocates nothing. */
class SubscriptionReceive extends Parking<MqttMessage> {
  constructor(private readonly sub: Subscription) {
    super();
  }

  protected override get what(): string {
    return "sub.receive()";
  }

  // The first call and every wake-up look the same: take a message if there is one.
  override next(): IteratorResult<unknown, MqttMessage> {
    const sub = this.sub;
    if (sub.items.length > 0) return { value: sub.take(), done: true };
    if (sub.ended !== null) throw sub.ended;
    sub.receivers.park(runningTask(`Subscription.receive() of ${JSON.stringify(sub.filter)}`));
    return PARKED;
  }

  override throw(error: unknown): never {
    // Cancelled, perhaps right after a message woke it: let the next receiver have it.
    const sub = this.sub;
    if (sub.items.length > 0) sub.receivers.wakeOne();
    throw error;
  }
}

/**
 * The messages of one topic filter, from `yield* client.subscribe(filter)`.
 * `receive()` gives them in arrival order; several tasks may receive from one
 * subscription (each message goes to one of them). A subscription ends with
 * `unsubscribe()`, with `using` at block end, when the task that made it
 * ends, or when its client closes; `receive()` then hands out what is already
 * queued and throws `MqttError` after that.
 *
 * @example
 * ```ts
 * using sub = yield* client.subscribe("sensors/+/temp", { qos: 1 });
 * for (;;) {
 *   const m = yield* sub.receive();
 *   console.log(m.topic, Number(new TextDecoder().decode(m.payload)));
 * }
 * ```
 */
export class Subscription implements Disposable {
  /** @internal tasks parked in `receive()` */ readonly receivers: HostQueue;
  /** @internal messages not yet received */ readonly items = new ReadyQueue<MqttMessage>();
  /** @internal why it ended, once it has */ ended: MqttError | null = null;
  private readonly receiveOp: SubscriptionReceive;

  /** @internal made by `MqttClient.subscribe` */
  constructor(
    private readonly owner: SubscriptionOwner,
    /** The topic filter, as given to `subscribe`. */
    readonly filter: string,
    /** The QoS the broker granted (it may grant less than was asked). */
    public qos: QoS,
  ) {
    this.receivers = new HostQueue(`MQTT receive ${filter}`);
    this.receiveOp = new SubscriptionReceive(this);
  }

  /** Waits for the next message of this subscription (at once if one is queued). */
  receive(): Awaitable<MqttMessage> {
    return this.receiveOp;
  }

  /** How many messages are queued, not yet received. */
  pending(): number {
    return this.items.length;
  }

  /** Whether the subscription has ended (unsubscribed, its task ended, or its client closed). */
  get closed(): boolean {
    return this.ended !== null;
  }

  /**
   * Stops the subscription: no new message is queued, and the broker is told
   * once no other subscription of this client uses the same filter. Messages
   * already queued can still be received. A second call does nothing.
   */
  unsubscribe(): void {
    if (this.ended !== null) return;
    this.owner.release(this);
  }

  /** `using sub = yield* client.subscribe(…)` unsubscribes at block end. */
  [Symbol.dispose](): void {
    this.unsubscribe();
  }

  /** @internal a message arrived for this subscription */
  push(message: MqttMessage): void {
    if (this.ended !== null) return;
    this.items.push(message);
    this.receivers.wakeOne();
  }

  /** @internal ends the subscription; waiting receivers see `error` once the queue is empty */
  end(error: MqttError): void {
    if (this.ended !== null) return;
    this.ended = error;
    if (this.items.length === 0) this.receivers.failAll(error);
  }

  /** @internal takes the oldest message (there is one) */
  take(): MqttMessage {
    const message = this.items.shift();
    if (this.items.length === 0) this.items.drained();
    // Ended meanwhile and now empty: the other waiters learn it.
    if (this.ended !== null && this.items.length === 0) this.receivers.failAll(this.ended);
    return message;
  }
}
