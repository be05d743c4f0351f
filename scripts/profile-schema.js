#!/usr/bin/env node
// Writes partner-profiles/profile.schema.json from the zod schema (run after `npm run build`).
// A unit test fails when the committed file is out of date.
const fs = require('node:fs');
const path = require('node:path');
const { profileJsonSchemaText } = require('../dist/partners/profile-json-schema');

const out = path.join(__dirname, '..', 'partner-profiles', 'profile.schema.json');
fs.writeFileSync(out, profileJsonSchemaText());
process.stdout.write(`${out}\n`);
