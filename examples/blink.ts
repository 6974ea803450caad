// The blink example from the README: a task that blinks an LED three times
// while main waits for it.
import { createTask, sleep } from "taskloop";
import { runMain } from "taskloop/node";

function* blink(times: number) {
  for (let i = 0; i < times; i++) {
    console.log("LED ON");
    yield* sleep(0.5);
    console.log("LED OFF");
    yield* sleep(0.5);
  }
  return times;
}

function* main() {
  const t = createTask(blink(3));
  const n = yield* t; // await the task: its return value, or its error re-thrown
  console.log("blinked", n);
}

await runMain(main());
