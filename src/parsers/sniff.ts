import { CXML_HEAD_BYTES, sniffCxml } from '../marketplaces/cxml/sniff-cxml';
import { sniffShopify } from '../marketplaces/shopify/sniff-shopify';
import { sniffAmazon } from '../marketplaces/amazon/sniff-amazon';

/**
 * A first look at received bytes: which standard, and who sent it to whom. Enough to route the
 * file to its partner at receipt; the full readers (X12, EDIFACT) validate everything else.
 * Pure: bytes in, facts out.
 */
export type Sniffed =
  | {
      standard: 'X12';
      sender: { qualifier: string; id: string };
      receiver: { qualifier: string; id: string };
      controlNumber: string;
      usage: string;
    }
  | {
      standard: 'EDIFACT';
      sender: { qualifier?: string; id: string };
      receiver: { qualifier?: string; id: string };
      controlNumber: string;
      syntax: string;
      testIndicator?: string;
    }
  | {
      /** A cXML document (src/marketplaces/cxml): the sender is its Header/Sender credential (qualifier = domain). */
      standard: 'cXML';
      sender: { qualifier: string; id: string };
      receiver: { qualifier: string; id: string };
      /** The payloadID. */
      controlNumber: string;
      /** What the Request (or Response, Message) holds, e.g. OrderRequest. */
      documentType: string;
      version?: string;
    }
  | {
      /** A Shopify order as the order pull stores it (src/marketplaces/shopify/order-envelope.ts): the sender is the store. */
      standard: 'Shopify';
      sender: { qualifier: 'myshopify'; id: string };
      receiver: { qualifier: string; id: string };
      /** The order's gid. */
      controlNumber: string;
      documentType: 'order';
      version?: string;
    }
  | {
      /** An order the Amazon pull stored (src/marketplaces/amazon): the sender is the seller, the receiver its marketplace. */
      standard: 'Amazon';
      sender: { qualifier: 'AmazonSellerId'; id: string };
      receiver: { qualifier: 'AmazonMarketplaceId'; id: string };
      /** The AmazonOrderId. */
      controlNumber: string;
      documentType: string;
    }
  | { standard: 'unknown'; reason: string };

const HEAD_BYTES = 4096;

function leadingText(bytes: Uint8Array): string {
  // latin1 keeps one char per byte, so offsets stay byte offsets whatever the encoding.
  let text = Buffer.from(bytes.subarray(0, HEAD_BYTES)).toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // UTF-8 BOM
  return text.replace(/^\s+/, '');
}

export function sniff(bytes: Uint8Array): Sniffed {
  if (bytes.length === 0) return { standard: 'unknown', reason: 'the file is empty' };
  const text = leadingText(bytes);
  if (text.startsWith('ISA')) return sniffX12(text);
  if (text.startsWith('UNA') || text.startsWith('UNB')) return sniffEdifact(text);
  if (text.startsWith('<')) {
    const cxml = sniffCxml(Buffer.from(bytes.subarray(0, CXML_HEAD_BYTES)).toString('utf8'));
    if (cxml) return cxml;
  }
  if (text.startsWith('{')) {
    const shopify = sniffShopify(Buffer.from(bytes.subarray(0, HEAD_BYTES)).toString('utf8'));
    if (shopify) return shopify;
    const amazon = sniffAmazon(text);
    if (amazon) return amazon;
  }
  const preview = JSON.stringify(text.slice(0, 20));
  return { standard: 'unknown', reason: `neither an X12 interchange (ISA) nor an EDIFACT one (UNA/UNB): starts with ${preview}` };
}

function sniffX12(text: string): Sniffed {
  if (text.length < 106) return { standard: 'unknown', reason: `ISA segment is ${text.length} characters, expected 106` };
  const sep = text[3];
  const fields = text.slice(0, 106).split(sep);
  if (fields.length < 17) {
    return { standard: 'unknown', reason: `ISA has ${fields.length - 1} elements with separator '${sep}', expected 16` };
  }
  return {
    standard: 'X12',
    sender: { qualifier: fields[5].trim(), id: fields[6].trim() },
    receiver: { qualifier: fields[7].trim(), id: fields[8].trim() },
    controlNumber: fields[13].trim(),
    usage: fields[15].trim(),
  };
}

/** Splits one EDIFACT segment by the given separators, honouring the release character. */
function splitSegment(seg: string, elementSep: string, componentSep: string, release: string): string[][] {
  const elements: string[][] = [[]];
  let cur = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === release && i + 1 < seg.length) { cur += seg[++i]; continue; }
    if (c === elementSep) { elements[elements.length - 1].push(cur); elements.push([]); cur = ''; continue; }
    if (c === componentSep) { elements[elements.length - 1].push(cur); cur = ''; continue; }
    cur += c;
  }
  elements[elements.length - 1].push(cur);
  return elements;
}

function sniffEdifact(text: string): Sniffed {
  let componentSep = ':';
  let elementSep = '+';
  let release: string = '?';
  let terminator = "'";
  let rest = text;
  if (text.startsWith('UNA')) {
    if (text.length < 9) return { standard: 'unknown', reason: 'UNA service string advice is shorter than 9 characters' };
    componentSep = text[3];
    elementSep = text[4];
    release = text[6] === ' ' ? '' : text[6];
    terminator = text[8];
    rest = text.slice(9).replace(/^\s+/, '');
  }
  if (!rest.startsWith('UNB')) return { standard: 'unknown', reason: 'UNA is not followed by a UNB interchange header' };
  let end = -1;
  for (let i = 0; i < rest.length; i++) {
    if (release && rest[i] === release) { i++; continue; }
    if (rest[i] === terminator) { end = i; break; }
  }
  if (end < 0) return { standard: 'unknown', reason: `UNB segment has no terminator '${terminator}'` };
  const el = splitSegment(rest.slice(0, end), elementSep, componentSep, release || '\u0000');
  if (el.length < 6) return { standard: 'unknown', reason: `UNB has ${el.length - 1} elements, expected at least 5` };
  return {
    standard: 'EDIFACT',
    syntax: el[1].join(':'),
    sender: { id: el[2][0], qualifier: el[2][1] || undefined },
    receiver: { id: el[3][0], qualifier: el[3][1] || undefined },
    controlNumber: el[5][0],
    testIndicator: el[11]?.[0] || undefined,
  };
}
