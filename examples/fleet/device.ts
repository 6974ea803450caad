// One device of the fleet: a taskloop program with an LED, a DHT22 and a
// Pushbutton, talking to the broker. It publishes a reading every second to
// fleet/<id>/reading, obeys "blink on" / "blink off" / "press" on fleet/<id>/cmd
// (and on fleet/all/cmd), and says "online" on fleet/<id>/status; its last
// will says "lost" there if the process dies without closing.
// Run one by hand: npx tsx examples/fleet/device.ts mqtt://127.0.0.1:1883 dev-01
import { run, createTask, sleep, Event, type Coro, type Task } from "taskloop";
import { DHT22, Pin, Pushbutton } from "taskloop/device";
import { connectMqtt, type MqttClient } from "taskloop/mqtt";
import { isMain } from "../_runner.ts";

/** What a device publishes every second. */
export interface Reading {
  id: string;
  seq: number;
  temperature: number;
  humidity: number;
  /** "blinking" or "off" */
  led: "blinking" | "off";
  /** presses of its button so far */
  presses: number;
}

export interface DeviceOptions {
  url: string;
  id: string;
  /** Readings per second. Default 1. */
  hz?: number;
  /** Set to stop the device politely ("offline" instead of the will's "lost"). */
  stop?: Event;
}

const decoder = new TextDecoder();

/** Blinks the LED at 2 Hz until cancelled, and leaves it off. */
function* blink(led: Pin): Coro<void> {
  try {
    for (;;) {
      led.toggle();
      yield* sleep(0.25);
    }
  } finally {
    led.off();
  }
}

export function* device({ url, id, hz = 1, stop = new Event() }: DeviceOptions): Coro<void> {
  const led = new Pin(`${id}-LED`, Pin.OUT);
  const n = [...id].reduce((s, c) => (s * 31 + c.charCodeAt(0)) & 0xffff, 7);
  const sensor = new DHT22(new Pin(`${id}-DHT`), { readMs: 0, seed: n, temperature: 17 + (n % 9), humidity: 35 + (n % 25) });
  const buttonPin = new Pin(`${id}-BTN`, Pin.IN, Pin.PULL_UP);
  const button = new Pushbutton(buttonPin);
  let blinker: Task<void> | null = null;
  let presses = 0;
  const setBlink = (on: boolean): void => {
    if (on && blinker === null) blinker = createTask(blink(led), { name: `${id} blink` });
    if (!on && blinker !== null) {
      blinker.cancel();
      blinker = null;
    }
  };
  // The button toggles the blinking, as on the bench.
  button.press(() => {
    presses++;
    setBlink(blinker === null);
  });

  const status = `fleet/${id}/status`;
  const client: MqttClient = yield* connectMqtt(url, {
    clientId: id,
    keepAliveSeconds: 5,
    will: { topic: status, payload: "lost", qos: 1, retain: true },
    reconnect: { initialDelaySeconds: 0.2, maxDelaySeconds: 5 },
  });
  try {
    const own = yield* client.subscribe(`fleet/${id}/cmd`, { qos: 1 });
    const all = yield* client.subscribe("fleet/all/cmd", { qos: 1 });
    yield* client.publish(status, "online", { qos: 1, retain: true });
    function* obey(sub: typeof own): Coro<void> {
      for (;;) {
        const command = decoder.decode((yield* sub.receive()).payload);
        if (command === "blink on") setBlink(true);
        else if (command === "blink off") setBlink(false);
        else if (command === "press") {
          // A finger on the button: held for 100 ms, long past the debounce.
          buttonPin.drive(0);
          yield* sleep(0.1);
          buttonPin.drive(1);
        }
      }
    }
    const listeners = [createTask(obey(own), { name: `${id} commands` }), createTask(obey(all), { name: `${id} fleet commands` })];
    const reporter = createTask(
      (function* () {
        for (let seq = 0; ; seq++) {
          sensor.measure();
          const reading: Reading = {
            id,
            seq,
            temperature: sensor.temperature(),
            humidity: sensor.humidity(),
            led: blinker === null ? "off" : "blinking",
            presses,
          };
          yield* client.publish(`fleet/${id}/reading`, JSON.stringify(reading));
          yield* sleep(1 / hz);
        }
      })(),
      { name: `${id} readings` },
    );
    yield* stop.wait();
    // Stop our own tasks before closing: a receive() still waiting would throw MqttError.
    for (const t of listeners) t.cancel();
    reporter.cancel();
    setBlink(false);
    yield* client.publish(status, "offline", { qos: 1, retain: true });
  } finally {
    yield* client.close();
  }
}

if (isMain(import.meta)) {
  const [url, id] = process.argv.slice(2);
  if (url === undefined || id === undefined) {
    console.error("usage: npx tsx examples/fleet/device.ts <broker url> <device id>");
    process.exit(2);
  }
  const stop = new Event();
  // SIGTERM from the fleet: say "offline" and close. (SIGKILL: the broker publishes the will.)
  process.once("SIGTERM", () => stop.set());
  process.once("SIGINT", () => stop.set());
  await run(device({ url, id, stop }));
}
