// The tasko README scenario: an app that says what should run how often, and
// shares one SPI bus between two chips without any explicit coordination.
//
//   - a temperature sensor read once a second,
//   - an SD card that logs the readings every ten seconds,
//     both on one simulated SPI bus, each behind its own chip-select pin;
//   - a 10 Hz animation, and a 100 Hz poll of a rotary knob that changes the
//     animation's speed.
//
// Run it on the real clock:  npx tsx examples/tasko-spi.ts --seconds 12
// A test runs `main(seconds)` on the virtual clock and checks its transcript.
import { pathToFileURL } from "node:url";
import { schedule, sleep, sleepMs, getEventLoop, ManagedResource, type Coro } from "taskloop";
import { runMain } from "taskloop/node";

const now = (): number => getEventLoop().time();

/** A chip-select output pin: idle high, records every change with the loop time. */
class SimPin {
  private level = 1;
  readonly history: [timeMs: number, level: number][] = [];
  constructor(readonly name: string) {}
  value(v?: number): number {
    if (v !== undefined && v !== this.level) {
      this.level = v;
      this.history.push([now(), v]);
    }
    return this.level;
  }
}

/** A chip on the bus: answers the bytes clocked out to it. */
type Chip = (out: number[]) => number[];

/** One SPI bus: a transfer talks to whichever chip is selected, and to exactly one. */
class SimSpiBus {
  transfers = 0;
  constructor(private readonly chips: Map<SimPin, Chip>) {}

  *transfer(out: number[]): Coro<number[]> {
    const chip = this.selected();
    yield* sleepMs(0.01 * out.length + 1); // clocking the bytes out at about 1 MHz, plus set-up
    if (this.selected() !== chip) throw new Error("SPI: chip select changed in the middle of a transfer");
    this.transfers++;
    return this.chips.get(chip)!(out);
  }

  private selected(): SimPin {
    const low = [...this.chips.keys()].filter((pin) => pin.value() === 0);
    if (low.length !== 1) throw new Error(`SPI contention: ${low.length} chips selected (${low.map((p) => p.name).join(", ")})`);
    return low[0]!;
  }
}

/** The sensor answers 0x03 with the temperature in hundredths of a degree: slowly varying. */
const sensorChip: Chip = () => {
  const centi = Math.round(2150 + 150 * Math.sin((2 * Math.PI * now()) / 60_000));
  return [centi >> 8, centi & 0xff];
};

/** The SD card stores blocks; it answers with an ack byte. */
function sdChip(blocks: number[][]): Chip {
  return (out) => {
    blocks.push(out);
    return [0x00];
  };
}

/** A knob someone turns: detents at fixed times, read by polling. */
class SimRotary {
  private static readonly TURNS: [atMs: number, delta: number][] = [
    [2_500, 1],
    [2_540, 1],
    [2_580, 1],
    [6_000, -1],
    [6_020, -1],
    [9_300, 1],
  ];
  position(): number {
    let p = 0;
    for (const [at, delta] of SimRotary.TURNS) if (at <= now()) p += delta;
    return p;
  }
}

/**
 * Runs the scenario for `seconds` and gives its transcript; each line is also
 * passed to `print`.
 */
