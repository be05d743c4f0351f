import { readSegments, EdifactSegmentReader } from '../../src/parsers/edifact/segment-reader';
import type { EdifactSegment, ReaderItem } from '../../src/parsers/edifact/segment';
import { encodeInterchange, writeInterchange, type EdifactInterchangeSpec } from '../../src/parsers/edifact/serializer';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { TEST_DEFINITIONS, orders } from '../edifact-fixtures';

const segmentsOf = (items: ReaderItem[]) => items.filter((s): s is EdifactSegment => s.kind === 'segment');
const values = (items: ReaderItem[]) => segmentsOf(items).map((s) => [s.tag, ...s.elements.slice(1)]);

/** Reads the bytes pushed in pieces cut at the given offsets. */
function readInPieces(bytes: Buffer, cuts: number[]): ReaderItem[] {
  const reader = new EdifactSegmentReader();
  const out: ReaderItem[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, cut), out);
    from = cut;
  }
  reader.end(out);
  return out;
}

describe('EDIFACT reader', () => {
  it('reads the ISO 9735 defaults when there is no UNA', () => {
    const items = readSegments(Buffer.from("UNB+UNOA:3+A:14+B:14+261127:1200+1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+1'"));
    expect(values(items)).toEqual([
      ['UNB', ['UNOA', '3'], ['A', '14'], ['B', '14'], ['261127', '1200'], ['1']],
      ['UNH', ['1'], ['ORDERS', 'D', '96A', 'UN']], ['UNT', ['2'], ['1']], ['UNZ', ['1'], ['1']],
    ]);
  });

  it('takes the service characters from the UNA, with or without newlines after the terminator', () => {
    const a = readSegments(Buffer.from("UNA=*.? ~UNB*UNOA=3*A=14*B*261127=1200*1~UNH*1*ORDERS=D=96A=UN~UNT*2*1~UNZ*1*1~"));
    const b = readSegments(Buffer.from("UNA=*.? ~\r\nUNB*UNOA=3*A=14*B*261127=1200*1~\r\n  UNH*1*ORDERS=D=96A=UN~\nUNT*2*1~\nUNZ*1*1~\n"));
    expect(values(a)).toEqual(values(b));
    expect(values(a)[0]).toEqual(['UNB', ['UNOA', '3'], ['A', '14'], ['B'], ['261127', '1200'], ['1']]);
  });

  it('reads the release character in every position: ?\' ?+ ?: ?? and ??? before a terminator', () => {
    const items = readSegments(Buffer.from("UNB+UNOA:3+A+B+261127:1200+1'FTX+A?'B+C?+D+E?:F+G??+H???'I+J??'UNZ+1+1'"));
    expect(values(items)[1]).toEqual(['FTX', ["A'B"], ['C+D'], ['E:F'], ['G?'], ["H?'I"], ['J?']]);
  });

  it('takes line breaks out of a segment (files hard-wrapped at a column)', () => {
    const items = readSegments(Buffer.from("UNB+UNOA:3+A+B+26\n1127:1200+1'FT\r\nX+SOME\nTEXT'UNZ+1+1'"));
    expect(values(items)[0][4]).toEqual(['261127', '1200']);
    expect(values(items)[1]).toEqual(['FTX', ['SOMETEXT']]);
  });

  it('decodes UNOC as ISO 8859-1, not UTF-8', () => {
    const latin1 = Buffer.from("UNB+UNOC:3+A+B+261127:1200+1'NAD+SU++Käse Müller S.à r.l.'UNZ+1+1'", 'latin1');
    expect(values(readSegments(latin1))[1]).toEqual(['NAD', ['SU'], [''], ['Käse Müller S.à r.l.']]);
    // The same text written as UTF-8 under UNOC is two ISO 8859-1 characters per letter, as declared.
    const utf8 = Buffer.from("UNB+UNOC:3+A+B+261127:1200+1'NAD+SU++Käse'UNZ+1+1'", 'utf8');
    expect(values(readSegments(utf8))[1][3]).toEqual(['KÃ¤se']);
  });

  it('decodes UNOE as ISO 8859-5 and UNOD as ISO 8859-2', () => {
    const cyr = Buffer.concat([Buffer.from("UNB+UNOE:3+A+B+261127:1200+1'FTX+"), Buffer.from([0xbb, 0xde, 0xe0]), Buffer.from("'UNZ+1+1'")]);
    expect(values(readSegments(cyr))[1]).toEqual(['FTX', ['Лор']]);
    const pl = Buffer.concat([Buffer.from("UNB+UNOD:3+A+B+261127:1200+1'FTX+"), Buffer.from([0xb3, 0xf3, 0xbf]), Buffer.from("'UNZ+1+1'")]);
    expect(values(readSegments(pl))[1]).toEqual(['FTX', ['łóż']]);
  });

  it('reads the repetition separator of syntax 4 (the default * without UNA), and * as data before syntax 4', () => {
    const v4 = readSegments(Buffer.from("UNB+UNOA:4+A+B+20261127:1200+1'COM+1:TE*2:FX'UNZ+1+1'"));
    const com = segmentsOf(v4)[1];
    expect(com.repetitions(1)).toEqual([['1', 'TE'], ['2', 'FX']]);
    const v3 = readSegments(Buffer.from("UNB+UNOA:3+A+B+261127:1200+1'COM+1:TE*2:FX'UNZ+1+1'"));
    expect(values(v3)[1]).toEqual(['COM', ['1', 'TE*2', 'FX']]);
  });

  it('uses each interchange\'s own UNA: two interchanges with different service characters in one file', () => {
    const text = "UNA:+.? 'UNB+UNOA:3+A+B+261127:1200+1'UNZ+0+1'\nUNA*@.? #UNB@UNOA*3@C@D@261127*1200@2#UNZ@0@2#\nUNB+UNOA:3+E+F+261127:1200+3'UNZ+0+3'";
    expect(segmentsOf(readSegments(Buffer.from(text))).map((s) => s.elements[2][0])).toEqual(['A', '1', 'C', '2', 'E', '3']);
  });

  describe('chunk boundaries', () => {
    const text = Buffer.from("UNA:+.? 'UNB+UNOW:3+A+B+261127:1200+1'FTX+WHY?'S+Ärger ✓ ok??'UNZ+1+1'", 'utf8');
    const whole = values(readSegments(text));

    it('gives the same segments wherever the input is cut (inside UNA, a release sequence, a multi-byte character)', () => {
      expect(whole[1]).toEqual(['FTX', ["WHY'S"], ['Ärger ✓ ok?']]);
      for (let cut = 1; cut < text.length; cut++) expect(values(readInPieces(text, [cut]))).toEqual(whole);
    });

    it('gives the same segments fed one byte at a time', () => {
      expect(values(readInPieces(text, Array.from({ length: text.length - 1 }, (_, i) => i + 1)))).toEqual(whole);
    });

    it('validates the same whole or in pieces (the validator sees the same segments)', () => {
      const bytes = Buffer.from(orders(), 'latin1');
      const direct = validateEdifactBytes(bytes, { definitions: TEST_DEFINITIONS }).report;
      expect(direct.ok).toBe(true);
      const reader = new EdifactSegmentReader();
      const out: ReaderItem[] = [];
      for (let i = 0; i < bytes.length; i += 7) reader.push(bytes.subarray(i, i + 7), out);
      reader.end(out);
      expect(segmentsOf(out).map((s) => s.raw)).toEqual(segmentsOf(readSegments(bytes)).map((s) => s.raw));
    });
  });

  it('reports a file that ends inside a segment, and never throws on garbage', () => {
    const items = readSegments(Buffer.from("UNB+UNOA:3+A+B+261127:1200+1'UNH+1+ORD"));
    expect(items.at(-1)).toMatchObject({ kind: 'error', code: '13' });
    for (const junk of ['', '\u0000\u0001', 'UNA', 'UNA:+', "'''", 'UNB', '????']) {
      expect(() => validateEdifactBytes(Buffer.from(junk), {})).not.toThrow();
      expect(validateEdifactBytes(Buffer.from(junk), {}).report.ok).toBe(false);
    }
  });
});

