import fc from 'fast-check';
import { applyByteOps, byteOpsArb, pick, toBytes, valueArb, valueText, type ByteOp, type ValueSpec } from './values';

/**
 * XML (cXML) mutations that know the document's elements: tags are found with a tolerant scanner
 * (the text may already be broken by an earlier op), elements paired by name, and changed there.
 * Plus what an attacker sends: DOCTYPEs with entities (billion laughs, external files), deep nesting.
 */
interface Tag { start: number; end: number; name: string; close: boolean; selfClosing: boolean }
interface Element { name: string; open: Tag; close?: Tag }

function scan(text: string): Element[] {
  const tags: Tag[] = [];
  for (const m of text.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^<>]*?(\/?)>/g)) {
    tags.push({ start: m.index!, end: m.index! + m[0].length, name: m[2], close: m[1] === '/', selfClosing: m[3] === '/' });
  }
  const out: Element[] = [];
  const open: Element[] = [];
  for (const t of tags) {
    if (!t.close) {
      const e: Element = { name: t.name, open: t };
      out.push(e);
      if (!t.selfClosing) open.push(e);
      continue;
    }
    // The matching open tag near the top of the stack (a broken text may close what is not open);
    // looked for among the last 64 only, so that 60,000 nested elements scan in linear time.
    for (let at = open.length - 1; at >= Math.max(0, open.length - 64); at--) {
      if (open[at].name === t.name) { open[at].close = t; open.length = at; break; }
    }
  }
  return out;
}

const splice = (t: string, from: number, to: number, put: string) => t.slice(0, from) + put + t.slice(to);

const DOCTYPES = {
  laughs: '<!DOCTYPE cXML [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>',
  external: '<!DOCTYPE cXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  parameter: '<!DOCTYPE cXML [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>',
  lowercase: '<!doctype cXML [<!entity x "y">]>',
  emptySubset: '<!DOCTYPE cXML []>',
  dtdOnly: '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">',
  unclosed: '<!DOCTYPE cXML [',
  bracketAfter: '<!DOCTYPE cXML SYSTEM "x.dtd"> [ <!ENTITY a "b"> ]',
} as const;
/** Where an entity is used (in text or an attribute), so that an expanding parser would expand it. */
const ENTITY_USE = ['&lol9;', '&xxe;', '&x;', '&a;'];
const CHAR_REFS = ['&#x110000;', '&#0;', '&#99999999999999999999;', '&#xD800;', '&foo;', '&amp', '&#x;', '&#65;', '&#x1F600;', '&lt;&gt;', '&#-1;', '&#1114111;'];
const NAMES = ['cXML', 'Header', 'Sender', 'Credential', 'Identity', 'Request', 'OrderRequest', 'OrderRequestHeader', 'ItemOut', 'ItemID', 'SupplierPartID',
  'Money', 'ShipTo', 'Address', 'Name', 'a'];
const ATTRS = ['payloadID', 'quantity', 'lineNumber', 'orderID', 'orderDate', 'currency', 'domain', 'addressID', 'type', 'requestedDeliveryDate', 'version'];

export type XmlOp =
  | { op: 'breakTag'; at: number; how: 'dropGt' | 'dropLt' | 'dropClose' | 'renameClose' | 'dupOpen' | 'unquoteAttr' | 'swapCloses' }
  | { op: 'doctype'; kind: keyof typeof DOCTYPES; use: number; at: number }
  | { op: 'nest'; at: number; depth: number; closed: boolean; name: string }
  | { op: 'setText'; at: number; v: ValueSpec; escape: boolean }
  | { op: 'setAttr'; at: number; name: string; v: ValueSpec }
  | { op: 'charRef'; at: number; ref: string; attr: boolean }
  | { op: 'drop'; at: number }
  | { op: 'dup'; at: number; times: number }
  | { op: 'repeatOpen'; name: string; times: number }
  | { op: 'prolog'; kind: 'bom' | 'utf16' | 'latin1' | 'noDecl' | 'twoDecls' | 'pi' | 'comment' | 'cdata' };

const nat = fc.nat();

export const xmlOpArb: fc.Arbitrary<XmlOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ at: nat, how: fc.constantFrom('dropGt' as const, 'dropLt' as const, 'dropClose' as const, 'renameClose' as const, 'dupOpen' as const, 'unquoteAttr' as const, 'swapCloses' as const) })
    .map((r) => ({ op: 'breakTag' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom(...(Object.keys(DOCTYPES) as (keyof typeof DOCTYPES)[])), use: nat, at: nat }).map((r) => ({ op: 'doctype' as const, ...r })) },
  fc.record({ at: nat, depth: fc.integer({ min: 100, max: 60_000 }), closed: fc.boolean(), name: fc.constantFrom(...NAMES) }).map((r) => ({ op: 'nest' as const, ...r })),
  { weight: 3, arbitrary: fc.record({ at: nat, v: valueArb, escape: fc.boolean() }).map((r) => ({ op: 'setText' as const, ...r })) },
  { weight: 3, arbitrary: fc.record({ at: nat, name: fc.constantFrom(...ATTRS), v: valueArb }).map((r) => ({ op: 'setAttr' as const, ...r })) },
  fc.record({ at: nat, ref: fc.constantFrom(...CHAR_REFS), attr: fc.boolean() }).map((r) => ({ op: 'charRef' as const, ...r })),
  nat.map((at) => ({ op: 'drop' as const, at })),
  fc.record({ at: nat, times: fc.integer({ min: 2, max: 2000 }) }).map((r) => ({ op: 'dup' as const, ...r })),
  fc.record({ name: fc.constantFrom('Sender', 'Credential', 'cXML', 'To', 'Request', '!--', 'Identity'), times: fc.integer({ min: 10, max: 8000 }) }).map((r) => ({ op: 'repeatOpen' as const, ...r })),
  fc.constantFrom('bom' as const, 'utf16' as const, 'latin1' as const, 'noDecl' as const, 'twoDecls' as const, 'pi' as const, 'comment' as const, 'cdata' as const).map((kind) => ({ op: 'prolog' as const, kind })),
);

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where the root element starts (after the prolog), or 0. */
const rootAt = (t: string) => Math.max(0, t.search(/<cXML\b/));

