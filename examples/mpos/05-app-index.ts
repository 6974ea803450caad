// MicroPythonOS TaskManager guide, "Downloading Data": the app store screen
// downloads the app index in the background when it resumes, and shows it.
// Run: npx tsx examples/mpos/05-app-index.ts [--url http://host:port]
import { Activity, ActivityStack, TaskManager, type Coro, type LifecycleHook } from "taskloop";
import { DownloadManager } from "taskloop/download";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";
import { withBaseUrl } from "./_server.ts";

interface App {
  name: string;
  version: string;
}

class AppStoreActivity extends Activity {
  readonly loaded = TaskManager.notifyEvent();
  constructor(
    private readonly base: string,
    private readonly log: Log,
  ) {
    super();
  }

  override onResume(): LifecycleHook {
    // Download the app index in the background (owned: cancelled if the screen closes first).
    this.createTask(this.downloadAppIndex(), { name: "app index" });
  }

  *downloadAppIndex(): Coro<void> {
    try {
      const data = yield* DownloadManager.downloadUrl(`${this.base}/apps.json`);
      if (data) this.updateUi(JSON.parse(new TextDecoder().decode(data)) as App[]);
    } catch (error) {
      this.log(`Download failed: ${String(error)}`);
    } finally {
      this.loaded.set();
    }
  }

  updateUi(apps: App[]): void {
    this.log(`${apps.length} apps:`);
    for (const app of apps) this.log(`  ${app.name.padEnd(8)} ${app.version}`);
  }
}

export function* main({ base, log = print }: { base: string; log?: Log }): Coro<void> {
  const stack = new ActivityStack();
  const store = new AppStoreActivity(base, log);
  yield* stack.startActivity(store);
  yield* store.loaded.wait();
  yield* stack.back();
}

if (isMain(import.meta)) await withBaseUrl((base) => runMain(main({ base })));
