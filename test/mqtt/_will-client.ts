/**
 * A client for the last-will test, run as its own process: it connects with
 * a will, says "ready", and waits until the test kills it.
 */
import { run } from "taskloop";
import { connectMqtt } from "taskloop/mqtt";

const url = process.argv[2]!;
await run(function* () {
  const client = yield* connectMqtt(url, { clientId: "doomed", will: { topic: "will/doomed", payload: "offline", qos: 1 } });
  yield* client.publish("will/doomed", "online", { qos: 1 });
  const sub = yield* client.subscribe("will/never");
  console.log("ready");
  yield* sub.receive(); // until the process is killed
});
