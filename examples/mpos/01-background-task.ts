// MicroPythonOS TaskManager guide, "Creating Background Tasks": an activity
// launches background work from onCreate and the screen stays responsive.
// Run: npx tsx examples/mpos/01-background-task.ts
import { Activity, ActivityStack, TaskManager, type Coro, type LifecycleHook } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

class MyActivity extends Activity {
  constructor(private readonly log: Log) {
    super();
  }

  override onCreate(): LifecycleHook {
    // Launch a background task; onCreate returns at once.
    TaskManager.createTask(this.downloadData(), { name: "download" });
    this.log("onCreate done, the download runs in the background");
  }

  *downloadData(): Coro<void> {
    this.log("Starting download...");
    yield* TaskManager.sleep(2); // simulate the network
    this.log("Download complete!");
  }
}

export function* main({ log = print }: { log?: Log } = {}): Coro<void> {
  const stack = new ActivityStack();
  yield* stack.startActivity(new MyActivity(log));
  log(
    `background tasks: ${TaskManager.listTasks()
      .map((t) => t.name)
      .join(", ")}`,
  );
  yield* TaskManager.sleep(2.5);
  log(`background tasks: ${TaskManager.listTasks().length}`);
}

if (isMain(import.meta)) await runMain(main());
