// The task dashboard (`npm start`): a simulated Pico 2 W running a few tasks,
// and a live view of them from `loop.tasks()`.
//
// Keys: b press the button · l long-press (start/stop the blink task) ·
// f make the next sensor read fail · h run a deliberately blocking step ·
// d download a large file · c cancel the download · q quit.
// Without a terminal (CI, a pipe) it runs for `--seconds N` (default 5) and
// prints a plain-text snapshot once a second; `--keys d@0.5,c@2` presses keys
// at those loop times (in both modes).
import readline from "node:readline";
import { createTask, getEventLoop, sleep, Event, type Coro, type TaskInfo } from "taskloop";
import { runMain } from "taskloop/node";
import { PicoDemo } from "./device.ts";
import { DownloadPanel } from "./download.ts";

// ---- options ----
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
const secondsArg = process.argv.indexOf("--seconds");
const seconds = secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : interactive ? Infinity : 5;
if (!(seconds > 0)) {
  console.error(`--seconds needs a positive number, got ${process.argv[secondsArg + 1]}`);
  process.exit(2);
}
const keysArg = process.argv.indexOf("--keys");
const scriptedKeys = keysArg >= 0 ? parseKeys(process.argv[keysArg + 1] ?? "") : [];

/** "d@0.5,c@2" → keys to press at those loop times (seconds). */
function parseKeys(spec: string): { key: string; at: number }[] {
  return spec.split(",").map((item) => {
    const m = /^([a-z])@(\d+(?:\.\d+)?)$/.exec(item.trim());
    if (!m) {
      console.error(`--keys needs key@seconds items like d@0.5,c@2, got ${JSON.stringify(item)}`);
      process.exit(2);
    }
    return { key: m[1]!, at: Number(m[2]) };
  });
}

// ---- the board: the device program shared with the web page (demo/device.ts) ----
const device = new PicoDemo();
const download = new DownloadPanel((line) => device.note(line));
let printed = 0; // lines (counted as in `device.logged`) already shown by a plain-text snapshot

// ---- drawing ----
function fmt(ms: number): string {
  return ms.toFixed(2).padStart(10);
}

function table(tasks: TaskInfo[]): string[] {
  const rows = [
    `${"id".padStart(3)}  ${"name".padEnd(16)} ${"state".padEnd(9)} ${"waiting on".padEnd(18)} ${"steps".padStart(6)} ${"busy ms".padStart(9)} ${"max step".padStart(9)} ${"late ms".padStart(9)} ${"max late".padStart(9)}`,
  ];
  for (const t of tasks) {
    rows.push(
      `${String(t.id).padStart(3)}  ${t.name.slice(0, 16).padEnd(16)} ${t.state.padEnd(9)} ${(t.waitingOn ?? "-").slice(0, 18).padEnd(18)} ${String(t.steps).padStart(6)}${fmt(t.busyMs)}${fmt(t.maxStepMs)}${fmt(t.lateMs)}${fmt(t.maxLateMs)}`,
    );
  }
  return rows;
}

function board(): string {
  const up = device.uptimeSeconds();
  const clock = `${Math.floor(up / 60)}:${String(up % 60).padStart(2, "0")}`;
  const ledText = device.led.value() ? "● on " : "○ off";
  const buttonText = device.buttonPin.value() === 0 ? "▼ down" : "▲ up  ";
  return `LED ${ledText}   button ${buttonText} (presses: ${device.presses})   DHT22 ${device.reading}   uptime ${clock}`;
}

/** The board line, and the download panel's once a download was asked for. */
function status(): string[] {
  const line = download.line();
  return line === null ? [board()] : [board(), line];
}

const KEYS = "keys: b press   l long-press (blink on/off)   f fail next read   h block the loop 150 ms   d download   c cancel it   q quit";

function screen(): string {
  const width = process.stdout.columns ?? 100;
  const lines = ["taskloop dashboard: a simulated Pico 2 W", "", ...status(), "", ...table(getEventLoop().tasks()), "", "recent log:"];
  const recent = device.log.slice(-8);
  lines.push(...recent, ...Array<string>(8 - recent.length).fill(""), "", KEYS);
  // Home, then each line cleared to its end: redraws without flicker.
  return "\x1b[H" + lines.map((l) => l.slice(0, width - 1) + "\x1b[K").join("\n") + "\x1b[J";
}

function* drawScreen(): Coro<void> {
  for (;;) {
    process.stdout.write(screen());
    yield* sleep(0.25);
  }
}

/** Without a terminal: a plain-text snapshot once a second, and one at the end; then quit. */
function* printSnapshots(quit: Event): Coro<void> {
  const loop = getEventLoop();
  for (let next = 1; ; next++) {
    const end = next >= seconds;
    yield* sleep((end ? seconds : next) - loop.time() / 1000);
    const out = [`--- snapshot at ${(getEventLoop().time() / 1000).toFixed(1)} s`, ...status(), ...table(getEventLoop().tasks())];
    const first = device.logged - device.log.length; // what `device.log[0]` is, counted as in `logged`
    for (printed = Math.max(printed, first); printed < device.logged; printed++) out.push(`log: ${device.log[printed - first]!.trim()}`);
    console.log(out.join("\n"));
    if (end) return quit.set();
  }
}

// ---- keys ----
function onKey(name: string | undefined, ctrl: boolean, quit: Event): void {
  if (name === "q" || (ctrl && name === "c")) quit.set();
  else if (name === "b") device.press();
  else if (name === "l") device.longPress();
  else if (name === "f") device.failNextRead();
  else if (name === "h") device.blockLoop();
  else if (name === "d") download.start();
  else if (name === "c") download.cancel();
}

/** Presses the `--keys` keys at their times. */
function* pressScriptedKeys(quit: Event): Coro<void> {
  const loop = getEventLoop();
  for (const { key, at } of scriptedKeys) {
    yield* sleep(Math.max(0, at - loop.time() / 1000));
    onKey(key, false, quit);
  }
}

function* main(): Coro<void> {
  const loop = getEventLoop();
  const quit = new Event();
  device.start();
  if (scriptedKeys.length > 0) createTask(pressScriptedKeys(quit), { name: "keys" });
  if (!interactive) {
    createTask(printSnapshots(quit), { name: "snapshot" });
    device.note(`no terminal: running for ${seconds} s`);
    yield* quit.wait();
    device.stop();
    yield* download.close();
    return;
  }

  if (seconds !== Infinity) {
    createTask(
      (function* (): Coro<void> {
        yield* sleep(seconds);
        quit.set();
      })(),
      { name: "timeout" },
    );
  }

  readline.emitKeypressEvents(process.stdin);
  process.stdin.setRawMode(true);
  const keypress = (_s: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void => onKey(key?.name, key?.ctrl === true, quit);
  process.stdin.on("keypress", keypress);
  process.stdout.write("\x1b[?1049h\x1b[?25l\x1b[2J"); // alternate screen, hide the cursor, clear
  createTask(drawScreen(), { name: "screen" });
  device.note("ready: press b, l, f, h, d, c or q");
  try {
    yield* quit.wait();
  } finally {
    process.stdin.off("keypress", keypress);
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdout.write("\x1b[?25h\x1b[?1049l"); // cursor back, leave the alternate screen
    device.stop();
    yield* download.close();
  }
  console.log(`dashboard: ran ${(loop.time() / 1000).toFixed(1)} s, ${device.presses} button presses`);
}

await runMain(main(), device.runOptions());
