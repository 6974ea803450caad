"use strict";
module.exports = require("./load.cjs")("taskloop", () => require("../dist/index.js"));
