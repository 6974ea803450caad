// The task dashboard (`npm start`): a simulated Pico 2 W running a few tasks,
// and a live view of them from `loop.tasks()`.
//
// Keys: b press the button · l long-press (start/stop the blink task) ·
// f make the next sensor read fail · h run a deliberately blocking step · q quit.
// Without a terminal (CI, a pipe) it runs for `--seconds N` (default 5) and
// prints a plain-text snapshot once a second.
import readline from "node:readline";
import { createTask, getEventLoop, sleep, Event, type Coro, type Task, type TaskInfo } from "taskloop";
import { runMain } from "taskloop/node";
import { DHT22, OSError, Pin, Pushbutton } from "taskloop/device";

// ---- options ----
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
const secondsArg = process.argv.indexOf("--seconds");
const seconds = secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : interactive ? Infinity : 5;
if (!(seconds > 0)) {
  console.error(`--seconds needs a positive number, got ${process.argv[secondsArg + 1]}`);
  process.exit(2);
}
const SLOW_STEP_MS = 50; // the sensor read (~5 ms) stays under it; `h` (150 ms) does not

// ---- the board ----
const led = new Pin("LED", Pin.OUT, null, { historyLimit: 100 });
const buttonPin = new Pin(14, Pin.IN, Pin.PULL_UP);
const sensor = new DHT22(new Pin(15));
let reading = "no reading yet";
let presses = 0;

// ---- the log: recent lines, stamped with the loop's time ----
const logLines: string[] = [];
let printed = 0; // lines already shown by a plain-text snapshot
function log(line: string): void {
  logLines.push(`${(getEventLoop().time() / 1000).toFixed(1).padStart(6)} s  ${line}`);
  if (logLines.length > 200) {
    logLines.splice(0, 100);
    printed = Math.max(0, printed - 100);
  }
}

// ---- the device program: the tasks the table shows ----
function* blink(): Coro<void> {
  try {
    for (;;) {
      led.toggle();
      yield* sleep(0.5);
    }
  } finally {
    led.off();
  }
}

function* readSensor(): Coro<void> {
  for (;;) {
    try {
      sensor.measure(); // blocks ~5 ms of CPU, like the real sensor
      reading = `${sensor.temperature().toFixed(1)} °C  ${sensor.humidity().toFixed(1)} %`;
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      reading = `read failed (${e.message})`;
      log(`sensor: ${e.message}, will retry in 2 s`);
    }
    yield* sleep(2);
  }
}

function* reportUptime(): Coro<void> {
  for (;;) {
    yield* sleep(10);
    log(`uptime ${Math.round(getEventLoop().time() / 1000)} s, ${presses} presses`);
  }
}

/** What `h` starts: one step that holds the loop for 150 ms, so the slow-step report fires. */
function* hog(): Coro<void> {
  const until = performance.now() + 150;
  while (performance.now() < until) {
    // Busy: every other task waits, and their timers run late.
  }
  yield* sleep(0);
}

/** A finger on the button: pressed for `holdSeconds`, then let go. */
function* press(holdSeconds: number): Coro<void> {
  buttonPin.drive(0);
  yield* sleep(holdSeconds);
  buttonPin.drive(1);
}

let blinkTask: Task<void> | null = null;
function toggleBlink(): void {
  if (blinkTask === null) {
    blinkTask = createTask(blink(), { name: "blink" });
    log("long press: blink started");
  } else {
    blinkTask.cancel();
    blinkTask = null;
    log("long press: blink stopped, LED off");
  }
}

// ---- drawing ----
function fmt(ms: number): string {
  return ms.toFixed(2).padStart(10);
}

function table(tasks: TaskInfo[]): string[] {
  const rows = [`${"id".padStart(3)}  ${"name".padEnd(16)} ${"state".padEnd(9)} ${"waiting on".padEnd(18)} ${"steps".padStart(6)} ${"busy ms".padStart(9)} ${"max step".padStart(9)} ${"late ms".padStart(9)} ${"max late".padStart(9)}`];
  for (const t of tasks) {
    rows.push(
      `${String(t.id).padStart(3)}  ${t.name.slice(0, 16).padEnd(16)} ${t.state.padEnd(9)} ${(t.waitingOn ?? "-").slice(0, 18).padEnd(18)} ${String(t.steps).padStart(6)}${fmt(t.busyMs)}${fmt(t.maxStepMs)}${fmt(t.lateMs)}${fmt(t.maxLateMs)}`,
    );
  }
  return rows;
}

