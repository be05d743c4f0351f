import fs from 'node:fs';
import path from 'node:path';
import { HAVE_PUBLIC_SAMPLES, publicSampleFiles } from '../public-samples';

/**
 * The inputs the mutators start from: every sample of our own (partner-profiles/<id>/samples) and
 * every public sample beside the repository (../shared/samples/public, read where it is: its
 * licenses are not ours). Without the public samples the fuzzers still run, on ours alone.
 */
export type SeedKind = 'x12' | 'edifact' | 'xml' | 'json';

export interface Seed {
  /** Where it came from, short: `acme-retail/850-store-order.edi`, `public/x12/850/node-x12__850.edi`. */
  name: string;
  kind: SeedKind;
  bytes: Buffer;
  origin: 'own' | 'public';
}

const PROFILES = path.resolve(__dirname, '../../partner-profiles');

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** X12 or EDIFACT by the first characters (after a BOM and white space), as the sniffer decides. */
function ediKind(bytes: Buffer): SeedKind | undefined {
  const head = bytes.subarray(0, 64).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '').trimStart();
  if (head.startsWith('ISA')) return 'x12';
  if (head.startsWith('UNA') || head.startsWith('UNB')) return 'edifact';
  return undefined;
}

/**
 * Our samples: every EDI file (inbound ones, the acks we expect to send, the outbound ones we
 * expect to render: all are X12 or EDIFACT a reader must survive), inbound cXML and inbound JSON.
 * Canonical JSON (outbound inputs, expected documents) is no received input and is left out.
 */
function ownSeeds(): Seed[] {
  const out: Seed[] = [];
  for (const partner of fs.readdirSync(PROFILES).sort()) {
    for (const file of walk(path.join(PROFILES, partner, 'samples'))) {
      const rel = path.relative(path.join(PROFILES, partner, 'samples'), file);
      const name = `${partner}/${path.basename(file)}`;
      const bytes = fs.readFileSync(file);
      if (/\.edi$/i.test(file)) {
        const kind = ediKind(bytes);
        if (kind) out.push({ name, kind, bytes, origin: 'own' });
      } else if (/^inbound[/\\][^/\\]+\.xml$/i.test(rel)) out.push({ name, kind: 'xml', bytes, origin: 'own' });
      else if (/^inbound[/\\][^/\\]+\.json$/i.test(rel) && !/\.expected\.json$/i.test(rel)) out.push({ name, kind: 'json', bytes, origin: 'own' });
    }
  }
  return out;
}

function publicSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const sub of ['x12', 'edifact'] as const) {
    for (const file of publicSampleFiles(sub)) {
      seeds.push({ name: `public/${sub}/${path.relative(path.dirname(path.dirname(file)), file)}`, kind: sub, bytes: fs.readFileSync(file), origin: 'public' });
    }
  }
  return seeds;
}

let cache: Seed[] | undefined;

/** Every seed, ours first; read once per process. */
export function allSeeds(): Seed[] {
  return (cache ??= [...ownSeeds(), ...(HAVE_PUBLIC_SAMPLES ? publicSeeds() : [])]);
}

export function seedsOf(...kinds: SeedKind[]): Seed[] {
  return allSeeds().filter((s) => kinds.includes(s.kind));
}

export { HAVE_PUBLIC_SAMPLES };
