import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { run, until } from "taskloop";
import { connectMqtt } from "taskloop/mqtt";
import { text, useBroker } from "./_broker.ts";

const broker = useBroker();
const willClient = fileURLToPath(new URL("./_will-client.ts", import.meta.url));

test("a client process that dies abruptly has its last will published", async () => {
  const got = await run(function* () {
    const watcher = yield* connectMqtt(broker().url);
    const child = spawn(process.execPath, ["--import", "tsx", willClient, broker().url], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const sub = yield* watcher.subscribe("will/doomed", { qos: 1 });
      yield* until(
        new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
          child.once("exit", (code) => reject(new Error(`the will client exited early (${code})`)));
        }),
      );
      const first = text((yield* sub.receive()).payload);
      child.kill("SIGKILL");
      const then = text((yield* sub.receive()).payload);
      return [first, then];
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      yield* watcher.close();
    }
  });
  assert.deepEqual(got, ["online", "offline"]);
});

test("a client that closes politely has no will published", async () => {
  const got = await run(function* () {
    const watcher = yield* connectMqtt(broker().url);
    try {
      const sub = yield* watcher.subscribe("will/polite", { qos: 1 });
      const polite = yield* connectMqtt(broker().url, { will: { topic: "will/polite", payload: "offline", qos: 1 } });
      yield* polite.close();
      yield* watcher.publish("will/polite", "end", { qos: 1 });
      return text((yield* sub.receive()).payload);
    } finally {
      yield* watcher.close();
    }
  });
  assert.equal(got, "end");
});
