import fs from 'node:fs';
import path from 'node:path';
import { OrderSchema } from '../../src/canonical';
import { checkSender } from '../../src/marketplaces/cxml/credential';
import { orderFromCxml } from '../../src/marketplaces/cxml/order-request';
import { CXML_MAX_BYTES, CxmlSyntaxError, parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { cxmlResponse } from '../../src/marketplaces/cxml/response';
import { sniff } from '../../src/parsers/sniff';
import { loadProfiles, parseProfile } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { PROFILES, tempDir } from '../helpers';

const dir = path.join(PROFILES, 'coupa-buyer', 'samples', 'inbound');
const SAMPLE = fs.readFileSync(path.join(dir, 'order-request.xml'), 'utf8');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(dir, 'order-request.expected.json'), 'utf8'))[0];
const { profiles } = loadProfiles(PROFILES);
const coupa = profiles.find((p) => p.id === 'coupa-buyer')!;

const read = (xml: string, profile: PartnerProfile = coupa) => orderFromCxml(parseCxml(Buffer.from(xml)), profile);
const paths = (xml: string, profile?: PartnerProfile) => read(xml, profile).issues.map((i) => i.path);
const syntaxError = (xml: string | Buffer) => {
  try { parseCxml(Buffer.isBuffer(xml) ? xml : Buffer.from(xml)); } catch (err) { if (err instanceof CxmlSyntaxError) return err.message; throw err; }
  return undefined;
};

