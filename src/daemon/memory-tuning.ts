import v8 from 'node:v8';

/**
 * V8 settings for the long-running daemon, set before the embedded store compiles PGlite.
 *
 * --liftoff-only: PGlite's WebAssembly stays on V8's baseline compiler instead of also keeping
 *   optimised copies of its hot functions (about 70 MB of code for PostgreSQL's).
 * --heap-growing-percent=20: V8 lets its heap grow by a fifth before the next full collection
 *   instead of up to four times; a 50 MB file's translation otherwise lets 200 MB of dead objects
 *   pile up between collections.
 *
 * Measured (20,000 orders through the whole pipeline on the embedded store, in-process, same
 * machine, back to back): default 17.1-17.6 s, peak 452-499 MB; --liftoff-only 14.6-19.0 s,
 * 372-405 MB; both 17.2 s, 301 MB. --optimize-for-size, tried first, held the heap lowest (265 MB)
 * but doubled the time (28-35 s). The CLI's one-shot commands do not call this: validating a 1 GB
 * file wants V8's fastest code and roomiest heap.
 */
export function tuneForLongRunning(): void {
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--heap-growing-percent=20');
}
