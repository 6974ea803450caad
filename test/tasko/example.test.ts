import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "taskloop";
import { main } from "../../examples/tasko-spi.ts";

const virtual = { clock: "virtual" } as const;
const quiet = (): void => {};

test("examples/tasko-spi.ts: the sensor, the SD card, the animation and the knob share one SPI bus on time (12 s transcript)", async () => {
  const transcript = await run(main(12, quiet), virtual);
  assert.deepEqual(transcript, [
    "[  0.000 s] start: sensor 1 Hz, SD log 0.1 Hz on one SPI bus; animation 10 Hz; rotary poll 100 Hz; for 12 s",
    "[  0.001 s] sensor: 21.50 °C",
    "[  0.002 s] sd: wrote 1 reading in block 0 (ack 0, waited 1.0 ms for the bus)",
    "[  1.001 s] sensor: 21.66 °C",
    "[  2.001 s] sensor: 21.81 °C",
    "[  2.500 s] rotary: position 1, animation now 15 Hz (frame 26, showing /)",
    "[  2.540 s] rotary: position 2, animation now 20 Hz (frame 26, showing /)",
    "[  2.580 s] rotary: position 3, animation now 25 Hz (frame 26, showing /)",
    "[  3.001 s] sensor: 21.96 °C",
    "[  4.001 s] sensor: 22.11 °C",
    "[  5.001 s] sensor: 22.25 °C",
    "[  6.000 s] rotary: position 2, animation now 20 Hz (frame 112, showing \\)",
    "[  6.001 s] sensor: 22.38 °C",
    "[  6.020 s] rotary: position 1, animation now 15 Hz (frame 112, showing \\)",
    "[  7.001 s] sensor: 22.50 °C",
    "[  8.001 s] sensor: 22.61 °C",
    "[  9.001 s] sensor: 22.71 °C",
    "[  9.300 s] rotary: position 2, animation now 20 Hz (frame 161, showing |)",
    "[ 10.001 s] sd: wrote 9 readings in block 1 (ack 0, waited 0.0 ms for the bus)",
    "[ 10.002 s] sensor: 22.80 °C",
    "[ 11.001 s] sensor: 22.87 °C",
    "[ 12.000 s] done: 12 sensor reads, 2 SD writes, 14 bus transfers, 215 animation frames, 1200 knob polls",
    "[ 12.000 s] chip selects: sensor 12 times, SD 2 times, never both selected",
  ]);
});

test("examples/tasko-spi.ts: over a minute the chip selects never overlap and every schedule keeps its rate", async () => {
  const transcript = await run(main(60, quiet), virtual);
  assert.equal(transcript.filter((l) => l.includes("sensor: ")).length, 60);
  assert.equal(transcript.filter((l) => l.includes("sd: wrote")).length, 6);
  assert.match(transcript.at(-2)!, /60 sensor reads, 6 SD writes, 66 bus transfers, .* 6000 knob polls/);
  assert.match(transcript.at(-1)!, /never both selected/);
});