describe('cXML OrderRequest -> canonical Order', () => {
  it('reads the coupa-buyer sample into its expected Order', () => {
    const { order, issues } = read(SAMPLE);
    expect(issues).toEqual([]);
    expect(order).toEqual(EXPECTED);
    expect(order).toMatchObject({ poNumber: 'CB-PO-10045', poDate: '2026-12-05', currency: 'USD', shipTo: { code: 'CB-OAK-DOCK7', address: { city: 'Oakland' } } });
    expect(order!.lines.map((l) => [l.lineNumber, l.quantity, l.unitPrice, l.productCode, l.uom])).toEqual([['1', 10, 12.5, 'ODW-1001', 'EA'], ['2', 9, 4.11, 'ODW-1002', 'EA']]);
  });

  it('names the element path of each thing wrong', () => {
    expect(paths(SAMPLE.replace(' orderID="CB-PO-10045"', ''))).toEqual(['cXML/Request/OrderRequest/OrderRequestHeader/@orderID']);
    expect(read(SAMPLE.replace('orderDate="2026-12-05T09:30:00-08:00"', 'orderDate="2026-13-05"')).issues[0].message)
      .toBe("cXML/Request/OrderRequest/OrderRequestHeader/@orderDate '2026-13-05' is not an ISO 8601 date");
    expect(paths(SAMPLE.replace('quantity="9"', 'quantity="nine"'))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/@quantity']);
    expect(paths(SAMPLE.replace('quantity="10" lineNumber="1"', 'quantity="0" lineNumber="1"'))).toEqual(['cXML/Request/OrderRequest/ItemOut[1]/@quantity']);
    expect(paths(SAMPLE.replace('lineNumber="2"', 'lineNumber="1"'))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/@lineNumber']);
    expect(paths(SAMPLE.replace('<SupplierPartID>ODW-1002</SupplierPartID>', ''))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/ItemID/SupplierPartID']);
    expect(paths(SAMPLE.replace('<Money currency="USD">4.11</Money>', '<Money currency="EUR">4.11</Money>'))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/ItemDetail/UnitPrice/Money/@currency']);
    expect(paths(SAMPLE.replace('<Money currency="USD">4.11</Money>', '<Money currency="USD">four</Money>'))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/ItemDetail/UnitPrice/Money']);
    expect(paths(SAMPLE.replace(/<UnitOfMeasure>EA<\/UnitOfMeasure>/, ''))).toEqual(['cXML/Request/OrderRequest/ItemOut[1]/ItemDetail/UnitOfMeasure']);
    expect(paths(SAMPLE.replace(/<ShipTo>[\s\S]*<\/ShipTo>/, ''))).toEqual(['cXML/Request/OrderRequest/OrderRequestHeader/ShipTo/Address']);
    expect(paths(SAMPLE.replace('<City>San Francisco</City>', ''))).toEqual(['cXML/Request/OrderRequest/OrderRequestHeader/BillTo/Address/PostalAddress/City']);
    expect(paths(SAMPLE.replace(/<ItemOut[\s\S]*<\/ItemOut>/, ''))).toEqual(['cXML/Request/OrderRequest/ItemOut']);
    expect(paths(SAMPLE.replace('type="new"', 'type="replace"'))).toEqual(['cXML/Request/OrderRequest/OrderRequestHeader/@type']);
  });

  // Found by fuzzing (test/fuzz): 400 digits read as Infinity, and the order was accepted with it.
  it('takes a number too big for a double for no number', () => {
    const huge = '9'.repeat(400);
    expect(paths(SAMPLE.replace('quantity="9"', `quantity="${huge}"`))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/@quantity']);
    expect(paths(SAMPLE.replace('>4.11<', `>${huge}<`))).toEqual(['cXML/Request/OrderRequest/ItemOut[2]/ItemDetail/UnitPrice/Money']);
    const { order, issues } = read(SAMPLE.replace('>161.99<', `>${huge}<`));
    expect(issues).toEqual([]);
    expect(OrderSchema.safeParse(order).success).toBe(true);
  });

  it('an update is a replace and a delete a cancel', () => {
    expect(read(SAMPLE.replace('type="new"', 'type="update"')).order?.purpose).toBe('replace');
    expect(read(SAMPLE.replace('type="new"', 'type="delete"')).order?.purpose).toBe('cancel');
  });

  it('a profile items table maps SupplierPartID (vendor_item), and an item it lacks is a business issue naming it', () => {
    const items = new Map([['ODW-1001', { productCode: 'ODW-2001' }], ['ODW-1002', { productCode: 'ODW-2002' }]]);
    const mapped: PartnerProfile = { ...coupa, crossReferences: { items: 'items.csv' }, xref: { items: new Map([['vendorItem', items]]) } };
    expect(read(SAMPLE, mapped).order!.lines.map((l) => l.productCode)).toEqual(['ODW-2001', 'ODW-2002']);
    const { issues } = read(SAMPLE.replace('<SupplierPartID>ODW-1002</SupplierPartID>', '<SupplierPartID>NOPE-7</SupplierPartID>'), mapped);
    expect(issues).toEqual([expect.objectContaining({ path: 'cXML/Request/OrderRequest/ItemOut[2]/ItemID/SupplierPartID', value: 'NOPE-7', business: true })]);
    expect(issues[0].message).toMatch(/item vendorItem NOPE-7 is not in coupa-buyer's item cross-reference/);
  });

  it('a Request that is not an OrderRequest is named', () => {
    const doc = parseCxml(Buffer.from(SAMPLE.replace(/<OrderRequest>[\s\S]*<\/OrderRequest>/, '<ProfileRequest/>')));
    expect(doc.requestType).toBe('ProfileRequest');
    expect(orderFromCxml(doc, coupa).issues[0].message).toBe('cXML/Request holds ProfileRequest, not an OrderRequest');
  });
});

describe('reading cXML safely', () => {
  it('refuses what is not XML, not well-formed, not cXML, too big, or declares entities', () => {
    expect(syntaxError('ISA*00*')).toMatch(/not XML/);
    expect(syntaxError('<cXML payloadID="a"><Header></cXML>')).toMatch(/not well-formed XML/);
    expect(syntaxError('<Order/>')).toMatch(/root element is not cXML/);
    expect(syntaxError(Buffer.alloc(CXML_MAX_BYTES + 1, 0x20))).toMatch(/more than/);
    expect(syntaxError('<?xml version="1.0"?><!DOCTYPE cXML [<!ELEMENT cXML ANY>]><cXML/>')).toMatch(/internal subset/);
    expect(syntaxError('<?xml version="1.0"?><!DOCTYPE cXML SYSTEM "file:///etc/passwd" [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML>&x;</cXML>')).toMatch(/entity declarations/);
  });

  it('takes cXML\'s own DOCTYPE and decodes only the predefined entities and character references', () => {
    const doc = parseCxml(Buffer.from(SAMPLE));
    expect(doc).toMatchObject({ payloadID: '1796371200000.4242.coupa@coupa-buyer.example', version: '1.2.014', requestType: 'OrderRequest', deploymentMode: 'production' });
    expect(doc.sender).toEqual([{ domain: 'NetworkID', identity: 'AN01000002779', sharedSecret: 'sample-secret' }]);
    expect(read(SAMPLE).order!.notes[0].text).toBe('Deliver weekdays 8\u201316 & call ahead.');
    expect(read(SAMPLE.replace('call ahead.', 'call &undefined; ahead.')).order!.notes[0].text).toContain('&undefined;');
  });

  it('sniffs a cXML document, from its head alone, to its sender identity', () => {
    const s = sniff(Buffer.from(SAMPLE).subarray(0, 4096));
    expect(s).toMatchObject({ standard: 'cXML', sender: { qualifier: 'NetworkID', id: 'AN01000002779' }, controlNumber: '1796371200000.4242.coupa@coupa-buyer.example', documentType: 'OrderRequest' });
    expect(new PartnerRegistry(profiles).senderOf(s)?.id).toBe('coupa-buyer');
    expect(new PartnerRegistry(profiles).senderOf({ ...s, sender: { qualifier: 'networkid', id: 'an01000002779' } } as typeof s)?.id).toBe('coupa-buyer');
    expect(sniff(Buffer.from('<html><body/></html>'))).toMatchObject({ standard: 'unknown' });
  });
});

describe('the Sender credential', () => {
  const cred = [{ domain: 'NetworkID', identity: 'AN01000002779', sharedSecret: 's3cret' }];
  const env = { COUPA_BUYER_CXML_SECRET: 's3cret' };
  it('passes the right identity, domain and secret only', () => {
    expect(checkSender(cred, coupa.cxml!, env)).toEqual({ ok: true });
    expect(checkSender([{ ...cred[0], domain: 'networkid' }], coupa.cxml!, env)).toEqual({ ok: true });
    expect(checkSender([{ ...cred[0], sharedSecret: 's3creT' }], coupa.cxml!, env)).toMatchObject({ ok: false, status: 401 });
    expect(checkSender([{ ...cred[0], sharedSecret: undefined }], coupa.cxml!, env)).toMatchObject({ ok: false, status: 401 });
    expect(checkSender([{ ...cred[0], domain: 'DUNS' }], coupa.cxml!, env)).toMatchObject({ ok: false, status: 401 });
    expect(checkSender([{ ...cred[0], identity: 'AN0' }], coupa.cxml!, env)).toMatchObject({ ok: false, status: 401 });
    expect(checkSender(cred, coupa.cxml!, {})).toMatchObject({ ok: false, status: 500 });
  });

  it('answers with a cXML Response', () => {
    const r = cxmlResponse(401, 'bad <secret>', new Date('2026-12-06T10:00:00Z'));
    expect(r).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE cXML SYSTEM "http:\/\/xml.cxml.org\/schemas\/cXML\/1.2.014\/cXML.dtd">\n<cXML payloadID="[^"]+@[^"]+" timestamp="2026-12-06T10:00:00.000Z"/);
    expect(r).toContain('<Response><Status code="401" text="Unauthorized">bad &lt;secret&gt;</Status></Response></cXML>');
    expect(parseCxml(Buffer.from(r)).requestType).toBe('Response');
  });
});

describe('kind: cxml profiles', () => {
  const base = 'id: buyer\nname: Buyer\nmode: test\n';
  it('needs a cxml block, and needs no X12 or EDIFACT identifier', () => {
    expect(parseProfile('p.yaml', `${base}kind: cxml\ncxml: { identity: AN1, sharedSecretEnv: BUYER_SECRET }\n`).profile).toMatchObject({ kind: 'cxml', cxml: { domain: 'NetworkID' } });
    expect(parseProfile('p.yaml', `${base}kind: cxml\n`).issues.map((i) => i.message)).toEqual(['a kind: cxml partner needs a cxml block (identity, domain, sharedSecretEnv)']);
    expect(parseProfile('p.yaml', `${base}kind: cxml\ncxml: { identity: AN1, sharedSecretEnv: lower-case }\n`).issues[0]).toMatchObject({ path: 'cxml.sharedSecretEnv', line: 5 });
    expect(parseProfile('p.yaml', `${base}cxml: { identity: AN1, sharedSecretEnv: S }\n`).issues.map((i) => i.message)).toEqual(['at least one X12 or EDIFACT identifier is needed', 'a cxml block belongs to a kind: cxml partner: add kind: cxml']);
  });

  it('an EDI profile still needs an identifier, and existing profiles are kind edi', () => {
    expect(parseProfile('p.yaml', `${base}documents: {}\n`).issues.map((i) => [i.path, i.message])).toEqual([['identifiers', 'at least one X12 or EDIFACT identifier is needed']]);
    expect(profiles.find((p) => p.id === 'acme-retail')!.kind).toBe('edi');
  });

  it('two profiles may not claim one cXML identity', () => {
    const d = tempDir();
    for (const id of ['buyer-a', 'buyer-b']) {
      fs.mkdirSync(path.join(d, id));
      fs.writeFileSync(path.join(d, id, 'profile.yaml'), `id: ${id}\nname: ${id}\nmode: test\nkind: cxml\ncxml: { identity: AN1, domain: NetworkID, sharedSecretEnv: S }\n`);
    }
    const { issues } = loadProfiles(d);
    expect(issues.map((i) => [i.path, i.message])).toEqual([['cxml.identity', expect.stringMatching(/cXML NetworkID AN1 is also claimed by partner 'buyer-a'/)]]);
  });
});
