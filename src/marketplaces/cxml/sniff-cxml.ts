import type { Sniffed } from '../../parsers/sniff';

/** How much of a cXML document the first look reads: the Header comes first, well inside this. */
export const CXML_HEAD_BYTES = 64 * 1024;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined XML entities and character references; nothing else is expanded. */
export function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]);
}

/**
 * xmlText for the first look, which must never throw: a reference to no character (&#x110000;)
 * stays as written here, and the full parse (parse-cxml.ts) refuses the document for it.
 */
function headText(s: string): string {
  try {
    return xmlText(s);
  } catch {
    return s;
  }
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? headText(m[1] ?? m[2]) : undefined;
}

function credential(block: string | undefined): { qualifier: string; id: string } | undefined {
  if (!block) return undefined;
  const m = /<Credential\b([^>]*)>[\s\S]*?<Identity\b[^>]*>([^<]*)<\/Identity>/.exec(block);
  if (!m) return undefined;
  return { qualifier: attr(m[1], 'domain') ?? '', id: headText(m[2]).trim() };
}

/**
 * A first look at a cXML document, from its head alone (the folder and daemon pass 4 KB): the
 * payloadID, the Sender credential that names the buyer, and what the Request holds. Regular
 * expressions over the head, never an XML parser: the full, safe parse (parse-cxml.ts) is the
 * cXML stage's. Undefined when the text is not cXML at all.
 */
export function sniffCxml(head: string): Sniffed | undefined {
  try {
    return sniffHead(head);
  } catch (err) {
    // xmlText throws on a character reference to no character (&#99999999;): not cXML we can read,
    // never an exception for the caller (a folder poll would leave the file in in/ for good).
    if (err instanceof RangeError) return { standard: 'unknown', reason: `a cXML head that is not well-formed: ${err.message}` };
    throw err;
  }
}

function sniffHead(head: string): Sniffed | undefined {
  const text = head.replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '');
  const root = /<cXML\b([^>]*)>/.exec(text);
  if (!root) return undefined;
  const payloadID = attr(root[1], 'payloadID');
  if (!payloadID) return { standard: 'unknown', reason: 'a cXML document without a payloadID' };
  const sender = credential(/<Sender\b[^>]*>([\s\S]*?)<\/Sender>/.exec(text)?.[1]);
  if (!sender) return { standard: 'unknown', reason: `cXML ${payloadID} names no Header/Sender/Credential` };
  const receiver = credential(/<To\b[^>]*>([\s\S]*?)<\/To>/.exec(text)?.[1]) ?? { qualifier: '', id: '' };
  const body = /<(Request|Response|Message)\b[^>]*>\s*<([A-Za-z][\w.-]*)/.exec(text);
  const version = attr(root[1], 'version') ?? /cXML\/([\d.]+)\/cXML\.dtd/.exec(text)?.[1];
  return {
    standard: 'cXML', sender, receiver, controlNumber: payloadID,
    documentType: body ? body[2] : 'unknown', ...(version ? { version } : {}),
  };
}
