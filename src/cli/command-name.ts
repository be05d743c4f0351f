// Kept free of imports: bin/edi-gateway.js reads the command name before anything else loads.

/** Global options that take a value: their value is not the command name. */
const GLOBAL_WITH_VALUE = new Set(['--config', '--profiles']);

/** The command named on the command line (the first word that is not an option), if any. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (GLOBAL_WITH_VALUE.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}
