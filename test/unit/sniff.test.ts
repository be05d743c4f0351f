import { CxmlSyntaxError, parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { sniff } from '../../src/parsers/sniff';
import { x12Interchange } from '../helpers';

describe('sniff', () => {
  it('reads the X12 sender, receiver and control number from the ISA, whatever the separator', () => {
    const s = sniff(Buffer.from(x12Interchange('ACMERETAIL').toString('latin1').replace(/\*/g, '|')));
    expect(s).toEqual({ standard: 'X12', sender: { qualifier: 'ZZ', id: 'ACMERETAIL' },
      receiver: { qualifier: 'ZZ', id: 'ODOODIST' }, controlNumber: '000000417', usage: 'P' });
  });

  it('tolerates a UTF-8 byte order mark and leading blank lines', () => {
    const s = sniff(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n  '), x12Interchange()]));
    expect(s.standard).toBe('X12');
  });

  it('reads an EDIFACT UNB with the default separators', () => {
    const s = sniff(Buffer.from("UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+REF42++ORDERS++++1'UNH+1+ORDERS:D:96A:UN:EAN008'"));
    expect(s).toEqual({ standard: 'EDIFACT', syntax: 'UNOC:3', sender: { id: '5412345000013', qualifier: '14' },
      receiver: { id: '5790000000001', qualifier: '14' }, controlNumber: 'REF42', testIndicator: '1' });
  });

  it('honours the separators and release character a UNA declares', () => {
    const s = sniff(Buffer.from("UNA|*.! '\nUNB*UNOA|2*SEND!*ER|ZZ*RECV*261127|1200*R1'"));
    expect(s).toMatchObject({ standard: 'EDIFACT', sender: { id: 'SEND*ER', qualifier: 'ZZ' }, controlNumber: 'R1' });
  });

  // Found by fuzzing (test/fuzz): sniff threw RangeError, so a folder file stayed in in/ for ever and an AS2 message was not stored.
  it('never throws on a cXML head whose payloadID or sender holds a reference to no character', () => {
    const cxml = (payloadID: string, identity: string) => Buffer.from(`<?xml version="1.0"?><cXML payloadID="${payloadID}"><Header><Sender>`
      + `<Credential domain="NetworkID"><Identity>${identity}</Identity></Credential></Sender></Header><Request><OrderRequest/></Request></cXML>`);
    expect(sniff(cxml('&#x110000;1@buyer', 'AN01'))).toMatchObject({ standard: 'cXML', controlNumber: '&#x110000;1@buyer' });
    expect(sniff(cxml('1@buyer', 'AN&#99999999999;'))).toMatchObject({ standard: 'cXML', sender: { qualifier: 'NetworkID', id: 'AN&#99999999999;' } });
    // The full read still refuses such a document.
    expect(() => parseCxml(cxml('&#x110000;1@buyer', 'AN01'))).toThrow(CxmlSyntaxError);
  });

  it('says why it cannot tell what a file is', () => {
    expect(sniff(Buffer.alloc(0))).toEqual({ standard: 'unknown', reason: 'the file is empty' });
    expect(sniff(Buffer.from('hello world'))).toMatchObject({ standard: 'unknown', reason: expect.stringContaining('"hello world"') });
    expect(sniff(Buffer.from('ISA*00*short~'))).toMatchObject({ standard: 'unknown', reason: expect.stringContaining('expected 106') });
    expect(sniff(Buffer.from('UNB+UNOA:1+X+Y'))).toMatchObject({ standard: 'unknown', reason: expect.stringContaining('no terminator') });
  });
});
