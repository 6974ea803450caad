// The event-loop blog, first program: say hello every second, forever.
// Run: npx tsx examples/blog/01-hello-every-second.ts  (Ctrl-C to stop)
import { sleep, type Coro } from "taskloop";
import { runMain } from "taskloop/node";
import { isMain, print, type Log } from "../_runner.ts";

export function* hello(log: Log = print, times = Infinity): Coro<void> {
  for (let i = 0; i < times; i++) {
    log("Hello, world!");
    yield* sleep(1);
  }
}

export const main = hello;

if (isMain(import.meta)) await runMain(hello());
