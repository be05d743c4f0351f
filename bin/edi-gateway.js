#!/usr/bin/env node
'use strict';
// Compiled by `npm install` (the prepare script). Exit codes: see CONTRACTS.md.
// The daemon owns SIGTERM/SIGINT from its first line, before the CLI's modules load (a signal
// while they load would otherwise kill it mid-start): src/daemon/signals.ts.
const { commandName } = require('../dist/cli/command-name.js');
if (commandName(process.argv.slice(2)) === 'run') require('../dist/daemon/signals.js').holdSignals();
const { main } = require('../dist/cli/main.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
