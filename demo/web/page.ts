// The task dashboard as a web page (`npm run web`): the same simulated Pico 2 W
// as `npm start` (demo/device.ts), run by taskloop in the browser. This file
// only draws it and turns clicks and keys into the device's actions.
//
// The button is a real push button: press it with the mouse (or a finger) and
// hold it as long as you like; two presses within 0.4 s are a double click,
// and holding it 1 s is a long press, which starts or stops the blink task.
import { createTask, Event, getEventLoop, run, sleep, type Coro, type TaskInfo } from "taskloop";
import { PicoDemo } from "../device.ts";

const device = new PicoDemo();

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const view = {
  led: element("led"),
  ledText: element("led-text"),
  buttonState: element("button-state"),
  presses: element("presses"),
  reading: element("reading"),
  uptime: element("uptime"),
  tasks: element<HTMLTableSectionElement>("tasks"),
  log: element("log"),
  button: element<HTMLButtonElement>("button"),
};

// ---- drawing ----

function cell(text: string, isText = false): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (isText) td.className = "text";
  return td;
}

function drawTasks(tasks: TaskInfo[]): void {
  const rows = tasks.map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.name = t.name;
    tr.append(
      cell(String(t.id)),
      cell(t.name, true),
      cell(t.state, true),
      cell(t.waitingOn ?? "-", true),
      cell(String(t.steps)),
      cell(t.busyMs.toFixed(2)),
      cell(t.maxStepMs.toFixed(2)),
      cell(t.lateMs.toFixed(2)),
      cell(t.maxLateMs.toFixed(2)),
    );
    return tr;
  });
  view.tasks.replaceChildren(...rows);
}

function draw(): void {
  const on = device.led.value() === 1;
  view.led.classList.toggle("on", on);
  view.ledText.textContent = on ? "on" : "off";
  const down = device.buttonPin.value() === 0;
  view.buttonState.textContent = down ? "▼ down" : "▲ up";
  view.button.classList.toggle("down", down);
  view.presses.textContent = String(device.presses);
  view.reading.textContent = device.reading;
  const up = device.uptimeSeconds();
  view.uptime.textContent = `${Math.floor(up / 60)}:${String(up % 60).padStart(2, "0")}`;
  drawTasks(getEventLoop().tasks());
  view.log.textContent = device.log.slice(-12).join("\n");
}

function* drawScreen(): Coro<void> {
  for (;;) {
    draw();
    yield* sleep(0.1);
  }
}

// ---- input: the mouse holds the button, keys do what they do in the terminal ----

let pointerDown = false;
function release(): void {
  if (!pointerDown) return;
  pointerDown = false;
  device.buttonPin.drive(1);
}
view.button.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  view.button.setPointerCapture(event.pointerId);
  pointerDown = true;
  device.buttonPin.drive(0);
});
view.button.addEventListener("pointerup", release);
view.button.addEventListener("pointercancel", release);
view.button.addEventListener("lostpointercapture", release);
element("fail").addEventListener("click", () => device.failNextRead());
element("block").addEventListener("click", () => device.blockLoop());
document.addEventListener("keydown", (event) => {
  if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "b") device.press();
  else if (event.key === "l") device.longPress();
  else if (event.key === "f") device.failNextRead();
  else if (event.key === "h") device.blockLoop();
});

// ---- the loop: runs as long as the page is open ----

function* main(): Coro<void> {
  device.start();
  createTask(drawScreen(), { name: "screen" });
  device.note("ready: hold the button, or press b, l, f or h");
  yield* new Event().wait(); // never set: the page is closed, not the loop
}

run(main(), device.runOptions()).catch((error: unknown) => {
  view.log.textContent = `the loop stopped: ${String(error)}`;
});
