"use strict";
module.exports = require("./load.cjs")("taskloop/net", () => require("../dist/net/index.js"));
