/**
 * The one error class of `taskloop/mqtt`.
 */

/**
 * What an MQTT operation throws when the broker or the connection says no: a
 * broker that cannot be reached (naming the URL), a refused connection or
 * subscription, an operation on a closed client or an ended subscription.
 * Bad arguments throw `TypeError`/`RangeError` instead, at the call.
 *
 * @example
 * ```ts
 * try {
 *   const client = yield* connectMqtt("mqtt://127.0.0.1:1883", { connectTimeoutSeconds: 2 });
 * } catch (e) {
 *   if (e instanceof MqttError) console.log("no broker:", e.message);
 * }
 * ```
 */
export class MqttError extends Error {
  /** Always "MqttError". */
  override name = "MqttError";
  /** The broker URL the client was made for. */
  readonly url: string;
  /** The MQTT reason code, when the broker gave one (135: not authorized). */
  readonly reasonCode: number | undefined;

  constructor(message: string, url: string, options?: { cause?: unknown; reasonCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.url = url;
    this.reasonCode = options?.reasonCode;
  }
}
