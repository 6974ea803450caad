/**
 * taskloop/device: simulated hardware shaped like MicroPython's, so embedded
 * programs run and are tested on any machine, exactly, on the virtual clock.
 *
 * @example
 * ```ts
 * import { run, sleep } from "taskloop";
 * import { Pin } from "taskloop/device";
 *
 * const led = new Pin("LED", Pin.OUT);
 * await run(function* () { for (let i = 0; i < 10; i++) { led.toggle(); yield* sleep(0.5); } }, { clock: "virtual" });
 * console.log(led.history.length); // 10
 * ```
 */
export { Pin, type Level, type PinChange, type PinIrqHandler, type PinOptions } from "./pin.ts";
export { Pushbutton, type PushbuttonOptions } from "./pushbutton.ts";
export { Switch, type SwitchOptions } from "./switch.ts";
export { DHT22, OSError, type DHT22Options } from "./dht22.ts";
export type { Handler } from "./debounce.ts";
