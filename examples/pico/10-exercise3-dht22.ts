// Pico 2 W session, Exercise 3: read a DHT22 every 2 s, survive read errors,
// and flash a heartbeat LED so you can see the board is alive.
// Run: npx tsx examples/pico/10-exercise3-dht22.ts  (the 3rd read is made to fail)
import { createTask, sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { DHT22, OSError, Pin } from "taskloop/device";
import { isMain, print, type Log } from "../_runner.ts";

function* readSensor(sensor: DHT22, log: Log): Coro<void> {
  for (;;) {
    try {
      sensor.measure();
      log(`Temperature: ${sensor.temperature().toFixed(1)} C, humidity: ${sensor.humidity().toFixed(1)} %`);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      log(`Sensor read failed: ${e.message}`);
    }
    yield* sleep(2);
  }
}

function* heartbeat(led: Pin): Coro<void> {
  for (;;) {
    led.on();
    yield* sleep(0.1);
    led.off();
    yield* sleep(0.9);
  }
}

export interface Options {
  sensor?: DHT22;
  led?: Pin;
  log?: Log;
  seconds?: number;
}

export function* main({ sensor = new DHT22(new Pin(15)), led = new Pin("LED", Pin.OUT), log = print, seconds = Infinity }: Options = {}): Coro<void> {
  createTask(readSensor(sensor, log), { name: "sensor" });
  createTask(heartbeat(led), { name: "heartbeat" });
  for (let s = 0; s < seconds; s++) yield* sleep(1);
}

if (isMain(import.meta)) {
  const sensor = new DHT22(new Pin(15));
  await runMain(function* () {
    createTask(
      (function* () {
        yield* sleep(3);
        sensor.failNext(); // a loose wire: the read at 4 s fails
      })(),
    );
    yield* main({ sensor, seconds: 10 });
  });
}
