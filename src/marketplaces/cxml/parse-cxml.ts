import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { xmlText } from './sniff-cxml';

/** The largest cXML document the gateway reads (HTTP body limit and pipeline alike). */
export const CXML_MAX_BYTES = 5 * 1024 * 1024;

/** Why a document is not cXML we can read; `status` is the cXML Status code to answer with. */
export class CxmlSyntaxError extends Error {
  constructor(message: string, readonly status: 400 = 400) {
    super(message);
  }
}

export interface CxmlCredential {
  domain: string;
  identity: string;
  sharedSecret?: string;
}

/** A cXML document read safely: the envelope's facts, and the Request's one child as parsed. */
export interface CxmlDocument {
  payloadID: string;
  timestamp?: string;
  version?: string;
  from: CxmlCredential[];
  to: CxmlCredential[];
  sender: CxmlCredential[];
  /** The Request's child element's name (OrderRequest, ProfileRequest ...), or what the body is when there is no Request. */
  requestType: string;
  deploymentMode?: string;
  /** The Request's child, as fast-xml-parser gives it (attributes prefixed '@'). */
  request?: XmlNode;
  /** The Response element of a Response document (its Status, and what a response carries). */
  response?: XmlNode;
}

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

/** Elements that may repeat where we read them: always arrays, so one and many read alike. */
const REPEATED = new Set(['Credential', 'ItemOut', 'Street', 'DeliverTo', 'Comments', 'Extrinsic', 'Email', 'Phone']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // No entity expansion at all: a DOCTYPE's entities are never read, let alone expanded (billion
  // laughs); the five predefined entities and character references are decoded by xmlText alone.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: false,
  isArray: (name) => REPEATED.has(name),
  tagValueProcessor: (_name, value) => xmlText(value),
  attributeValueProcessor: (_name, value) => xmlText(value),
});

/**
 * A DOCTYPE may name cXML's DTD (`<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.0xx/cXML.dtd">`),
 * which is never fetched; one with an internal subset (`[ <!ENTITY ...> ]`) is refused outright,
 * before any parsing, whatever it declares: cXML never needs one, and entity declarations are how
 * XML bombs and external-entity reads are made.
 */
function refuseInternalSubset(text: string): void {
  if (/<!ENTITY/i.test(text)) throw new CxmlSyntaxError('entity declarations (<!ENTITY) are refused');
  const at = text.indexOf('<!DOCTYPE');
  if (at < 0) return;
  const close = text.indexOf('>', at);
  const bracket = text.indexOf('[', at);
  if (bracket >= 0 && (close < 0 || bracket < close)) throw new CxmlSyntaxError('a DOCTYPE with an internal subset is refused');
}

function asArray(v: XmlValue | undefined): XmlValue[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function node(v: XmlValue | undefined): XmlNode | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? { '#text': first } : first as XmlNode;
}

/** The text of an element (an element with attributes keeps it under #text). */
export function text(v: XmlValue | undefined): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  const t = typeof first === 'string' ? first : (first as XmlNode)['#text'];
  return typeof t === 'string' && t.trim() !== '' ? t.trim() : undefined;
}

export function attr(n: XmlNode | undefined, name: string): string | undefined {
  const v = n?.[`@${name}`];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function children(n: XmlNode | undefined, name: string): XmlNode[] {
  return asArray(n?.[name]).map((v) => node(v)!).filter(Boolean);
}

function credentials(n: XmlNode | undefined): CxmlCredential[] {
  return children(n, 'Credential').map((c) => ({
    domain: attr(c, 'domain') ?? '', identity: text(c.Identity) ?? '', sharedSecret: text(c.SharedSecret),
  }));
}

/**
 * Reads a cXML document safely: size-limited, no entity expansion, no DOCTYPE internal subset, no
 * external resources (fast-xml-parser never fetches any), well-formedness checked first. Throws
 * CxmlSyntaxError naming what is wrong.
 */
export function parseCxml(bytes: Buffer): CxmlDocument {
  if (bytes.length > CXML_MAX_BYTES) throw new CxmlSyntaxError(`the document is ${bytes.length} bytes, more than the ${CXML_MAX_BYTES} a cXML document may be`);
  const source = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!source.trimStart().startsWith('<')) throw new CxmlSyntaxError('not XML: a cXML document starts with <?xml or <cXML');
  refuseInternalSubset(source);
  const valid = XMLValidator.validate(source);
  if (valid !== true) throw new CxmlSyntaxError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  let tree: XmlNode;
  try {
    tree = parser.parse(source) as XmlNode;
  } catch (err) {
    throw new CxmlSyntaxError(`not well-formed XML: ${(err as Error).message}`);
  }
  const root = node(tree.cXML);
  if (!root) throw new CxmlSyntaxError(`not cXML: the root element is not cXML (${Object.keys(tree).filter((k) => !k.startsWith('?')).join(', ') || 'none'})`);
  const payloadID = attr(root, 'payloadID');
  if (!payloadID) throw new CxmlSyntaxError('cXML/@payloadID is missing');
  const header = node(root.Header);
  const request = node(root.Request);
  // A Request comes with a Header (From, To, Sender); a Response stands alone.
  if (!header && root.Response === undefined) throw new CxmlSyntaxError('cXML/Header is missing');
  const requestType = request
    ? Object.keys(request).find((k) => !k.startsWith('@') && k !== '#text') ?? '(empty Request)'
    : root.Response !== undefined ? 'Response' : root.Message !== undefined ? 'Message' : '(no Request)';
  const senderNode = node(header?.Sender);
  return {
    payloadID,
    timestamp: attr(root, 'timestamp'),
    version: attr(root, 'version') ?? /cXML\/([\d.]+)\/cXML\.dtd/.exec(source.slice(0, 1024))?.[1],
    from: credentials(node(header?.From)),
    to: credentials(node(header?.To)),
    sender: credentials(senderNode),
    requestType,
    deploymentMode: attr(request, 'deploymentMode'),
    request: request && requestType in request ? node(request[requestType]) : undefined,
    response: node(root.Response),
  };
}