export function applyXmlOp(text: string, o: XmlOp): string {
  const els = scan(text);
  const el = (at: number) => (els.length ? els[pick(at, els.length)] : undefined);
  const delims = ['<', '>', '&', '"', "'", ']]>', '<!--', '\x00'];
  switch (o.op) {
    case 'breakTag': {
      const e = el(o.at);
      if (!e) return text;
      const { open, close } = e;
      if (o.how === 'dropGt') return splice(text, open.end - 1, open.end, '');
      if (o.how === 'dropLt') return splice(text, open.start, open.start + 1, '');
      if (o.how === 'dropClose') return close ? splice(text, close.start, close.end, '') : text;
      if (o.how === 'renameClose') return close ? splice(text, close.start, close.end, `</${e.name}X>`) : text;
      if (o.how === 'dupOpen') return splice(text, open.start, open.start, text.slice(open.start, open.end));
      if (o.how === 'unquoteAttr') return splice(text, open.start, open.end, text.slice(open.start, open.end).replace(/"/, ''));
      // Two sibling-or-nested closing tags in the wrong order.
      const other = els.find((x) => x.close && x !== e && x.open.start > open.start);
      if (!close || !other?.close) return text;
      const [a, b] = close.start < other.close.start ? [close, other.close] : [other.close, close];
      return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
    }
    case 'doctype': {
      let t = text.replace(/<!DOCTYPE[^>]*>/, '');
      const at = rootAt(t);
      t = splice(t, at, at, `${DOCTYPES[o.kind]}\n`);
      // Use the entity where a value is read: the text of some element.
      const closed = scan(t).filter((x) => x.close);
      const e = closed.length ? closed[pick(o.at, closed.length)] : undefined;
      if (e?.close) t = splice(t, e.close.start, e.close.start, ENTITY_USE[pick(o.use, ENTITY_USE.length)]);
      return t;
    }
    case 'nest': {
      const e = el(o.at);
      const at = e ? e.open.end : rootAt(text);
      const opens = `<${o.name}>`.repeat(o.depth);
      return splice(text, at, at, opens + (o.closed ? `</${o.name}>`.repeat(o.depth) : ''));
    }
    case 'setText': {
      const e = el(o.at);
      if (!e?.close) return text;
      const v = valueText(o.v, delims);
      return splice(text, e.open.end, e.close.start, o.escape ? xmlEscape(v) : v);
    }
    case 'setAttr': {
      const e = el(o.at);
      if (!e) return text;
      const v = xmlEscape(valueText(o.v, delims));
      const tag = text.slice(e.open.start, e.open.end);
      const re = new RegExp(`\\s${o.name}\\s*=\\s*("[^"]*"|'[^']*')`);
      const next = re.test(tag) ? tag.replace(re, ` ${o.name}="${v}"`) : tag.replace(/(\/?>)$/, ` ${o.name}="${v}"$1`);
      return splice(text, e.open.start, e.open.end, next);
    }
    case 'charRef': {
      // In an element's text, or at the start of its first attribute's value.
      const e = el(o.at);
      if (o.attr && e) {
        const tag = text.slice(e.open.start, e.open.end);
        const q = tag.search(/=\s*["']/);
        if (q < 0) return text;
        const at = e.open.start + tag.indexOf(tag[q + tag.slice(q).search(/["']/)], q) + 1;
        return splice(text, at, at, o.ref);
      }
      if (!e?.close) return text;
      return splice(text, e.close.start, e.close.start, o.ref);
    }
    case 'drop': {
      const e = el(o.at);
      if (!e) return text;
      return splice(text, e.open.start, (e.close ?? e.open).end, '');
    }
    case 'dup': {
      const e = el(o.at);
      if (!e || e.name === 'cXML') return text;
      const whole = text.slice(e.open.start, (e.close ?? e.open).end);
      const times = Math.min(o.times, Math.floor(2_000_000 / Math.max(1, whole.length)));
      return splice(text, e.open.start, e.open.start, whole.repeat(times - 1));
    }
    case 'repeatOpen': {
      const at = Math.max(0, text.search(/<Header\b/));
      return splice(text, at, at, `<${o.name}`.repeat(o.times));
    }
    case 'prolog': {
      const noDecl = text.replace(/^(\u00ef\u00bb\u00bf)?\s*<\?xml[^>]*\?>/, '');
      switch (o.kind) {
        case 'bom': return `\u00ef\u00bb\u00bf${text}`;
        case 'utf16': return text.replace(/encoding="[^"]*"/, 'encoding="UTF-16"');
        case 'latin1': return text.replace(/encoding="[^"]*"/, 'encoding="ISO-8859-1"');
        case 'noDecl': return noDecl;
        case 'twoDecls': return `<?xml version="1.0"?>\n${text}`;
        case 'pi': return splice(text, rootAt(text), rootAt(text), '<?php echo 1; ?>');
        case 'comment': return splice(text, rootAt(text), rootAt(text), '<!-- a -- b --><!-- unclosed');
        case 'cdata': {
          const e = els.find((x) => x.close && x.name === 'Identity');
          return e?.close ? splice(text, e.open.end, e.close.start, '<![CDATA[<Identity>]]>') : text;
        }
      }
    }
  }
}

export interface XmlPlan {
  seed: number;
  ops: XmlOp[];
  bytes: ByteOp[];
}

export const xmlPlanArb: fc.Arbitrary<XmlPlan> = fc.record({
  seed: nat,
  ops: fc.array(xmlOpArb, { maxLength: 4 }),
  bytes: byteOpsArb,
});

/** Seeds are byte strings; the ops work on them as text (UTF-8 bytes stay bytes, as on the wire). */
export function materializeXml(plan: XmlPlan, seeds: readonly string[]): Buffer {
  let text = seeds[pick(plan.seed, seeds.length)];
  for (const o of plan.ops) text = applyXmlOp(text, o);
  return toBytes(applyByteOps(text, plan.bytes));
}
