/**
 * MQTT topic names and topic filters: checking them before they reach the
 * broker (which would only drop the connection), and matching a topic against
 * a filter.
 *
 * A topic name (what `publish` sends to) is 1 to 65,535 bytes of UTF-8
 * without U+0000 and without the wildcards `+` and `#`. A topic filter (what
 * `subscribe` listens to) may use `+` for exactly one whole level
 * (`sensors/+/temp`) and `#` as the whole last level (`sensors/#`).
 */
import { describeValue } from "../core/host.ts";

const MAX_TOPIC_BYTES = 65_535;
const encoder = new TextEncoder();

function checkString(value: unknown, what: string, kind: string, example: string): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${what} must be a ${kind} string like "${example}", got ${describeValue(value)}`);
  if (value.length === 0) throw new TypeError(`${what} must not be empty: a ${kind} has at least one character, like "${example}"`);
  if (value.includes("\u0000")) throw new TypeError(`${what} must not contain the character U+0000, got ${JSON.stringify(value)}`);
  if (value.length * 3 > MAX_TOPIC_BYTES && encoder.encode(value).length > MAX_TOPIC_BYTES) {
    throw new RangeError(`${what} is longer than MQTT allows (65,535 bytes of UTF-8)`);
  }
}

/**
 * @internal throws a TypeError naming `what` unless `topic` is a valid topic
 * name to publish to.
 */
export function checkTopicName(topic: unknown, what: string): asserts topic is string {
  checkString(topic, what, "topic", "sensors/kitchen/temp");
  const wildcard = topic.search(/[+#]/);
  if (wildcard !== -1) {
    throw new TypeError(
      `${what} must not contain the wildcard "${topic[wildcard]}": wildcards belong in subscribe() filters; publish to one concrete topic, got ${JSON.stringify(topic)}`,
    );
  }
}

/**
 * @internal throws a TypeError naming `what` unless `filter` is a valid topic
 * filter to subscribe to.
 */
export function checkTopicFilter(filter: unknown, what: string): asserts filter is string {
  checkString(filter, what, "topic filter", "sensors/+/temp");
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) {
      throw new TypeError(`${what}: "#" must be a whole level and the last one (like "sensors/#"), got ${JSON.stringify(filter)}`);
    }
    if (level.includes("+") && level !== "+") {
      throw new TypeError(`${what}: "+" must be a whole level (like "sensors/+/temp", not "sensors/a+/temp"), got ${JSON.stringify(filter)}`);
    }
  }
  if (levels[0] === "$share") {
    if (levels.length < 3 || levels[1] === "" || levels[1]!.includes("+") || levels[1]!.includes("#")) {
      throw new TypeError(`${what}: a shared subscription reads "$share/<group>/<filter>", with a group name without wildcards, got ${JSON.stringify(filter)}`);
    }
  }
}

/**
 * @internal whether `topic` matches `filter` (MQTT 3.1.1 §4.7): a filter
 * starting with a wildcard does not match topics starting with `$`.
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.startsWith("$share/") ? filter.split("/").slice(2).join("/") : filter;
  if (topic.startsWith("$") && (f.startsWith("+") || f.startsWith("#"))) return false;
  const fl = f.split("/");
  const tl = topic.split("/");
  for (let i = 0; i < fl.length; i++) {
    const level = fl[i];
    if (level === "#") return true;
    if (i >= tl.length) return false;
    if (level !== "+" && level !== tl[i]) return false;
  }
  return fl.length === tl.length;
}
