// MicroPythonOS TaskManager guide, "Periodic Tasks" / "Sensor Polling": poll a
// sensor every second while the screen exists, stop when it is destroyed.
// Two versions side by side: the guide's `self.monitoring` flag, and
// taskloop's `whileForeground`.
// Run: npx tsx examples/mpos/06-sensor-polling.ts
import { getEventLoop, Activity, ActivityStack, TaskManager, type Coro, type LifecycleHook } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

/** A stand-in for SensorManager.read_accelerometer(). */
let reading = 0;
function readAccelerometer(): string {
  reading++;
  return `x=${(reading * 0.1).toFixed(1)}`;
}

/** The guide's version: a flag the loop checks once per sleep. */
class FlagScreen extends Activity {
  monitoring = false;
  constructor(private readonly log: Log) {
    super();
  }
  override onCreate(): LifecycleHook {
    this.monitoring = true;
    TaskManager.createTask(this.monitorSensor(), { name: "flag monitor" });
  }
  *monitorSensor(): Coro<void> {
    while (this.monitoring) {
      this.log(`flag screen: ${readAccelerometer()}`);
      yield* TaskManager.sleep(1);
    }
    this.log("flag screen: the loop saw the flag and ended");
  }
  override onDestroy(): LifecycleHook {
    this.monitoring = false; // stop the monitoring loop... at its next wake-up
    this.log("flag screen: destroyed");
  }
}

/** taskloop's version: the activity owns the poll; pausing cancels it at once. */
class ForegroundScreen extends Activity {
  constructor(private readonly log: Log) {
    super();
  }
  override onCreate(): LifecycleHook {
    this.whileForeground(() => this.monitorSensor(), { name: "foreground monitor" });
  }
  *monitorSensor(): Coro<void> {
    try {
      for (;;) {
        this.log(`foreground screen: ${readAccelerometer()}`);
        yield* TaskManager.sleep(1);
      }
    } finally {
      this.log("foreground screen: poll cancelled");
    }
  }
  override onDestroy(): LifecycleHook {
    this.log("foreground screen: destroyed");
  }
}

function alive(): string {
  return (
    getEventLoop()
      .tasks()
      .filter((t) => t.name.includes("monitor"))
      .map((t) => t.name)
      .join(", ") || "none"
  );
}

export function* main({ log = print }: { log?: Log } = {}): Coro<void> {
  const stack = new ActivityStack();
  for (const screen of [new FlagScreen(log), new ForegroundScreen(log)]) {
    yield* stack.startActivity(screen);
    yield* TaskManager.sleep(2.5);
    yield* stack.back();
    log(`monitor tasks alive right after destroy: ${alive()}`);
    yield* TaskManager.sleep(1);
    log(`monitor tasks alive 1 s later: ${alive()}`);
  }
}

if (isMain(import.meta)) await runMain(main());
