#!/usr/bin/env node
'use strict';
// Compiled by `npm install` (the prepare script). Exit codes: see CONTRACTS.md.
const { main } = require('../dist/cli/main.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
