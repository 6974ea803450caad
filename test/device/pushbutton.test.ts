import { test } from "node:test";
import assert from "node:assert/strict";
import { run, sleep, sleepMs, getEventLoop } from "taskloop";
import { Pin, Pushbutton, Switch } from "taskloop/device";

const virtual = { clock: "virtual" } as const;

/** Runs `script` with a pulled-up button pin and a log of "event@ms" lines. */
async function withButton(
  setup: (button: Pushbutton, log: (what: string) => () => void) => void,
  script: (pin: Pin) => Generator<unknown, void, unknown>,
): Promise<string[]> {
  const lines: string[] = [];
  const log = (what: string) => () => void lines.push(`${what}@${getEventLoop().time()}`);
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const button = new Pushbutton(pin);
    setup(button, log);
    yield* script(pin);
    button.deinit();
  }, virtual);
  return lines;
}

test("a press and release run their handlers at the exact times on the virtual clock", async () => {
  const lines = await withButton(
    (b, log) => b.press(log("press")).release(log("release")),
    function* (pin) {
      yield* sleepMs(100);
      pin.drive(0);
      yield* sleepMs(300);
      pin.drive(1);
      yield* sleepMs(100);
    },
  );
  assert.deepEqual(lines, ["press@100", "release@400"]);
});

test("bounces within 50 ms of a change are ignored", async () => {
  const lines = await withButton(
    (b, log) => b.press(log("press")).release(log("release")),
    function* (pin) {
      for (const level of [0, 1, 0, 1, 0]) {
        pin.drive(level);
        yield* sleepMs(5);
      }
      yield* sleepMs(200);
      for (const level of [1, 0, 1]) {
        pin.drive(level);
        yield* sleepMs(5);
      }
      yield* sleepMs(100);
    },
  );
  assert.deepEqual(lines, ["press@0", "release@225"]);
});

test("a change that lasts through the debounce time is seen when the time ends", async () => {
  // Pressed at 0, released at 20 ms (inside the debounce window): seen at 50 ms.
  const lines = await withButton(
    (b, log) => b.press(log("press")).release(log("release")),
    function* (pin) {
      pin.drive(0);
      yield* sleepMs(20);
      pin.drive(1);
      yield* sleepMs(100);
    },
  );
  assert.deepEqual(lines, ["press@0", "release@50"]);
});

test("holding the button 1000 ms runs the long handler once, at 1000 ms", async () => {
  const lines = await withButton(
    (b, log) => b.press(log("press")).long(log("long")).release(log("release")),
    function* (pin) {
      pin.drive(0);
      yield* sleep(2.5);
      pin.drive(1);
      yield* sleepMs(100);
    },
  );
  assert.deepEqual(lines, ["press@0", "long@1000", "release@2500"]);
});

test("a press shorter than 1000 ms runs no long handler", async () => {
  const lines = await withButton(
    (b, log) => b.long(log("long")),
    function* (pin) {
      pin.drive(0);
      yield* sleepMs(999);
      pin.drive(1);
      yield* sleep(2);
    },
  );
  assert.deepEqual(lines, []);
});

test("a second press within 400 ms runs the double handler; a third starts a new pair", async () => {
  const lines = await withButton(
    (b, log) => b.press(log("press")).double(log("double")),
    function* (pin) {
      for (const at of [0, 300, 600, 1500]) {
        yield* sleepMs(at - getEventLoop().time());
        pin.drive(0);
        yield* sleepMs(100);
        pin.drive(1);
      }
      yield* sleepMs(100);
    },
  );
  assert.deepEqual(lines, ["press@0", "press@300", "double@300", "press@600", "press@1500"]);
});

test("a generator-function handler runs as a task and may sleep", async () => {
  const lines: string[] = [];
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const button = new Pushbutton(pin).press(function* () {
      lines.push(`start@${getEventLoop().time()}`);
      yield* sleep(1);
      lines.push(`end@${getEventLoop().time()}`);
    });
    pin.drive(0);
    yield* sleep(2);
    button.deinit();
  }, virtual);
  assert.deepEqual(lines, ["start@0", "end@1000"]);
});

test("the button's task appears in loop.tasks() under the button's name", async () => {
  await run(function* () {
    const button = new Pushbutton(new Pin(7, Pin.IN, Pin.PULL_UP));
    yield* sleepMs(1);
    const info = getEventLoop()
      .tasks()
      .find((t) => t.name === "button 7");
    assert.ok(info);
    assert.equal(info.state, "waiting");
    assert.equal(info.waitingOn, "Event");
    button.deinit();
  }, virtual);
});

