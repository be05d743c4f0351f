import fs from 'node:fs';
import { HAVE_PUBLIC_SAMPLES, PUBLIC_SAMPLES, publicSampleFiles } from '../public-samples';
import path from 'node:path';
import { ControlNumberSet } from '../../src/parsers/x12/control-numbers';
import { dictionaryFor, versionOf, type X12Dictionary } from '../../src/parsers/x12/definitions';
import { Readable } from 'node:stream';
import { readSegments, RawSegment } from '../../src/parsers/x12/segment-reader';
import { setIsClean } from '../../src/parsers/x12/set-machine';
import { explainSet, validateSet } from '../../src/parsers/x12/set-validator';
import { NO_TAG, tagCode, tagName } from '../../src/parsers/x12/tag-codes';
import { validateX12Bytes, validateX12Stream } from '../../src/parsers/x12/validate-stream';

/**
 * validateSet answers from a compiled check (set-machine.ts, segment-checker.ts) when a set is
 * clean and from the tree walk (explainSet) otherwise. The two must agree on every set: here real
 * and generated sets, and thousands of damaged copies of them, go through both.
 */

const SAMPLES = path.join(PUBLIC_SAMPLES, 'x12');

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

interface SampleSet {
  name: string;
  version: string;
  /** ISA text with its terminator, whose delimiters the set is written with. */
  isa: string;
  terminator: string;
  element: string;
  texts: string[];
}

/** Every ST..SE of the public samples whose version and set we have definitions for. */
function sampleSets(): SampleSet[] {
  const out: SampleSet[] = [];
  for (const file of publicSampleFiles('x12')) {
    const items = readSegments(fs.readFileSync(file));
    let version = '';
    let set: RawSegment[] | undefined;
    for (const item of items) {
      if (item.kind !== 'segment') continue;
      if (item.tag === 'GS') version = versionOf(item.elements[8] ?? '');
      if (item.tag === 'ST') set = [];
      if (!set) continue;
      set.push(item);
      if (item.tag !== 'SE') continue;
      const dict = dictionaryFor(version);
      const d = item.delimiters;
      if (dict?.sets.has(set[0].elements[1]) && d.segment !== '\n') {
        const isa = `ISA${d.element}00${d.element}          ${d.element}00${d.element}          ${d.element}ZZ${d.element}A              ${d.element}ZZ${d.element}B              ${d.element}261127${d.element}1200${d.element}${d.repetition ?? 'U'}${d.element}${d.repetition ? '00501' : '00401'}${d.element}000000001${d.element}0${d.element}P${d.element}${d.component}${d.segment}`;
        out.push({ name: path.relative(SAMPLES, file), version, isa, terminator: d.segment, element: d.element, texts: set.map((s) => s.text) });
      }
      set = undefined;
    }
  }
  return out;
}

/** The bench's 850 (bench/x12-gen.js), clean by construction, in 004010 and 005010 dress. */
function generated(n: number, version: string): SampleSet {
  const ctl = String(n).padStart(4, '0');
  const texts = [`ST*850*${ctl}`, `BEG*00*SA*PO${n}**20261127`, 'REF*DP*038', 'DTM*002*20261214',
    'N1*ST*XYZ RETAIL STORE 42*92*0042', 'N3*31875 SOLON RD', 'N4*SOLON*OH*44139',
    `PO1*1*120*EA*9.25**UP*0${String(n).padStart(11, '0')}*VN*AB3542`, 'PID*F****SMALL WIDGET',
    `PO1*2*24*CA*13.79**UP*0${String(n + 7).padStart(11, '0')}*VN*RD5322`, 'CTT*2', `SE*12*${ctl}`];
  const isa = version === '005010'
    ? 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*^*00501*000000001*0*P*>~'
    : 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~';
  return { name: `generated ${version} #${n}`, version, isa, terminator: '~', element: '*', texts };
}

function read(s: SampleSet, texts: string[]): RawSegment[] {
  const items = readSegments(Buffer.from(`${s.isa}${texts.map((t) => `${t}${s.terminator}`).join('')}`));
  return items.filter((i): i is RawSegment => i.kind === 'segment').slice(1);
}

