"use strict";
// The `require` side of every entry: Node.js 20.19+ / 22.12+ can require() the
// ES module itself; older versions get a message that says what to do.
module.exports = function load(entry, requireEsm) {
  try {
    return requireEsm();
  } catch (error) {
    if (error && error.code === "ERR_REQUIRE_ESM") {
      throw new Error(
        `taskloop is an ES module and this Node.js (${process.version}) cannot require() it. ` +
          `Use \`import ... from "${entry}"\` (or \`await import("${entry}")\` in CommonJS), or Node.js 20.19+ / 22.12+, which can require() ES modules.`,
        { cause: error },
      );
    }
    throw error;
  }
};
