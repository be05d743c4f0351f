import crypto from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import type { CanonicalDocument } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import { instantOf, wallClock } from '../../translators/partner-time';
import type { CxmlProfile } from './cxml.schema';

/**
 * Writing cXML: an element tree as fast-xml-parser's builder takes it (attributes '@name', text
 * '#text', children in the order the DTD asks, which object key order keeps), the envelope every
 * document shares, and the value formats cXML wants (datetime.tz, numbers, money). Pure.
 */

export type XmlTree = { [name: string]: XmlTree | XmlTree[] | string | undefined };

/**
 * The DTDs our documents name, and were checked against with xmllint (the versions whose DTD
 * files we had): Fulfill.dtd holds ConfirmationRequest and ShipNoticeRequest, InvoiceDetail.dtd
 * InvoiceDetailRequest. The elements we write are unchanged across 1.2.0xx.
 */
export const CXML_DTDS = {
  fulfill: { version: '1.2.050', file: 'Fulfill.dtd' },
  invoice: { version: '1.2.037', file: 'InvoiceDetail.dtd' },
} as const;

/** The User-Agent of our Sender credential. */
export const USER_AGENT = 'edi-gateway';

// Escapes &, <, > and quotes itself (processEntities); empty elements are written <X/>.
const builder = new XMLBuilder({
  ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', format: true, indentBy: '  ', suppressEmptyNode: true,
});

/** Characters XML 1.0 cannot hold at all (control characters but tab, LF, CR; lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value as text fit for XML: what XML cannot carry is dropped, never written. */
export function xmlSafe(v: string): string {
  return v.replace(NOT_XML, '');
}

/** The tree without undefined values, every string made XML-safe (the builder escapes the rest). */
function clean(tree: XmlTree): XmlTree {
  const out: XmlTree = {};
  for (const [k, v] of Object.entries(tree)) {
    if (v === undefined) continue;
    if (typeof v === 'string') out[k] = xmlSafe(v);
    else if (Array.isArray(v)) out[k] = v.map(clean);
    else out[k] = clean(v);
  }
  return out;
}

/** A cXML number (%r8): plain decimal notation, at most 6 decimals. */
export function cxmlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new GatewayError('DOCUMENT_UNRENDERABLE', `${n} is not a number cXML can carry`);
  const r = Number(n.toFixed(6));
  return Object.is(r, -0) ? '0' : r.toFixed(6).replace(/\.?0+$/, '');
}

/** A Money amount: two decimals at least (12.50), more when the amount has them (a unit price of 0.1234). */
export function cxmlMoney(n: number): string {
  const s = cxmlNumber(n);
  const decimals = s.split('.')[1]?.length ?? 0;
  return decimals >= 2 ? s : Number(s).toFixed(2);
}

const offset = (minutes: number) => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** An instant as cXML's datetime.tz on the partner's clock, e.g. 2026-12-05T09:30:00-08:00. */
export function cxmlDateTime(instant: Date, zone: string): string {
  const w = wallClock(instant, zone);
  return `${w.date}T${w.time.slice(0, 2)}:${w.time.slice(2)}:${w.seconds}${offset(w.offsetMinutes)}`;
}

/**
 * A canonical date (YYYY-MM-DD, on the partner's clock), with its HHMM when known. A date alone is
 * written at noon: a reader that converts it to its own zone still sees the same day, which midnight
 * would not survive east of the partner.
 */
export function cxmlDay(date: string, zone: string, time = '1200'): string {
  return cxmlDateTime(instantOf(date, time, zone), zone);
}

/** A cXML line number (%uint): what the buyer sent (cXML orders' lines are numbered 1, 2 ...). */
export function lineNumberOf(lineNumber: string, what: string): string {
  if (!/^\d+$/.test(lineNumber)) throw new GatewayError('DOCUMENT_UNRENDERABLE', `${what}: line number '${lineNumber}' is not a whole number, as cXML's lineNumber must be`);
  return String(Number(lineNumber));
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));

/**
 * The payloadID of the document rendered from `doc`: unique, and the same whenever the same
 * canonical document is rendered again, so that a resend (the queue's retry, a replay, a second
 * render of an unchanged Odoo record) is recognised by the buyer as the document it has, while a
 * changed one (another quantity shipped) is a new document.
 */
export function payloadIdFor(doc: CanonicalDocument, what: string, id: string): string {
  const hash = crypto.createHash('sha256').update(stable(doc)).digest('hex').slice(0, 24);
  return `${what}.${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${hash}@edi-gateway`;
}

/** The payloadID of the OrderRequest a document answers, when the order came in as cXML. */
export function orderPayloadId(doc: { source?: { standard: string; interchangeControl: string; setControl: string } }, poNumber: string | undefined): string | undefined {
  const s = doc.source;
  return s?.standard === 'cXML' && (!poNumber || s.setControl === poNumber) ? s.interchangeControl : undefined;
}

/** OrderReference: the PO number, and the OrderRequest's payloadID (DocumentReference is required by the DTD). */
export function orderReference(poNumber: string, payloadID: string): XmlTree {
  return { '@orderID': poNumber, DocumentReference: { '@payloadID': payloadID } };
}

/** The cxml block, with our identity, or why the document cannot be written. */
export function senderIdentity(profile: PartnerProfile): CxmlProfile & { ourIdentity: string } {
  const cxml = profile.cxml;
  if (!cxml) throw new GatewayError('DOCUMENT_UNRENDERABLE', `partner ${profile.id} has no cxml block`);
  if (!cxml.ourIdentity) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `partner ${profile.id}: cxml.ourIdentity is not set, so we have no From/Sender identity to send the buyer documents with`);
  }
  return cxml as CxmlProfile & { ourIdentity: string };
}

export interface Envelope {
  payloadID: string;
  now: Date;
  dtd: (typeof CXML_DTDS)[keyof typeof CXML_DTDS];
  /** The Request's one child: its element name and content. */
  request: { name: string; body: XmlTree };
}

/**
 * A whole cXML request document. Header/Sender carries our identity and UserAgent but no
 * SharedSecret: the document is stored as it is here (the message log, `messages show --raw`,
 * the API), and deliver() puts the secret in at send time from the environment.
 */
export function cxmlRequest(profile: PartnerProfile, e: Envelope): Buffer {
  const cxml = senderIdentity(profile);
  const zone = profile.outbound.timeZone;
  const us = { Credential: { '@domain': cxml.ourDomain, Identity: cxml.ourIdentity } };
  const tree = clean({
    cXML: {
      '@payloadID': e.payloadID,
      '@timestamp': cxmlDateTime(e.now, zone),
      '@version': e.dtd.version,
      '@xml:lang': 'en-US',
      Header: {
        From: us,
        To: { Credential: { '@domain': cxml.domain, Identity: cxml.identity } },
        Sender: { ...us, UserAgent: USER_AGENT },
      },
      Request: { '@deploymentMode': profile.mode === 'test' ? 'test' : 'production', [e.request.name]: e.request.body },
    },
  });
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/${e.dtd.version}/${e.dtd.file}">\n`
    + builder.build(tree);
  return Buffer.from(xml, 'utf8');
}
