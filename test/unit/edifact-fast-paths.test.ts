import fs from 'node:fs';
import { HAVE_PUBLIC_SAMPLES, PUBLIC_SAMPLES, publicSampleFiles } from '../public-samples';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { EdifactValidationContext } from '../../src/parsers/edifact/edifact-validator';
import { MessageStructure } from '../../src/parsers/edifact/message-structure';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import { readSegments } from '../../src/parsers/edifact/segment-reader';
import { validateEdifactBytes, validateEdifactStream } from '../../src/parsers/edifact/validate-stream';
import { PROFILES, REPO } from '../helpers';
// The benchmark's generator: the same ORDERS the throughput figures are measured on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ordersMessage } = require('../../bench/edifact-gen') as { ordersMessage: (n: number, bytes?: number) => string };

/**
 * MessageValidator answers from a compiled check (message-machine.ts, segment-checker.ts) while a
 * message is clean and from the full check (MessageStructure, validateCompiled) from the first
 * doubt on. The two must agree on every input: here real and generated interchanges, and thousands
 * of damaged copies of them, are validated both ways (ctx.fullCheck) and must give equal results.
 */

const SAMPLES = path.join(PUBLIC_SAMPLES, 'edifact');

/** A small deterministic generator, so that a failure can be run again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An interchange as text (bytes as latin1), cut into its UNA and segments, for damaging. */
interface Input {
  name: string;
  una: string;
  segments: string[];
  terminator: string;
  element: string;
  component: string;
  ctx: EdifactValidationContext;
}

const STANDARD: EdifactValidationContext = {};

function cut(name: string, bytes: Buffer, ctx: EdifactValidationContext = STANDARD): Input | undefined {
  const items = readSegments(bytes);
  const segs = items.filter((i): i is EdifactSegment => i.kind === 'segment');
  if (!segs.length) return undefined;
  const text = bytes.toString('latin1');
  const una = /^\s*(UNA.{6})/s.exec(text)?.[1] ?? '';
  const s = segs[0].syntax.separators;
  const ch = (b: number) => String.fromCharCode(b);
  return { name, una, segments: segs.map((g) => g.buf.toString('latin1', g.start, g.end)), terminator: ch(s.segment),
    element: ch(s.element), component: ch(s.component), ctx };
}

const bytesOf = (input: Input, segments: string[]) =>
  Buffer.from(`${input.una}${segments.map((g) => `${g}${input.terminator}`).join('\n')}\n`, 'latin1');

function publicSamples(): Input[] {
  return publicSampleFiles('edifact').map((f) => cut(`public ${path.relative(SAMPLES, f)}`, fs.readFileSync(f))).filter((i): i is Input => !!i);
}

const { profiles } = loadProfiles(PROFILES);
const partners = new PartnerRegistry(profiles);
const NORDMART: EdifactValidationContext = { self: { id: '5790000000001', qualifier: '14' }, partners };

/** The benchmark's ORDERS (EANCOM subset, from nordmart), and variants of their dress. */
function generated(): Input[] {
  const messages = [1, 2, 77, 12345].map((n) => ordersMessage(n, 600 + (n % 7) * 300)).join('');
  const unb = (syntax: string) => `UNB+${syntax}+5412345000013:14+5790000000001:14+${syntax.endsWith('4') ? '20261127' : '261127'}:1200+BENCH1'\n`;
  const interchange = (syntax: string, body: string) => `${unb(syntax)}${body}UNZ+4+BENCH1'\n`;
  const out = [
    cut('generated UNOC:3', Buffer.from(interchange('UNOC:3', messages), 'latin1'), NORDMART),
    cut('generated UNOC:3, no partners', Buffer.from(interchange('UNOC:3', messages), 'latin1')),
    cut('generated UNOC:4', Buffer.from(interchange('UNOC:4', messages), 'latin1'), NORDMART),
    // UTF-8 names, and a release character in a name.
    cut('generated UNOW:3', Buffer.from(interchange('UNOW:3', messages.replace(/NORDMART RETAIL AB/g, 'NORDMÄRT RETAIL ÅB ?+ CO')), 'utf8'), NORDMART),
    // Other service characters, advised by a UNA.
    cut('generated UNA', Buffer.from(`UNA|*.# ~${interchange('UNOC:3', messages).replace(/\+/g, '*').replace(/:/g, '|').replace(/'/g, '~')}`, 'latin1'), NORDMART),
    // Two interchanges of a group each.
    cut('generated UNG', Buffer.from(`${unb('UNOC:3')}UNG+ORDERS+5412345000013+5790000000001+261127:1200+1+UN+D:96A'\n${messages}UNE+4+1'\nUNZ+1+BENCH1'\n`
      + `${unb('UNOC:3').replace('BENCH1', 'BENCH2')}${messages}UNZ+4+BENCH2'\n`, 'latin1'), NORDMART),
  ];
  return out.filter((i): i is Input => !!i);
}

