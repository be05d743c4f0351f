import fs from 'node:fs';
import path from 'node:path';
import { buildContrl } from '../../src/acks/edifact-acks';
import { buildX12Acks } from '../../src/acks/x12-acks';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { requireProfiles } from '../../src/partners/require-profiles';
import { PROFILES } from '../helpers';
import { readEdifact, readX12 } from '../peer-readers';
import { describePublicSamples, publicSampleFiles } from '../public-samples';

/**
 * The acknowledgment we would send for every public sample, read back by readers we did not write
 * (node-x12, the `edifact` package), and every error position in it checked against the subject
 * file as those readers see it. Each sample is validated against the standard alone (no receiver
 * check), and answered as a partner that wants every acknowledgment, so that every file gets one.
 */
const NOW = new Date(Date.UTC(2026, 11, 6, 10, 0));
const partners = requireProfiles(PROFILES);
const acme = partners.get('acme-retail')!;
const nordmart = partners.get('nordmart')!;
const X12_PARTNER = { ...acme, acknowledgments: { ...acme.acknowledgments, send: ['TA1', '997', '999'] as typeof acme.acknowledgments.send } };
const SELF_X12 = { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' };
const SELF_EDIFACT = { id: '5790000000001', qualifier: '14' };

/** Codes that fault a value that is there (so the position must point at a non-empty element). */
const X12_VALUE_CODES = new Set(['4', '5', '6', '7', '8', '9', '10', '12', '13']);
const EDIFACT_VALUE_CODES = new Set(['12', '21', '37', '39', '40']);

const x12Files = publicSampleFiles('x12');
const edifactFiles = publicSampleFiles('edifact');
const rel = (f: string) => path.basename(path.dirname(f)) + '/' + path.basename(f);

describePublicSamples('acknowledgments for the public X12 samples, read back by node-x12', () => {
  it('has the X12 samples to answer', () => expect(x12Files.length).toBeGreaterThan(50));
  // A loop, not it.each: without ../shared the list is empty, and it.each refuses an empty table.
  for (const file of x12Files) it(rel(file), () => {
    const bytes = fs.readFileSync(file);
    const result = validateX12Bytes(bytes, {});
    for (const ic of result.interchanges) {
      const acks = buildX12Acks(ic, { self: SELF_X12, partner: X12_PARTNER, controlNumbers: { interchange: 7, group: 9 }, now: NOW });
      const text = acks.text!;
      expect(text).toBeDefined();
      // The ISA is 106 characters, its terminator the last.
      const terminator = text[105];
      const sep = text[3];
      const esc = sep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // Nothing but the terminator and one line end between segments: no empty segments.
      const segments = text.split(terminator).map((s) => s.replace(/^\r?\n/, ''));
      expect(segments.pop()).toBe('');
      for (const s of segments) expect(s).toMatch(new RegExp(`^[A-Z][A-Z0-9]{1,2}${esc}`));
      // Every segment is ASCII printable: a U+2026 terminator or a wrapped ISA10 is not copied.
      for (const s of segments) expect(s).toMatch(/^[\x20-\x7e]*$/);
      // node-x12 does not read a TA1 (it throws "TA1 segment cannot appear outside of a functional
      // group"): its envelope checks run on the rest, and the TA1 is matched against its layout here.
      // It refuses an interchange with no group too, so a TA1 alone is checked here: IEA01 0, IEA02 = ISA13.
      const ta1 = segments.find((s) => s.startsWith(`TA1${sep}`))?.split(sep);
      if (ta1) expect(ta1.join('*')).toMatch(/^TA1\*\d{9}\*\d{6}\*\d{4}\*[AER]\*\d{3}$/);
      if (!acks.spec!.groups.length) {
        expect(segments.map((seg) => seg.slice(0, 3))).toEqual(['ISA', 'TA1', 'IEA']);
        expect(segments[2]).toBe(['IEA', '0', segments[0].split(sep)[13]].join(sep));
        continue;
      }
      const peer = readX12(segments.filter((seg) => !seg.startsWith(`TA1${sep}`)).map((seg) => `${seg}${terminator}`).join('\n'));
      expect(peer.functionalGroups.length).toBe(acks.spec!.groups.length);
      for (const group of peer.functionalGroups) {
        for (const set of group.transactions) {
          // node-x12 counts the set's segments; SE01 must say the same (ST and SE included).
          expect(Number(set.trailer.elements[0].value)).toBe(set.segments.length + 2);
          const lines = set.segments.map((s) => [s.tag, ...s.elements.map((e) => e.value)].join(sep));
          expect(new Set(lines.filter((l) => /^(AK4|IK4)/.test(l))).size).toBe(lines.filter((l) => /^(AK4|IK4)/.test(l)).length);
        }
      }
      checkX12Positions(bytes, sep, segments);
    }
  });
});

/** Each AK4/IK4 whose code faults a present value points at that value in the subject set (node-x12's reading of it). */
function checkX12Positions(subject: Buffer, sep: string, ackSegments: string[]): void {
  let subjectSets: string[][][] = [];
  try {
    const peer = readX12(subject.toString('latin1'));
    subjectSets = peer.functionalGroups.flatMap((g) => g.transactions.map((t) => [['ST', ...t.header.elements.map((e) => e.value)],
      ...t.segments.map((s) => [s.tag, ...s.elements.map((e) => e.value)])]));
  } catch {
    return; // node-x12 cannot read this subject (its envelope is broken): nothing to point into
  }
  let set = -1;
  let segment: string[] | undefined;
  for (const line of ackSegments) {
    const [tag, ...el] = line.split(sep);
    if (tag === 'AK2') set++;
    if (tag === 'AK3' || tag === 'IK3') segment = subjectSets[set]?.[Number(el[1]) - 1];
    if ((tag === 'AK4' || tag === 'IK4') && segment && X12_VALUE_CODES.has(el[2])) {
      const [position] = el[0].split(/[^0-9]/).map(Number);
      // AK3's position counts ST as 1, as node-x12's list (ST first) does; AK401 counts from the tag.
      expect(segment[position]).toBeTruthy();
    }
  }
}

describePublicSamples('CONTRLs for the public EDIFACT samples, read back by the edifact package', () => {
  it('has the EDIFACT samples to answer', () => expect(edifactFiles.length).toBeGreaterThan(30));
  for (const file of edifactFiles) it(rel(file), () => {
    const bytes = fs.readFileSync(file);
    const result = validateEdifactBytes(bytes, {});
    for (const ic of result.interchanges) {
      const acks = buildContrl(ic, { self: SELF_EDIFACT, partner: nordmart, controlNumbers: { interchange: 7, message: 9 }, now: NOW });
      // Always a CONTRL: the partner wants one, whatever the interchange's own character set allows.
      expect(acks.bytes).toBeDefined();
      const latin1 = acks.bytes!.toString(/^UNO[WY]$/.test(acks.spec!.syntax.id) ? 'utf8' : 'latin1');
      const peer = readEdifact(latin1);
      expect(peer.map((s) => s.name)).toEqual(expect.arrayContaining(['UNB', 'UNH', 'UCI', 'UNT', 'UNZ']));
      for (const s of peer) expect(s.name).toMatch(/^[A-Z]{3}$/);
      const unh = peer.find((s) => s.name === 'UNH')!;
      expect(unh.elements[1].slice(0, 4)).toEqual(ic.unb.syntaxVersion === '4' ? ['CONTRL', '4', '1', 'UN'] : ['CONTRL', 'D', '3', 'UN']);
      const unt = peer.find((s) => s.name === 'UNT')!;
      expect(Number(unt.elements[0][0])).toBe(peer.filter((s) => !['UNA', 'UNB', 'UNZ'].includes(s.name)).length);
      // Mandatory copies are never empty: UNB recipient, UCI 0020, S002 and S003.
      const uci = peer.find((s) => s.name === 'UCI')!;
      for (const i of [0, 1, 2]) expect(uci.elements[i][0]).toBeTruthy();
      expect(peer.find((s) => s.name === 'UNB')!.elements[2][0]).toBeTruthy();
      checkEdifactPositions(ic.unb.syntaxId, bytes, peer);
    }
  });
});

/** Each UCD whose code faults a present value points (0098 counting the tag as 1) at a non-empty element of the subject segment. */
function checkEdifactPositions(syntaxId: string, subject: Buffer, contrl: { name: string; elements: string[][] }[]): void {
  let messages: { ref: string; segments: { name: string; elements: string[][] }[] }[] = [];
  try {
    const segs = readEdifact(subject.toString(/^UNO[WY]$/.test(syntaxId) ? 'utf8' : 'latin1'));
    for (const s of segs) {
      if (s.name === 'UNH') messages.push({ ref: s.elements[0][0], segments: [] });
      messages[messages.length - 1]?.segments.push(s);
    }
  } catch {
    messages = [];
  }
  let message: { name: string; elements: string[][] }[] | undefined;
  let segment: { name: string; elements: string[][] } | undefined;
  for (const s of contrl) {
    if (s.name === 'UCM') message = messages.find((m) => m.ref === s.elements[0][0])?.segments;
    if (s.name === 'UCS') segment = message?.[Number(s.elements[0][0]) - 1];
    if (s.name === 'UCD' && segment && EDIFACT_VALUE_CODES.has(s.elements[0][0])) {
      const [position, component] = s.elements[1].map(Number);
      const element = segment.elements[position - 2];
      expect(element).toBeDefined();
      expect(element[(component || 1) - 1]).toBeTruthy();
    }
  }
}
