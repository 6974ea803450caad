"use strict";
module.exports = require("./load.cjs")("taskloop/device", () => require("../dist/device/index.js"));
