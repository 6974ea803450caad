"use strict";
module.exports = require("./load.cjs")("taskloop/download", () => require("../dist/download/index.js"));
