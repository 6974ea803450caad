"use strict";
module.exports = require("./load.cjs")("taskloop/node", () => require("../dist/node/index.js"));
