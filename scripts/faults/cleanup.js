'use strict';
// What a fault run must undo however it ends: processes it started, the throwaway PostgreSQL
// cluster, scratch databases, temporary folders. Undone last-registered first, on a normal end, a
// failure, an uncaught error or SIGINT/SIGTERM/SIGHUP (a second signal exits at once). A SIGKILL
// of the runner itself cannot be caught: the sandbox Odoo then ends with its IPC channel, and the
// daemon of the moment and a throwaway cluster are left running (their folders under $TMPDIR).
const steps = [];
let running;

/** Registers `fn` (sync or async) to run at cleanup; returns a function that unregisters it. */
function onCleanup(name, fn) {
  const step = { name, fn };
  steps.push(step);
  return () => {
    const i = steps.indexOf(step);
    if (i >= 0) steps.splice(i, 1);
  };
}

async function runSteps(down) {
  while (steps.length > down) {
    const { name, fn } = steps.pop();
    try {
      await Promise.race([Promise.resolve().then(fn), new Promise((_, reject) => setTimeout(() => reject(new Error('took over 60 s')), 60_000).unref())]);
    } catch (err) {
      process.stderr.write(`faults: cleanup of ${name} failed: ${err.message}\n`);
    }
  }
}

/** Everything registered so far; cleanupTo(mark()) later undoes only what was registered since. */
const mark = () => steps.length;
const cleanupTo = (m) => runSteps(m);

function cleanup() {
  running ??= runSteps(0);
  return running;
}

let signalled = false;
function installHandlers() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (signalled) process.exit(130);
      signalled = true;
      process.stderr.write(`faults: ${sig}: cleaning up (again to exit at once)\n`);
      cleanup().finally(() => process.exit(130));
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`faults: uncaught: ${err.stack ?? err}\n`);
    cleanup().finally(() => process.exit(1));
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`faults: unhandled rejection: ${err?.stack ?? err}\n`);
    cleanup().finally(() => process.exit(1));
  });
}

module.exports = { onCleanup, cleanup, mark, cleanupTo, installHandlers };