const PIECES = ['*', '>', '^', ':', '|', '-', '.', 'A', 'z', '9', '0', ' ', '\x01', 'é', 'Ő', 'ZZ', '20260230', '2400', '-1.5'];

/** One damaged copy of a set: a character or element changed, or segments lost, doubled or moved. */
function damage(texts: string[], rnd: () => number, element: string): string[] {
  const out = [...texts];
  const pick = (n: number) => Math.floor(rnd() * n);
  const i = pick(out.length);
  const t = out[i];
  const at = pick(t.length + 1);
  switch (pick(8)) {
    case 0: out[i] = t.slice(0, at) + t.slice(at + 1); break;
    case 1: out[i] = t.slice(0, at) + PIECES[pick(PIECES.length)] + t.slice(at); break;
    case 2: { // one element emptied or replaced
      const els = t.split(element);
      const k = 1 + pick(Math.max(1, els.length - 1));
      els[k] = rnd() < 0.5 ? '' : PIECES[pick(PIECES.length)];
      out[i] = els.join(element);
      break;
    }
    case 3: out.splice(i, 1); break;
    case 4: out.splice(i, 0, t); break;
    case 5: { const j = pick(out.length); [out[i], out[j]] = [out[j], out[i]]; break; }
    case 6: out[i] = `${t}${element}${element}${PIECES[pick(PIECES.length)]}`; break;
    default: out.splice(pick(out.length), 0, out.splice(i, 1)[0]);
  }
  return out;
}

function dictFor(s: SampleSet): X12Dictionary {
  return dictionaryFor(s.version)!;
}

describe('the compiled set check agrees with the tree walk', () => {
  const sets = [...sampleSets(), ...[1, 2, 77, 12345].flatMap((n) => [generated(n, '004010'), generated(n, '005010')])];

  it('finds sets to work on: public samples of every version and set we define', () => {
    expect(sets.filter((s) => s.name.startsWith('generated')).length).toBe(8);
    // The public samples bring more set types; without ../shared the generated 850s are what is left.
    expect(new Set(sets.map((s) => s.texts[0].split(s.element)[1])).size).toBeGreaterThanOrEqual(HAVE_PUBLIC_SAMPLES ? 8 : 1);
  });

  it('gives the same result for every set as read', () => {
    let clean = 0;
    for (const s of sets) {
      const dict = dictFor(s);
      const segs = read(s, s.texts);
      const def = dict.sets.get(segs[0].elements[1])!;
      const walked = explainSet(segs, def, dict);
      expect({ name: s.name, result: validateSet(segs, def, dict) }).toEqual({ name: s.name, result: walked });
      // The fast check must pass what the walk passes, or it is no shortcut. It leaves repeated
      // elements (005010 CTX01, DMG05 with a repetition separator) to the walk, by design: they are rare.
      const repeated = segs.some((g) => ['CTX', 'DMG'].includes(g.tag) && g.delimiters.repetition && g.text.includes(g.delimiters.repetition));
      if (walked.segmentErrors.length === 0 && !repeated) {
        clean++;
        expect({ name: s.name, fast: setIsClean(segs, def, dict) }).toEqual({ name: s.name, fast: true });
      }
    }
    expect(clean).toBeGreaterThan(HAVE_PUBLIC_SAMPLES ? 10 : 4);
  });

  it('gives the same result for thousands of damaged copies', () => {
    const rnd = prng(20261127);
    let faulty = 0;
    for (const s of sets) {
      const dict = dictFor(s);
      for (let k = 0; k < 40; k++) {
        let texts = damage(s.texts, rnd, s.element);
        if (rnd() < 0.3) texts = damage(texts, rnd, s.element);
        const segs = read(s, texts);
        if (!segs.length) continue;
        const def = dict.sets.get(s.texts[0].split(s.element)[1])!;
        const walked = explainSet(segs, def, dict);
        if (walked.segmentErrors.length) faulty++;
        expect({ texts, result: validateSet(segs, def, dict) }).toEqual({ texts, result: walked });
      }
    }
    expect(faulty).toBeGreaterThan(HAVE_PUBLIC_SAMPLES ? 300 : 100);
  });

  it('leaves interchanges whose separators look like numbers to the walk, and still agrees', () => {
    const s = generated(5, '004010');
    const dashed: SampleSet = { ...s, isa: s.isa.replace('*>~', '*-~') };
    const dict = dictFor(dashed);
    const def = dict.sets.get('850')!;
    for (const texts of [s.texts, s.texts.map((t) => t.replace('*-1.5', '*1-5')), s.texts.map((t) => t.replace('9.25', '-9.25'))]) {
      const segs = read(dashed, texts);
      expect(setIsClean(segs, def, dict)).toBe(false);
      expect(validateSet(segs, def, dict)).toEqual(explainSet(segs, def, dict));
    }
    // '-9.25' in PO104 (R) holds the component separator '-': error 13, as the walk says.
    const negative = read(dashed, s.texts.map((t) => t.replace('9.25', '-9.25')));
    expect(validateSet(negative, def, dict).segmentErrors[0]?.elements[0]).toMatchObject({ element: 4, code: '13' });
  });
});