function partnerSamples(): Input[] {
  const dir = path.join(REPO, 'partner-profiles', 'nordmart', 'samples');
  const files = ['inbound/ORDERS-dc-order.edi', 'inbound/ORDERS-dc-order.expected-ack.edi', 'outbound/DESADV-pallet.expected.edi', 'outbound/INVOIC-invoice.expected.edi'];
  return files.filter((f) => fs.existsSync(path.join(dir, f))).map((f) => cut(`nordmart ${f}`, fs.readFileSync(path.join(dir, f)), NORDMART))
    .filter((i): i is Input => !!i);
}

const PIECES = ['+', ':', '?', "'", '*', '|', '~', 'A', 'z', '9', '0', '.', ',', '-', ' ', '\x01', '\x1d', 'é', 'ZZZZ', 'XX', '999',
  '9999999999999999999', '-1.5', '1,5', '1.', '.5', 'UNH', 'LIN'];

/** One damaged copy: a byte changed, added or lost, an element emptied or added, a segment lost, doubled or moved, a count wrong. */
function damage(input: Input, segments: string[], rnd: () => number): string[] {
  const out = [...segments];
  const pick = (n: number) => Math.floor(rnd() * n);
  const i = pick(out.length);
  const t = out[i];
  const at = pick(t.length + 1);
  const piece = PIECES[pick(PIECES.length)];
  switch (pick(11)) {
    case 0: out[i] = t.slice(0, at) + t.slice(at + 1); break;
    case 1: out[i] = t.slice(0, at) + piece + t.slice(at); break;
    case 2: out[i] = t.slice(0, at) + String.fromCharCode(pick(256)) + t.slice(at + 1); break;
    case 3: { // an element or component emptied or replaced
      const els = t.split(input.element);
      const k = 1 + pick(Math.max(1, els.length - 1));
      const comps = (els[k] ?? '').split(input.component);
      comps[pick(comps.length)] = rnd() < 0.5 ? '' : piece;
      els[k] = comps.join(input.component);
      out[i] = els.join(input.element);
      break;
    }
    case 4: out.splice(i, 1); break;
    case 5: out.splice(i, 0, t); break;
    case 6: { const j = pick(out.length); [out[i], out[j]] = [out[j], out[i]]; break; }
    case 7: out[i] = `${t}${input.element.repeat(1 + pick(3))}${piece}`; break;
    case 8: { // a trailer's count one off
      const k = out.findIndex((g, j) => j >= i && /^UN[TEZ]/.test(g));
      if (k >= 0) out[k] = out[k].replace(/^(UN[TEZ].)(\d+)/, (_, head: string, n: string) => `${head}${Number(n) + (rnd() < 0.5 ? 1 : -1)}`);
      break;
    }
    case 9: { // a run of segments repeated (a group repeated, too many times perhaps)
      const n = 1 + pick(6);
      out.splice(i, 0, ...out.slice(i, i + n), ...out.slice(i, i + n));
      break;
    }
    default: out.splice(pick(out.length), 0, out.splice(i, 1)[0]);
  }
  return out;
}

function bothWays(bytes: Buffer, ctx: EdifactValidationContext) {
  return { fast: validateEdifactBytes(bytes, ctx), full: validateEdifactBytes(bytes, { ...ctx, fullCheck: true }) };
}

const messageCount = (r: ReturnType<typeof validateEdifactBytes>) =>
  r.report.interchanges.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.setCount, 0), 0);