test("a handler that throws goes to the exception handler and the button keeps working", async () => {
  const errors: unknown[] = [];
  let presses = 0;
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    getEventLoop().setExceptionHandler((_loop, ctx) => errors.push(ctx.exception));
    const button = new Pushbutton(pin).press(() => {
      presses++;
      throw new Error("boom");
    });
    for (let i = 0; i < 2; i++) {
      pin.drive(0);
      yield* sleepMs(100);
      pin.drive(1);
      yield* sleepMs(500);
    }
    button.deinit();
  }, virtual);
  assert.equal(presses, 2);
  assert.equal(errors.length, 2);
});

test("a Switch runs close and open handlers and reports its debounced state", async () => {
  const lines: string[] = [];
  const pin = new Pin(15, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const sw = new Switch(pin).close(() => void lines.push(`close@${getEventLoop().time()}`)).open(() => void lines.push(`open@${getEventLoop().time()}`));
    assert.equal(sw.closed(), false);
    pin.drive(0);
    pin.drive(1);
    pin.drive(0);
    yield* sleepMs(200);
    assert.equal(sw.closed(), true);
    pin.drive(1);
    yield* sleepMs(200);
    assert.equal(sw.closed(), false);
    sw.deinit();
  }, virtual);
  assert.deepEqual(lines, ["close@0", "open@200"]);
});

test("while the button is held, a task named after the button times the long press", async () => {
  const pin = new Pin(9, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const button = new Pushbutton(pin).long(() => {});
    pin.drive(0);
    yield* sleepMs(500);
    const timer = getEventLoop()
      .tasks()
      .find((t) => t.name === "button 9 long");
    assert.equal(timer?.waitingOn, "sleep 1000 ms");
    pin.drive(1);
    yield* sleepMs(100);
    assert.equal(
      getEventLoop()
        .tasks()
        .find((t) => t.name === "button 9 long"),
      undefined,
    );
    button.deinit();
  }, virtual);
});

/** The pin's listeners, to see that a failed constructor left none behind. */
function watcherCount(pin: Pin): number {
  return (pin as unknown as { watchers: unknown[] }).watchers.length;
}

test("a Pushbutton with a bad option throws before starting a task or watching the pin", async () => {
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const bad = [{ longMs: -1 }, { doubleMs: "x" }, { debounceMs: NaN }, { name: 5 }, { onLong: 3 }, { sense: 2 }];
    for (const options of bad) {
      assert.throws(() => new Pushbutton(pin, options as never), /Pushbutton: options\./, JSON.stringify(options));
    }
    yield* sleepMs(1);
    assert.equal(watcherCount(pin), 0);
    assert.deepEqual(
      getEventLoop()
        .tasks()
        .map((t) => t.name),
      ["main"],
    );
  }, virtual);
});

test("a Pushbutton name that is not a string is reported as Pushbutton: options.name", () => {
  assert.throws(() => new Pushbutton(new Pin(14, Pin.IN, Pin.PULL_UP), { name: 5 as never }), {
    name: "TypeError",
    message: /^Pushbutton: options\.name must be a string.*got 5 \(a number\)/,
  });
});

test("a Switch with a bad option throws before starting a task or watching the pin", async () => {
  const pin = new Pin(15, Pin.IN, Pin.PULL_UP);
  await run(function* () {
    const bad = [{ debounceMs: -1 }, { name: 5 }, { onClose: "x" }, { onOpen: 1 }, { closedLevel: 3 }];
    for (const options of bad) {
      assert.throws(() => new Switch(pin, options as never), /Switch: options\./, JSON.stringify(options));
    }
    yield* sleepMs(1);
    assert.equal(watcherCount(pin), 0);
    assert.deepEqual(
      getEventLoop()
        .tasks()
        .map((t) => t.name),
      ["main"],
    );
  }, virtual);
});

test("a non-number duration option is a TypeError, a negative one a RangeError", () => {
  const pin = new Pin(14, Pin.IN, Pin.PULL_UP);
  assert.throws(() => new Pushbutton(pin, { longMs: "x" as never }), { name: "TypeError", message: /options\.longMs must be a number of milliseconds/ });
  assert.throws(() => new Pushbutton(pin, { longMs: -1 }), {
    name: "RangeError",
    message: /options\.longMs must be a finite number of milliseconds >= 0, got -1/,
  });
});
