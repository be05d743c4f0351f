import { delimitersFromIsa } from '../../src/parsers/x12/delimiters';
import { readSegments, X12SegmentReader, type RawSegment, type ReaderItem } from '../../src/parsers/x12/segment-reader';

const ISA4010 = 'ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*000000417*0*P*>~';
const ISA5010 = 'ISA|00|          |00|          |ZZ|SUMMITGROC     |ZZ|ODOODIST       |261127|1200|^|00501|000000001|1|T|:~';

const segs = (items: ReaderItem[]) => items.filter((i): i is RawSegment => i.kind === 'segment');
const tags = (items: ReaderItem[]) => segs(items).map((s) => s.tag);

describe('X12 delimiters', () => {
  it('reads element, component and segment separators from the ISA, and no repetition before 00501', () => {
    expect(delimitersFromIsa(ISA4010)).toEqual({ ok: true, isaLength: 106, delimiters: { element: '*', component: '>', segment: '~', repetition: undefined } });
  });

  it('takes ISA11 as the repetition separator from 00501', () => {
    expect(delimitersFromIsa(ISA5010)).toMatchObject({ ok: true, delimiters: { element: '|', component: ':', segment: '~', repetition: '^' } });
  });

  it('accepts a newline as segment terminator and ISA fields not padded to width', () => {
    const r = delimitersFromIsa('ISA*00**00**ZZ*A*ZZ*B*261127*1200*U*00401*000000001*0*P*>\nGS');
    expect(r).toMatchObject({ ok: true, delimiters: { segment: '\n', component: '>' } });
  });

  it('refuses delimiters that cannot work', () => {
    expect(delimitersFromIsa('ISA1001')).toMatchObject({ ok: false, reason: expect.stringContaining('must not be a letter') });
    expect(delimitersFromIsa(ISA4010.replace('>~', '>A'))).toMatchObject({ ok: false, code: '004', reason: expect.stringContaining('must not be a letter, digit or space') });
    expect(delimitersFromIsa(ISA4010.replace('>~', '> '))).toMatchObject({ ok: false, code: '004' });
  });
});

describe('X12 segment reader', () => {
  it('splits segments and tolerates a BOM, leading blank lines and CR/LF after terminators', () => {
    const text = `\uFEFF\r\n  ${ISA4010}\r\nGS*PO*ACMERETAIL*ODOODIST*20261127*1200*417*X*004010~\r\nST*850*0001~\r\nSE*2*0001~\r\nGE*1*417~\r\nIEA*1*000000417~\r\n`;
    const items = readSegments(Buffer.from(text));
    expect(tags(items)).toEqual(['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA']);
    expect(segs(items)[2].elements).toEqual(['ST', '850', '0001']);
  });

  it('reads newline-only terminators, with CRLF too', () => {
    const isa = ISA4010.replace(/~$/, '');
    for (const nl of ['\n', '\r\n']) {
      const items = readSegments(Buffer.from([isa, 'GS*PO*A*B*20261127*1200*1*X*004010', 'ST*850*0001', 'SE*2*0001', 'GE*1*1', 'IEA*1*000000417', ''].join(nl)));
      expect(segs(items).map((s) => s.text.endsWith('\r'))).not.toContain(true);
      expect(tags(items)).toEqual(['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA']);
    }
  });

  it.each(['|', '^', '!'])('reads the element separator %j', (sep) => {
    const isa = ISA4010.replace(/\*/g, sep);
    const items = readSegments(Buffer.from(`${isa}GS${sep}PO${sep}A${sep}B~IEA${sep}1${sep}000000417~`));
    expect(segs(items)[1].elements).toEqual(['GS', 'PO', 'A', 'B']);
  });

  it('reads a component separator of ~ when the terminator is something else', () => {
    const isa = ISA4010.replace('*>~', '*~\'');
    const items = readSegments(Buffer.from(`${isa}GS*PO*A*B'IEA*1*000000417'`));
    expect(segs(items)[0].delimiters).toMatchObject({ component: '~', segment: "'" });
    expect(tags(items)).toEqual(['ISA', 'GS', 'IEA']);
  });

  it('gives the same segments whatever the chunk boundaries, byte by byte included', () => {
    const text = Buffer.from(`${ISA4010}\nGS*PO*A*B*20261127*1200*1*X*004010~ST*850*0001~N1*ST*CAFÉ MÜNCHEN~SE*3*0001~GE*1*1~IEA*1*000000417~`);
    const whole = segs(readSegments(text)).map((s) => s.text);
    for (const size of [1, 2, 3, 7, 64]) {
      const r = new X12SegmentReader();
      const out: ReaderItem[] = [];
      for (let i = 0; i < text.length; i += size) r.push(text.subarray(i, i + size), out);
      r.end(out);
      expect(segs(out).map((s) => s.text)).toEqual(whole);
    }
    expect(whole).toContain('N1*ST*CAFÉ MÜNCHEN');
  });

  it('decodes Latin-1 text that is not UTF-8', () => {
    const text = Buffer.concat([Buffer.from(`${ISA4010}N1*ST*CAF`), Buffer.from([0xc9]), Buffer.from(' DE PARIS~IEA*0*000000417~')]);
    expect(segs(readSegments(text))[1].text).toBe('N1*ST*CAFÉ DE PARIS');
  });

  it('reads several interchanges with different delimiters in one file', () => {
    const second = ISA5010.replace('~', '\n');
    const items = readSegments(Buffer.from(`${ISA4010}IEA*0*000000417~\n${second}IEA|0|000000001\n`));
    expect(segs(items).map((s) => [s.tag, s.delimiters.element])).toEqual([['ISA', '*'], ['IEA', '*'], ['ISA', '|'], ['IEA', '|']]);
  });

  it('reports what is not X12 and a file cut off inside a segment', () => {
    const notX12 = readSegments(Buffer.from('hello world\n'));
    expect(notX12).toEqual([expect.objectContaining({ kind: 'error', reason: expect.stringContaining('expected an ISA segment') })]);
    const cut = readSegments(Buffer.from(`${ISA4010}GS*PO*A*B*2026`));
    expect(cut.at(-1)).toMatchObject({ kind: 'error', reason: expect.stringContaining('ends inside a segment') });
  });

  it('keeps byte offsets of ASCII input', () => {
    const text = `${ISA4010}\nGS*PO~`;
    const gs = segs(readSegments(Buffer.from(text)))[1];
    expect(gs.offset).toBe(text.indexOf('GS'));
  });
});

