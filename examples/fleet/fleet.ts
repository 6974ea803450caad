// A fleet of simulated devices through a real MQTT broker: `npm run fleet`.
// Starts a private Mosquitto on a free port (or uses --broker URL), spawns N
// device processes (examples/fleet/device.ts: LED, DHT22, Pushbutton, one
// reading a second), and shows a dashboard: one line per device with its last
// reading, LED state and message age, and the messages per second.
//
// Keys: ↑/↓ (or k/j) select a device, o / f blink its LED on / off, p press its
// button, a / z all devices on / off, x kill its process (its last will says
// "lost"), q quit.
//
// Without a terminal (a pipe, CI) it runs a script instead: wait until every
// device reported, send "blink on" to one device (--target dev-03), wait until
// it obeys, print the table, and stop the fleet.
//
//   npm run fleet -- --devices 50
//   npm run fleet -- --broker mqtt://127.0.0.1:1883 --devices 5
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { run, createTask, sleep, until, Event, Queue, getEventLoop, type Coro, type Task } from "taskloop";
import { connectMqtt, type MqttClient } from "taskloop/mqtt";
import { isMain, print, type Log } from "../_runner.ts";
import { findMosquitto, MISSING_MOSQUITTO, startMosquitto, type Broker } from "./mosquitto.ts";
import type { Reading } from "./device.ts";

const deviceScript = fileURLToPath(new URL("./device.ts", import.meta.url));
const decoder = new TextDecoder();

export interface FleetOptions {
  devices: number;
  /** Use this broker instead of starting one. */
  broker?: string;
  /** Interactive dashboard (a TTY) or the script. */
  interactive: boolean;
  /** The device the script sends "blink on" to. Default dev-01. */
  target?: string;
  log?: Log;
}

interface DeviceView {
  id: string;
  status: string;
  reading: Reading | null;
  /** loop time of the last message, ms */
  at: number;
  process: ChildProcess | null;
}

const idOf = (n: number): string => `dev-${String(n).padStart(2, "0")}`;

function line(d: DeviceView, now: number, selected: boolean): string {
  const r = d.reading;
  const age = d.at === 0 ? "   -  " : `${((now - d.at) / 1000).toFixed(1).padStart(5)} s`;
  const values =
    r === null
      ? "no reading yet".padEnd(42)
      : `${r.temperature.toFixed(1).padStart(5)} °C ${r.humidity.toFixed(1).padStart(5)} %  LED ${r.led.padEnd(8)} presses ${r.presses}`;
  return `${selected ? ">" : " "} ${d.id}  ${d.status.padEnd(7)} ${values}  age ${age}`;
}

export function* fleet({ devices, broker: brokerUrl, interactive, target = "dev-01", log = print }: FleetOptions): Coro<void> {
  let broker: Broker | null = null;
  if (brokerUrl === undefined) {
    broker = yield* until(startMosquitto());
    log(`broker: mosquitto on ${broker.url}`);
  }
  const url = brokerUrl ?? broker!.url;
  const views = new Map<string, DeviceView>();
  for (let n = 1; n <= devices; n++) views.set(idOf(n), { id: idOf(n), status: "-", reading: null, at: 0, process: null });
  const gateway: MqttClient = yield* connectMqtt(url, { clientId: `fleet-dashboard-${process.pid}` });
  const loop = getEventLoop();
  const allReported = new Event();
  const targetObeyed = new Event();
  const allOffline = new Event();
  let count = 0;
  const stamps: number[] = []; // arrival times of the last second's messages
  const listeners: Task<void>[] = [];
  try {
    const readings = yield* gateway.subscribe("fleet/+/reading");
    const statuses = yield* gateway.subscribe("fleet/+/status", { qos: 1 });
    listeners.push(
      createTask(
        (function* () {
          for (;;) {
            const m = yield* readings.receive();
            const r = JSON.parse(decoder.decode(m.payload)) as Reading;
            const view = views.get(r.id);
            if (view === undefined) continue;
            view.reading = r;
            view.at = loop.time();
            count++;
            stamps.push(view.at);
            if (!allReported.isSet() && [...views.values()].every((v) => v.reading !== null)) allReported.set();
            if (r.id === target && r.led === "blinking") targetObeyed.set();
          }
        })(),
        { name: "dashboard readings" },
      ),
    );
    listeners.push(
      createTask(
        (function* () {
          for (;;) {
            const m = yield* statuses.receive();
            const view = views.get(m.topic.split("/")[1]!);
            if (view === undefined) continue;
            view.status = decoder.decode(m.payload) || "-";
            if (!m.retain) view.at = loop.time();
            if ([...views.values()].every((v) => v.status === "offline" || v.status === "lost")) allOffline.set();
          }
        })(),
        { name: "dashboard status" },
      ),
    );

    log(`starting ${devices} devices`);
    for (const view of views.values()) {
      view.process = spawn(process.execPath, ["--import", "tsx", deviceScript, url, view.id], { stdio: ["ignore", "ignore", "inherit"] });
    }

    if (interactive)
      yield* dashboard(
        gateway,
        views,
        () => stamps,
        () => count,
      );
    else {
      yield* allReported.wait();
      log(`all ${devices} devices reported`);
      yield* gateway.publish(`fleet/${target}/cmd`, "blink on", { qos: 1 });
      log(`command "blink on" -> ${target}`);
      yield* targetObeyed.wait();
      log(`${target} obeyed: LED blinking`);
      const now = loop.time();
      for (const v of views.values()) log(line(v, now, v.id === target));
    }
    log("stopping devices");
    for (const v of views.values()) if (v.process?.exitCode === null) v.process.kill("SIGTERM");
    yield* allOffline.wait();
    log("all devices offline");
  } finally {
    for (const t of listeners) t.cancel();
    for (const v of views.values()) if (v.process !== null && v.process.exitCode === null && v.process.signalCode === null) v.process.kill("SIGKILL");
    yield* gateway.close();
    if (broker !== null) yield* until(broker.close());
  }
}