describe('EDIFACT serializer: escaping and round trip', () => {
  const spec: EdifactInterchangeSpec = {
    syntax: { id: 'UNOC', version: '3' }, sender: { id: '5790000000001', qualifier: '14' }, recipient: { id: '5412345000013', qualifier: '14' },
    date: new Date(Date.UTC(2026, 10, 27, 9, 30)), controlRef: '17', ackRequested: true,
    messages: [{ reference: '1', type: 'DESADV', version: 'D', release: '96A', agency: 'UN', association: 'EAN005', body: [
      ['BGM', '351', "SHIP'1+2:3?4", '9'],
      ['FTX', 'AAI', '', '', ['Käse: 10% + Brot', "l'été"]],
      ['CPS', '1'],
    ] }],
  };

  it('escapes every service character with the release character and reads back the same values', () => {
    const text = writeInterchange(spec);
    expect(text).toContain("BGM+351+SHIP?'1?+2?:3??4+9'");
    expect(text.startsWith('UNA')).toBe(false);
    const items = readSegments(encodeInterchange(text, 'UNOC'));
    expect(values(items)[2]).toEqual(['BGM', ['351'], ["SHIP'1+2:3?4"], ['9']]);
    expect(values(items)[3]).toEqual(['FTX', ['AAI'], [''], [''], ['Käse: 10% + Brot', "l'été"]]);
    expect(values(items)[0][9]).toEqual(['1']);
  });

  it('writes a UNA when the service characters are not the defaults, and counts UNT and UNZ', () => {
    const text = writeInterchange(spec, { separators: { component: 0x3d, element: 0x2a, decimal: 0x2e, release: 0x3f, repetition: -1, segment: 0x7e }, lineEnding: '\n' });
    expect(text.split('\n')[0]).toBe('UNA=*.? ~');
    const items = segmentsOf(readSegments(Buffer.from(text, 'latin1')));
    expect(items.find((s) => s.tag === 'UNT')!.elements.slice(1)).toEqual([['5'], ['1']]);
    expect(items.find((s) => s.tag === 'UNZ')!.elements.slice(1)).toEqual([['1'], ['17']]);
    expect(items[2].elements[2]).toEqual(["SHIP'1+2:3?4"]);
  });

  it('writes UNOC bytes as ISO 8859-1 and refuses a character the set does not have', () => {
    expect(encodeInterchange('Käse', 'UNOC')).toEqual(Buffer.from([0x4b, 0xe4, 0x73, 0x65]));
    expect(() => encodeInterchange('Лор', 'UNOC')).toThrow(/cannot be written in UNOC/);
    expect(encodeInterchange('Лор', 'UNOE')).toEqual(Buffer.from([0xbb, 0xde, 0xe0]));
  });

  it('writes syntax 4 dates as CCYYMMDD and repeated elements with the repetition separator', () => {
    const text = writeInterchange({ ...spec, syntax: { id: 'UNOA', version: '4' }, messages: [{ ...spec.messages![0], body: [['COM', [['1', 'TE'], ['2', 'FX']]]] }] });
    expect(text).toContain('+20261127:0930+');
    expect(text).toContain("COM+1:TE*2:FX'");
  });
});