export function* main(seconds = 12, print: (line: string) => void = console.log): Coro<string[]> {
  const transcript: string[] = [];
  const say = (line: string): void => {
    const stamped = `[${(now() / 1000).toFixed(3).padStart(7)} s] ${line}`;
    transcript.push(stamped);
    print(stamped);
  };

  const sensorCs = new SimPin("sensor CS");
  const sdCs = new SimPin("SD CS");
  const blocks: number[][] = [];
  const bus = new SimSpiBus(
    new Map([
      [sensorCs, sensorChip],
      [sdCs, sdChip(blocks)],
    ]),
  );
  // The bus manager selects the chip of the handle in use, and only that one.
  const spi = new ManagedResource(bus, {
    onAcquire: (cs: SimPin) => void cs.value(0),
    onRelease: (cs: SimPin) => void cs.value(1),
  });
  const sensor = spi.handle(sensorCs);
  const sd = spi.handle(sdCs);

  const readings: number[] = [];
  function* readSensor(): Coro<void> {
    const [hi, lo] = yield* sensor.use((b) => b.transfer([0x03, 0x00]));
    const celsius = ((hi! << 8) | lo!) / 100;
    readings.push(celsius);
    say(`sensor: ${celsius.toFixed(2)} °C`);
  }

  function* logToSd(): Coro<void> {
    const asked = now();
    using lease = yield* sd.acquire();
    const waited = now() - asked;
    const block = readings.splice(0).map((c) => Math.round(c * 100));
    const [ack] = yield* lease.resource.transfer([0x58, ...block]);
    say(
      `sd: wrote ${block.length} reading${block.length === 1 ? "" : "s"} in block ${blocks.length - 1} (ack ${ack}, waited ${waited.toFixed(1)} ms for the bus)`,
    );
  }

  const spinner = "|/-\\";
  let frames = 0;
  let frame = "";
  const animate = (): void => {
    frame = spinner[frames++ % spinner.length]!;
  };

  const knob = new SimRotary();
  let position = 0;
  let polls = 0;
  const animation = schedule(10, animate);
  const pollKnob = (): void => {
    polls++;
    const p = knob.position();
    if (p === position) return;
    position = p;
    const hz = 10 + 5 * p;
    animation.changeRate(hz);
    say(`rotary: position ${p}, animation now ${hz} Hz (frame ${frames}, showing ${frame})`);
  };

  say(`start: sensor 1 Hz, SD log 0.1 Hz on one SPI bus; animation 10 Hz; rotary poll 100 Hz; for ${seconds} s`);
  const schedules = [schedule(1, readSensor), schedule(0.1, logToSd), animation, schedule(100, pollKnob)];
  yield* sleep(seconds);
  for (const s of schedules) s.cancel();
  yield* sleepMs(0); // let their cancellation land

  const [sensorSched, sdSched] = schedules;
  say(
    `done: ${sensorSched!.stats.runs} sensor reads, ${sdSched!.stats.runs} SD writes, ${bus.transfers} bus transfers, ` +
      `${frames} animation frames, ${polls} knob polls`,
  );
  const overlap = selectedTogether(sensorCs, sdCs);
  say(`chip selects: sensor ${sensorCs.history.length / 2} times, SD ${sdCs.history.length / 2} times, ` + `${overlap ? "OVERLAPPED" : "never both selected"}`);
  const late = Math.max(...schedules.map((s) => s.stats.maxLateMs));
  print(`(max lateness ${late.toFixed(3)} ms, overruns ${schedules.reduce((n, s) => n + s.stats.overruns, 0)})`);
  return transcript;
}

/** Whether the two active-low pins were ever low at the same time, from their histories. */
function selectedTogether(a: SimPin, b: SimPin): boolean {
  const events = [...a.history.map(([t, v]) => [t, v, 0] as const), ...b.history.map(([t, v]) => [t, v, 1] as const)];
  // At equal times a release (1) is applied before a select (0): a hand-over is not an overlap.
  events.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const level = [1, 1];
  for (const [, v, who] of events) {
    level[who] = v;
    if (level[0] === 0 && level[1] === 0) return true;
  }
  return false;
}

function secondsFromArgs(argv: readonly string[]): number {
  const i = argv.indexOf("--seconds");
  if (i < 0) return 12;
  const value = Number(argv[i + 1]);
  if (!(value > 0 && Number.isFinite(value))) {
    throw new RangeError(`--seconds must be followed by a positive number of seconds, got ${JSON.stringify(argv[i + 1] ?? null)}`);
  }
  return value;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMain(main(secondsFromArgs(process.argv.slice(2))));
}