/** The interactive screen: redraws twice a second, and acts on keys until q. */
function* dashboard(gateway: MqttClient, views: Map<string, DeviceView>, stamps: () => number[], count: () => number): Coro<void> {
  const loop = getEventLoop();
  const ids = [...views.keys()];
  let selected = 0;
  let note = "";
  const keys = new Queue<string>();
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  const onData = (d: Buffer): void => keys.putNowait(d.toString());
  stdin.on("data", onData);
  const draw = (): void => {
    const now = loop.time();
    const recent = stamps();
    while (recent.length > 0 && recent[0]! < now - 1000) recent.shift();
    const rows = ids.map((id, i) => line(views.get(id)!, now, i === selected));
    const header = `taskloop fleet — ${views.size} devices, ${recent.length} msg/s, ${count()} readings · ↑↓ select · o/f blink on/off · p press · a/z all on/off · x kill · q quit`;
    process.stdout.write(`\x1b[H\x1b[2J${header}\n${note}\n\n${rows.join("\n")}\n`);
  };
  const painter = createTask(
    (function* () {
      for (;;) {
        draw();
        yield* sleep(0.5);
      }
    })(),
    { name: "dashboard screen" },
  );
  try {
    for (;;) {
      const key = yield* keys.get();
      const id = ids[selected]!;
      if (key === "q" || key === "\u0003") break;
      else if (key === "\x1b[A" || key === "k") selected = (selected + ids.length - 1) % ids.length;
      else if (key === "\x1b[B" || key === "j") selected = (selected + 1) % ids.length;
      else if (key === "o" || key === "f" || key === "p") {
        const command = key === "o" ? "blink on" : key === "f" ? "blink off" : "press";
        yield* gateway.publish(`fleet/${id}/cmd`, command, { qos: 1 });
        note = `sent "${command}" to ${id}`;
      } else if (key === "a" || key === "z") {
        const command = key === "a" ? "blink on" : "blink off";
        yield* gateway.publish("fleet/all/cmd", command, { qos: 1 });
        note = `sent "${command}" to all`;
      } else if (key === "x") {
        views.get(id)!.process?.kill("SIGKILL");
        note = `killed ${id}'s process: watch its status turn to "lost" (its last will)`;
      }
      draw();
    }
  } finally {
    painter.cancel();
    stdin.off("data", onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
}

function parseArgs(argv: string[]): FleetOptions {
  const options: FleetOptions = { devices: 50, interactive: process.stdin.isTTY === true && process.stdout.isTTY === true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--devices" && value !== undefined) options.devices = Number(value);
    else if (arg === "--broker" && value !== undefined) options.broker = value;
    else if (arg === "--target" && value !== undefined) options.target = value;
    else {
      console.error(`unknown argument ${JSON.stringify(arg)}; usage: npm run fleet -- [--devices N] [--broker mqtt://HOST:PORT] [--target dev-03]`);
      process.exit(2);
    }
    i++;
  }
  if (!Number.isInteger(options.devices) || options.devices < 1 || options.devices > 99) {
    console.error("--devices must be a whole number from 1 to 99");
    process.exit(2);
  }
  return options;
}

if (isMain(import.meta)) {
  const options = parseArgs(process.argv.slice(2));
  if (options.broker === undefined && findMosquitto() === null) {
    console.error(MISSING_MOSQUITTO);
    process.exit(1);
  }
  await run(fleet(options));
}