describe('the fast message check agrees with the full one', () => {
  const inputs = [...publicSamples(), ...generated(), ...partnerSamples()];

  it('finds inputs to work on: every public sample, the generated ORDERS and nordmart\'s files', () => {
    expect(inputs.filter((i) => i.name.startsWith('public')).length).toBeGreaterThanOrEqual(HAVE_PUBLIC_SAMPLES ? 45 : 0);
    expect(inputs.filter((i) => i.name.startsWith('generated')).length).toBe(6);
    expect(inputs.filter((i) => i.name.startsWith('nordmart')).length).toBeGreaterThanOrEqual(3);
  });

  it('gives the same result for every input as written', () => {
    for (const input of inputs) {
      const bytes = input.name.startsWith('public') ? fs.readFileSync(path.join(SAMPLES, input.name.slice(7))) : bytesOf(input, input.segments);
      const { fast, full } = bothWays(bytes, input.ctx);
      expect({ name: input.name, result: fast }).toEqual({ name: input.name, result: full });
    }
  });

  it('passes clean messages without the full check, which is what makes it a shortcut', () => {
    const place = jest.spyOn(MessageStructure.prototype, 'place');
    try {
      let clean = 0;
      for (const input of inputs) {
        place.mockClear();
        const { fast } = bothWays(bytesOf(input, input.segments), input.ctx);
        // fullCheck placed each segment of each message once; the fast check none of a clean message's.
        const all = place.mock.calls.length;
        place.mockClear();
        validateEdifactBytes(bytesOf(input, input.segments), input.ctx);
        if (fast.report.ok && input.name.startsWith('generated')) {
          expect({ name: input.name, placedInFull: place.mock.calls.length }).toEqual({ name: input.name, placedInFull: 0 });
          expect(all).toBeGreaterThan(0);
          clean += messageCount(fast);
        }
      }
      expect(clean).toBeGreaterThanOrEqual(16);
    } finally {
      place.mockRestore();
    }
  });

  it('gives the same result for thousands of damaged copies', () => {
    const rnd = prng(20261127);
    let faulty = 0;
    let runs = 0;
    for (const input of inputs) {
      const copies = input.name.startsWith('generated') ? 300 : 60;
      for (let k = 0; k < copies; k++) {
        let segments = damage(input, input.segments, rnd);
        if (rnd() < 0.3) segments = damage(input, segments, rnd);
        const bytes = bytesOf(input, segments);
        const { fast, full } = bothWays(bytes, input.ctx);
        runs++;
        if (!full.report.ok) faulty++;
        if (!equal(fast, full)) expect({ name: input.name, segments, result: fast }).toEqual({ name: input.name, segments, result: full });
      }
    }
    expect(runs).toBeGreaterThan(HAVE_PUBLIC_SAMPLES ? 4000 : 1000);
    expect(faulty).toBeGreaterThan(HAVE_PUBLIC_SAMPLES ? 2000 : 500);
  });

  it('leaves a message longer than it holds to the full check, and still agrees', () => {
    const long = ordersMessage(9, 180_000);
    expect(long.split('\n').length).toBeGreaterThan(4096);
    const text = `UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+LONG'\n${long}${long.replace(/^(.*)LIN\+3\+\+/m, '$1LIN+3+X+')}UNZ+2+LONG'\n`;
    const { fast, full } = bothWays(Buffer.from(text, 'latin1'), NORDMART);
    expect(fast).toEqual(full);
    expect(fast.report.interchanges[0].groups[0]).toMatchObject({ setCount: 2 });
  });
});

/** Deep equality without building jest's diff for each of thousands of copies. */
function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('validating a stream', () => {
  it('gives what validating the same bytes at once gives, reads of any size, messages in error included', async () => {
    const body = Array.from({ length: 300 }, (_, i) => {
      const m = ordersMessage(i + 1);
      return i % 37 === 5 ? m.replace("QTY+21:", "QTY+21:X") : m;
    }).join('');
    const bytes = Buffer.from(`UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+S1'\n${body}UNZ+300+S1'\n`, 'latin1');
    expect(bytes.length).toBeGreaterThan(4 * 65536);
    const whole = validateEdifactBytes(bytes, { ...NORDMART, keepAcceptedSets: false });
    expect(whole.report.interchanges[0].groups[0]).toMatchObject({ setCount: 300, acceptedCount: 300 - 8 });
    for (const size of [1 << 20, 65536 + 17, 4093]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const streamed = await validateEdifactStream(Readable.from(chunks), { ...NORDMART, keepAcceptedSets: false });
      expect(streamed.report).toEqual(whole.report);
    }
  });
});