describe('X12 segment reader: where reads are cut', () => {
  const read = (chunks: Buffer[]) => {
    const r = new X12SegmentReader();
    const out: ReaderItem[] = [];
    for (const c of chunks) r.push(c, out);
    r.end(out);
    return out;
  };
  const cutAt = (bytes: Buffer, at: number) => read([bytes.subarray(0, at), bytes.subarray(at)]);
  const view = (items: ReaderItem[]) => items.map((i) => (i.kind === 'segment' ? `${i.tag}@${i.offset}:${i.text}` : `error@${i.offset}`));

  it('gives the same segments with a cut inside a multi-byte character, a CR/LF pair or a tag', () => {
    const text = `${ISA4010.replace(/~$/, '')}\r\nGS*PO*A*B*20261127*1200*1*X*004010\r\nST*850*0001\r\nN1*ST*ŐRSÉG €\r\nSE*3*0001\r\nGE*1*1\r\nIEA*1*000000417\r\n`;
    const bytes = Buffer.from(text);
    const whole = view(readSegments(bytes));
    expect(whole).toContain(`N1@${text.indexOf('N1*')}:N1*ST*ŐRSÉG €`);
    const euro = bytes.indexOf(Buffer.from('€'));
    const crlf = bytes.indexOf('\r\nSE');
    const tag = bytes.indexOf('SE*3');
    for (const at of [euro + 1, euro + 2, crlf + 1, tag + 1, tag + 2, bytes.indexOf('Ő') + 1]) {
      expect({ at, segments: view(cutAt(bytes, at)) }).toEqual({ at, segments: whole });
    }
  });

  it('reads input longer than one piece (64 KB) the same whole or in odd-sized reads', () => {
    const body = Array.from({ length: 4000 }, (_, i) => `N9*ZZ*${String(i).padStart(6, '0')}*NOTE ÄÖÜ ${'x'.repeat(i % 23)}`);
    const text = `${ISA4010}GS*PO*A*B*20261127*1200*1*X*004010~ST*850*0001~${body.join('~\n')}~SE*${body.length + 2}*0001~GE*1*1~IEA*1*000000417~`;
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(2 * 65536);
    const whole = view(readSegments(bytes));
    expect(whole).toHaveLength(body.length + 6);
    expect(whole[3 + 3999]).toBe(`N9@${text.indexOf('N9*ZZ*003999')}:${body[3999]}`);
    const chunks: Buffer[] = [];
    for (let i = 0, size = 1; i < bytes.length; i += size, size = (size * 7919) % 100_003 + 1) chunks.push(bytes.subarray(i, i + size));
    expect(view(read(chunks))).toEqual(whole);
  });

  it('keeps text beyond U+00FF and Latin-1 text apart, piece by piece', () => {
    const utf8 = Buffer.from(`${ISA4010}N1*ST*ŁÓDŹ 😀~IEA*0*000000417~`);
    const latin1 = Buffer.concat([Buffer.from(`${ISA4010}N1*ST*S`), Buffer.from([0xe3, 0x4f]), Buffer.from(' PAULO~IEA*0*000000417~')]);
    expect(segs(readSegments(utf8))[1]).toMatchObject({ tag: 'N1', text: 'N1*ST*ŁÓDŹ 😀', elements: ['N1', 'ST', 'ŁÓDŹ 😀'] });
    expect(segs(readSegments(latin1))[1].text).toBe('N1*ST*SãO PAULO');
    expect(segs(read([latin1, utf8]))[4].text).toBe('N1*ST*ŁÓDŹ 😀');
  });

  it('keeps segments right when the caller reuses its buffer after push', () => {
    const text = `${ISA4010}GS*PO*A*B*20261127*1200*1*X*004010~ST*850*0001~`;
    const buf = Buffer.from(text);
    const r = new X12SegmentReader();
    const out: ReaderItem[] = [];
    r.push(buf, out);
    buf.fill(0x21);
    r.end(out);
    expect(segs(out).map((s) => s.text)).toEqual([ISA4010.slice(0, -1), 'GS*PO*A*B*20261127*1200*1*X*004010', 'ST*850*0001']);
  });

  // Found by fuzzing (test/fuzz): an ISA longer than 200 characters was taken for a broken one when a read ended inside it.
  it('reads an ISA longer than 200 characters the same when a read ends inside it', () => {
    const long = ISA4010.replace('*00*          *00*', `*00*${'0'.repeat(300)}*00*`);
    const bytes = Buffer.from(`${long}GS*PO*A*B~IEA*0*000000417~`);
    const whole = view(readSegments(bytes));
    expect(whole.map((v) => v.slice(0, 6))).toEqual([`ISA@0:`, expect.stringMatching(/^GS@/), expect.stringMatching(/^IEA@/)]);
    for (const at of [150, 250, 320, 340]) expect({ at, segments: view(cutAt(bytes, at)) }).toEqual({ at, segments: whole });
  });

  // Found by fuzzing: what followed an unreadable ISA was reported again as "not X12" when it came in a later read.
  it('reports an unreadable ISA once, however the input after it is cut, and reads the next interchange', () => {
    const bytes = Buffer.from(`ISA*${'0'.repeat(600)}~GS*PO*A*B~ST*850*0001~\n${ISA4010}IEA*0*000000417~`);
    const whole = view(readSegments(bytes));
    expect(whole).toEqual(['error@0', `ISA@${bytes.indexOf('ISA', 3)}:${ISA4010.slice(0, -1)}`, `IEA@${bytes.indexOf('IEA')}:IEA*0*000000417`]);
    for (const at of [520, 610, 625, bytes.indexOf('ISA', 3) + 1, bytes.indexOf('ISA', 3) + 2]) {
      expect({ at, segments: view(cutAt(bytes, at)) }).toEqual({ at, segments: whole });
    }
  });

  it('reads element n without splitting, as elements[n] would', () => {
    const [, st, se] = segs(readSegments(Buffer.from(`${ISA4010}ST*850*0001*~SE~`)));
    for (const n of [0, 1, 2, 3, 4]) expect(st.element(n)).toBe(st.text.split('*')[n]);
    expect([se.element(0), se.element(1)]).toEqual(['SE', undefined]);
    expect(JSON.parse(JSON.stringify(st))).toEqual({ tag: 'ST', text: 'ST*850*0001*', offset: ISA4010.length });
  });
});