function board(): string {
  const up = Math.floor(getEventLoop().time() / 1000);
  const clock = `${Math.floor(up / 60)}:${String(up % 60).padStart(2, "0")}`;
  const ledText = led.value() ? "● on " : "○ off";
  const buttonText = buttonPin.value() === 0 ? "▼ down" : "▲ up  ";
  return `LED ${ledText}   button ${buttonText} (presses: ${presses})   DHT22 ${reading}   uptime ${clock}`;
}

const KEYS = "keys: b press   l long-press (blink on/off)   f fail next sensor read   h block the loop 150 ms   q quit";

function screen(): string {
  const width = process.stdout.columns ?? 100;
  const lines = ["taskloop dashboard: a simulated Pico 2 W", "", board(), "", ...table(getEventLoop().tasks()), "", "recent log:"];
  const recent = logLines.slice(-8);
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
    const out = [`--- snapshot at ${(getEventLoop().time() / 1000).toFixed(1)} s`, board(), ...table(getEventLoop().tasks())];
    for (; printed < logLines.length; printed++) out.push(`log: ${logLines[printed]!.trim()}`);
    console.log(out.join("\n"));
    if (end) return quit.set();
  }
}

// ---- keys ----
function onKey(name: string | undefined, ctrl: boolean, quit: Event): void {
  if (name === "q" || (ctrl && name === "c")) quit.set();
  else if (name === "b") createTask(press(0.1), { name: "finger" });
  else if (name === "l") createTask(press(1.2), { name: "finger" });
  else if (name === "f") {
    sensor.failNext();
    log("key f: the next sensor read will fail");
  } else if (name === "h") createTask(hog(), { name: "hog" });
}

function* main(): Coro<void> {
  const loop = getEventLoop();
  loop.setExceptionHandler((_loop, context) => log(`${context.message}: ${String(context.exception)}`));
  const quit = new Event();

  const button = new Pushbutton(buttonPin)
    .press(() => void log(`button pressed (${++presses})`))
    .double(() => log("double click"))
    .long(toggleBlink);
  blinkTask = createTask(blink(), { name: "blink" });
  createTask(readSensor(), { name: "sensor" });
  createTask(reportUptime(), { name: "uptime" });
  if (!interactive) {
    createTask(printSnapshots(quit), { name: "snapshot" });
    log(`no terminal: running for ${seconds} s`);
    yield* quit.wait();
    button.deinit();
    return;
  }

  if (seconds !== Infinity) {
    createTask(function* (): Coro<void> {
      yield* sleep(seconds);
      quit.set();
    }(), { name: "timeout" });
  }

  readline.emitKeypressEvents(process.stdin);
  process.stdin.setRawMode(true);
  const keypress = (_s: string | undefined, key: { name?: string; ctrl?: boolean } | undefined): void =>
    onKey(key?.name, key?.ctrl === true, quit);
  process.stdin.on("keypress", keypress);
  process.stdout.write("\x1b[?1049h\x1b[?25l\x1b[2J"); // alternate screen, hide the cursor, clear
  createTask(drawScreen(), { name: "screen" });
  log("ready: press b, l, f, h or q");
  try {
    yield* quit.wait();
  } finally {
    process.stdin.off("keypress", keypress);
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdout.write("\x1b[?25h\x1b[?1049l"); // cursor back, leave the alternate screen
    button.deinit();
  }
  console.log(`dashboard: ran ${(loop.time() / 1000).toFixed(1)} s, ${presses} button presses`);
}

await runMain(main(), {
  slowStepMs: SLOW_STEP_MS,
  onSlowStep: ({ task, durationMs }) => log(`slow step: ${task.name} held the loop ${durationMs.toFixed(0)} ms (limit ${SLOW_STEP_MS} ms)`),
});
