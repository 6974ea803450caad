import { getEventLoop } from "taskloop";

/** A log for an example that stamps each line with the loop time: "1500 LED off". */
export function transcript(): { log: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (line) => void lines.push(`${getEventLoop().time()} ${line}`) };
}

export const virtual = { clock: "virtual" } as const;

/** A pin history as "time:value" strings, easy to compare. */
export function changes(history: { time: number; value: number }[]): string[] {
  return history.map((c) => `${c.time}:${c.value}`);
}
