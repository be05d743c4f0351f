import { contentJson, problemsJson } from '../../src/operations/message-detail-json';
import { splitEdi, type Located } from '../../src/operations/raw-edi';

describe('message detail as JSON', () => {
  it('gives UTF-8 bytes as text, anything else (or with NUL) as base64, and says when only the start was read', () => {
    const edi = Buffer.from('ISA*00*Müller~', 'utf8');
    expect(contentJson(edi, edi.length)).toEqual({ encoding: 'utf8', text: 'ISA*00*Müller~', truncated: false });
    // Cut inside the two bytes of ü: the text stops before it rather than turning to base64.
    const cut = edi.subarray(0, edi.indexOf(0xbc));
    expect(contentJson(cut, edi.length)).toEqual({ encoding: 'utf8', text: 'ISA*00*M', truncated: true });
    const latin1 = Buffer.from("UNB+UNOC:3+M\xfcller'", 'latin1');
    expect(contentJson(latin1, latin1.length)).toEqual({ encoding: 'base64', text: latin1.toString('base64'), truncated: false });
    expect(contentJson(Buffer.from('a\0b'), 3).encoding).toBe('base64');
  });

  it('names the line each problem was placed on, null for one that could not be', () => {
    const placed: Located = { code: '8', message: 'bad date', setControl: '0001', segment: 'BEG', position: 2, element: 5 };
    const nowhere: Located = { code: 'X', message: 'group count' };
    const x12 = 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~GS*PO*A*B*20261127*1200*1*X*004010~'
      + 'ST*850*0001~BEG*00*SA*P**20261340~SE*3*0001~GE*1*1~IEA*1*000000001~';
    const edi = splitEdi(Buffer.from(x12), [placed, nowhere]);
    expect(problemsJson([placed, nowhere], edi)).toEqual([{ ...placed, line: 4 }, { ...nowhere, line: null }]);
  });
});
