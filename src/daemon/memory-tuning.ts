import v8 from 'node:v8';

/**
 * V8 settings for the long-running daemon, set before the embedded store compiles PGlite.
 *
 * --liftoff-only: PGlite's WebAssembly stays on V8's baseline compiler instead of also keeping
 *   optimised copies of its hot functions (about 70 MB of code for PostgreSQL's).
 * --optimize-for-size: V8 collects garbage before its heap grows to hundreds of MB; a 50 MB file's
 *   translation otherwise lets 200 MB of dead objects pile up between collections.
 *
 * Measured with an 88,000-order (50 MB) 850 file through the whole pipeline on the embedded store
 * (bench/orders.bench.js): peak resident size 576 MB -> 350 MB, end to end 178 s -> 166 s (the
 * pipeline waits on the store and Odoo, not on PostgreSQL's compiled code). The CLI's one-shot
 * commands do not call this: validating a 1 GB file wants V8's fastest code and roomiest heap.
 */
export function tuneForLongRunning(): void {
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--optimize-for-size');
}
