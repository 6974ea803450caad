"use strict";
module.exports = require("./load.cjs")("taskloop/mqtt", () => require("../dist/mqtt/index.js"));
