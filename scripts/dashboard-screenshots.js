#!/usr/bin/env node
// Refreshes docs/dashboard-*.png: runs the dashboard's browser test (test/integration/dashboard.test.ts),
// which takes a screenshot of each page, with DASHBOARD_SCREENSHOTS=docs so they land in docs/.
const { spawnSync } = require('child_process');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning',
  path.join(repo, 'node_modules/jest/bin/jest.js'), '--maxWorkers=1', 'test/integration/dashboard.test.ts'],
{ cwd: repo, stdio: 'inherit', env: { ...process.env, DASHBOARD_SCREENSHOTS: 'docs' } });
process.exit(r.status ?? 1);
