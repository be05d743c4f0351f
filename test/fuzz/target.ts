import fc from 'fast-check';
import { describeThrown, fail } from './properties';
import { seedsOf, type SeedKind } from './seeds';

/**
 * One thing to fuzz: how its cases are planned (a fast-check arbitrary of small, printable plans),
 * how a plan becomes the input (not timed), and the code under test with its property (timed).
 * `run` throws a PropertyFailure on a violation and says whether the input was accepted.
 */
export interface FuzzTarget<P = any, I = any> {
  name: string;
  plans: fc.Arbitrary<P>;
  build(plan: P): I | Promise<I>;
  /** Bytes of input, for the time bound. */
  size(input: I): number;
  run(input: I): boolean | Promise<boolean>;
}

/** Runs code under test; anything it throws is a failure of the property, named with its class. */
export function guard<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    return fail(`${what} threw ${describeThrown(err)}`);
  }
}

export async function guardAsync<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    return fail(`${what} threw ${describeThrown(err)}`);
  }
}

/** Seeds of one kind as byte strings (one char per byte), read once. */
const texts = (kind: SeedKind) => {
  const seeds = seedsOf(kind);
  if (!seeds.length) throw new Error(`no ${kind} seeds`);
  return seeds.map((s) => s.bytes.toString('latin1'));
};
let x12Texts: string[] | undefined;
let edifactTexts: string[] | undefined;
let xmlTexts: string[] | undefined;
let jsonTexts: string[] | undefined;
export const x12Seeds = () => (x12Texts ??= texts('x12'));
export const edifactSeeds = () => (edifactTexts ??= texts('edifact'));
export const xmlSeeds = () => (xmlTexts ??= texts('xml'));
export const jsonSeeds = () => (jsonTexts ??= texts('json'));

/** The input cut into chunks of 1 to 8 KiB (as a stream would deliver it), from a seed. */
export function chunked(bytes: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let s = (seed >>> 0) || 1;
  for (let at = 0; at < bytes.length;) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const size = 1 + (s % 8192);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

export interface EdiInput { bytes: Buffer; chunk: number }
export const sizeOf = (i: { bytes: Buffer }) => i.bytes.length;
