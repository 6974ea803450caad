import { test } from "node:test";
import assert from "node:assert/strict";
import { checkTopicFilter, checkTopicName, topicMatches } from "../../src/mqtt/topic.ts";

test("a topic name with a wildcard is refused, naming the argument and the wildcard", () => {
  assert.throws(() => checkTopicName("sensors/+/temp", "publish(topic)"), {
    name: "TypeError",
    message: /publish\(topic\) must not contain the wildcard "\+"/,
  });
  assert.throws(() => checkTopicName("sensors/#", "publish(topic)"), { name: "TypeError", message: /wildcard "#"/ });
});

test("an empty topic, a non-string topic and a topic with U+0000 are refused", () => {
  assert.throws(() => checkTopicName("", "publish(topic)"), { name: "TypeError", message: /must not be empty/ });
  assert.throws(() => checkTopicName(42, "publish(topic)"), { name: "TypeError", message: /must be a topic string like "sensors\/kitchen\/temp", got 42/ });
  assert.throws(() => checkTopicName("a\u0000b", "publish(topic)"), { name: "TypeError", message: /U\+0000/ });
});

test("a topic longer than 65,535 bytes of UTF-8 is refused with a RangeError", () => {
  assert.throws(() => checkTopicName("é".repeat(40_000), "publish(topic)"), { name: "RangeError", message: /65,535 bytes/ });
  checkTopicName("a".repeat(65_535), "publish(topic)");
});

test("filters with # not alone or not last, or + sharing a level, are refused", () => {
  for (const bad of ["sensors/#/temp", "sensors/a#", "#/x", "sensors/a+/temp", "+a"]) {
    assert.throws(() => checkTopicFilter(bad, "subscribe(filter)"), { name: "TypeError", message: /subscribe\(filter\)/ }, bad);
  }
});

test("well-formed filters pass, shared subscriptions included", () => {
  for (const good of ["#", "+", "sensors/+/temp", "sensors/#", "+/+/#", "/", "$share/gw/sensors/#"]) checkTopicFilter(good, "subscribe(filter)");
  assert.throws(() => checkTopicFilter("$share/gw", "subscribe(filter)"), { message: /\$share\/<group>\/<filter>/ });
});

test("+ matches exactly one level and # the rest, including the parent level", () => {
  assert.equal(topicMatches("sensors/+/temp", "sensors/7/temp"), true);
  assert.equal(topicMatches("sensors/+/temp", "sensors/7/hum"), false);
  assert.equal(topicMatches("sensors/+/temp", "sensors/7/x/temp"), false);
  assert.equal(topicMatches("sensors/#", "sensors"), true);
  assert.equal(topicMatches("sensors/#", "sensors/7/temp"), true);
  assert.equal(topicMatches("sensors", "sensors/7"), false);
  assert.equal(topicMatches("+/+", "/x"), true);
});

test("a wildcard at the start does not match topics starting with $", () => {
  assert.equal(topicMatches("#", "$SYS/broker/uptime"), false);
  assert.equal(topicMatches("+/broker/uptime", "$SYS/broker/uptime"), false);
  assert.equal(topicMatches("$SYS/#", "$SYS/broker/uptime"), true);
});

test("a shared subscription matches by the filter after its group", () => {
  assert.equal(topicMatches("$share/gw/sensors/+", "sensors/3"), true);
});