describe('ST02 control numbers seen in a group', () => {
  it('answers as a Set would, numbers in order, out of order, repeated, with leading zeros or letters', () => {
    const rnd = prng(7);
    const ours = new ControlNumberSet();
    const model = new Set<string>();
    const draw = (i: number) => {
      const r = rnd();
      if (r < 0.6) return String(1000 + i).padStart(4, '0'); // the usual: counting up
      if (r < 0.75) return String(Math.floor(rnd() * 3000)).padStart(4 + Math.floor(rnd() * 3), '0');
      if (r < 0.85) return `A${Math.floor(rnd() * 500)}X`;
      return String(1000 + Math.floor(rnd() * i + 1));
    };
    const answers: boolean[][] = [];
    for (let i = 0; i < 5000; i++) {
      const c = draw(i);
      answers.push([ours.has(c), model.has(c)]);
      if (i % 2) ours.add(c);
      else answers.push([ours.addAgain(c), model.has(c)]);
      model.add(c);
    }
    expect(answers.filter(([a, b]) => a !== b)).toEqual([]);
    expect(answers.filter(([, b]) => b).length).toBeGreaterThan(100);
    for (const c of ['0001', '001', '1', '999999999', '0000000000', 'ABCD']) expect(ours.has(c)).toBe(model.has(c));
    ours.clear();
    expect(ours.has('1000')).toBe(false);
  });
});

describe('segment tags as numbers', () => {
  it('numbers every tag of one to three letters or digits, and nothing else', () => {
    const tags = ['A', 'N1', 'N9', 'ISA', 'IEA', 'ZZZ', '999', 'PO1', 'PO4', 'LH1'];
    const codes = tags.map(tagCode);
    expect(new Set(codes).size).toBe(tags.length);
    expect(codes.map(tagName)).toEqual(tags);
    for (const bad of ['', 'ISAX', 'po1', 'N-1', 'É1']) expect(tagCode(bad)).toBe(NO_TAG);
  });
});

describe('validating a stream', () => {
  it('gives what validating the same bytes at once gives, reads of any size, sets in error included', async () => {
    const sets = Array.from({ length: 600 }, (_, i) => generated(i + 1, '004010').texts
      .map((t) => (i % 97 === 5 ? t.replace('*EA*', '*XX*') : t)).join('~\n'));
    const text = `${generated(1, '004010').isa}\nGS*PO*A*B*20261127*1200*1*X*004010~\n${sets.join('~\n')}~\nGE*600*1~\nIEA*1*000000001~\n`;
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(2 * 65536);
    const whole = validateX12Bytes(bytes, { keepAcceptedSets: false });
    expect(whole.report.interchanges[0].groups[0]).toMatchObject({ setCount: 600, acceptedCount: 600 - 7 });
    for (const size of [1 << 20, 65536 + 17, 4093]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const streamed = await validateX12Stream(Readable.from(chunks), { keepAcceptedSets: false });
      expect(streamed.report).toEqual(whole.report);
    }
  });
});
