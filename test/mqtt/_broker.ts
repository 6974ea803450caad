/**
 * Each MQTT test file starts its own Mosquitto (examples/fleet/mosquitto.ts)
 * on a free port with a generated config in a temp dir, and stops it after.
 */
import { after, before } from "node:test";
import { startMosquitto, type Broker, type BrokerOptions } from "../../examples/fleet/mosquitto.ts";

/** Starts a broker before the file's tests and closes it after them. */
export function useBroker(options?: BrokerOptions): () => Broker {
  let broker: Broker | null = null;
  before(async () => {
    broker = await startMosquitto(options);
  });
  after(async () => {
    await broker?.close();
  });
  return () => {
    if (broker === null) throw new Error("the broker has not started");
    return broker;
  };
}

/** A payload as text. */
export const text = (payload: Uint8Array): string => new TextDecoder().decode(payload);
