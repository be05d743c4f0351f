import type { CanonicalDocument, OrderAck, Shipment, Invoice, WarehouseOrder } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { dictionaryFor } from '../../parsers/x12/definitions';
import type { X12Delimiters } from '../../parsers/x12/delimiters';
import { segmentText, writeInterchange, type GroupSpec, type InterchangeSpec, type X12Party } from '../../parsers/x12/serializer';
import type { PartnerProfile } from '../../partners/profile.schema';
import { buildSscc, isValidSscc } from '../sscc';
import type { ControlNumberAllocator, SsccSerialSource } from './control-allocator';
import { formatBody } from './element-format';
import { renderError, type RenderContext, type RenderSeg } from './render-common';
import { render810 } from './render-810';
import { render855 } from './render-855';
import { render856 } from './render-856';
import { render940 } from './render-940';

type Renderable = OrderAck | Shipment | Invoice | WarehouseOrder;

/** Outbound X12 renderers by canonical document type, with the transaction set each one writes. */
export const X12_RENDERERS: { [T in Renderable['type']]: { set: string; render: (doc: Extract<Renderable, { type: T }>, ctx: RenderContext) => RenderSeg[] } } = {
  order_ack: { set: '855', render: render855 },
  shipment: { set: '856', render: render856 },
  invoice: { set: '810', render: render810 },
  warehouse_order: { set: '940', render: render940 },
};

export interface X12RenderOptions {
  /** Us: config.self.x12. */
  self: X12Party;
  controlNumbers: ControlNumberAllocator;
  /** The interchange's date and time (ISA09/10, GS04/05, BSN03/04). */
  now: Date;
  /** For packs without an SSCC, when the profile has a GS1 company prefix. Without it such packs fail. */
  ssccSerials?: SsccSerialSource;
}

export interface RenderedX12 {
  text: string;
  spec: InterchangeSpec;
  /** The functional acknowledgment the profile expects back: pass it to recordOutbound. */
  expectAck?: { kind: '997' | '999'; withinHours: number };
}

/** The transaction set and version a partner takes a document type in, or undefined when its profile lists none. */
export function x12OutboundFor(profile: PartnerProfile, type: CanonicalDocument['type']): { set: string; version: '004010' | '005010' } | undefined {
  const renderer = (X12_RENDERERS as Record<string, { set: string } | undefined>)[type];
  if (!renderer) return undefined;
  const doc = profile.documents.outbound.find((d) => d.standard === 'X12' && d.type === renderer.set);
  return doc?.standard === 'X12' ? { set: renderer.set, version: doc.version } : undefined;
}

function describe(doc: Renderable): string {
  switch (doc.type) {
    case 'order_ack': return `order ack for PO ${doc.poNumber}`;
    case 'shipment': return `shipment ${doc.shipmentId}`;
    case 'invoice': return `invoice ${doc.invoiceNumber}`;
    case 'warehouse_order': return `warehouse order ${doc.orderNumber}`;
  }
}

/** Gives packs without an SSCC one built from the profile's GS1 company prefix and a fresh serial. */
async function withSsccs(doc: Shipment, profile: PartnerProfile, serials: SsccSerialSource | undefined): Promise<Shipment> {
  // S-O-I shipments carry no pack level: their packs need no SSCC.
  if (profile.outbound.shipmentStructure !== 'SOPI') return doc;
  const prefix = profile.outbound.gs1CompanyPrefix;
  const orders = [];
  for (const order of doc.orders) {
    const packs = [];
    for (const pack of order.packs) {
      if (pack.sscc) {
        if (!isValidSscc(pack.sscc)) throw renderError(`SSCC ${pack.sscc} has a wrong check digit (GS1 mod 10)`);
        packs.push(pack);
      } else if (prefix && serials) {
        packs.push({ ...pack, sscc: buildSscc({ companyPrefix: prefix, serial: await serials.next(prefix) }) });
      } else {
        packs.push(pack);
      }
    }
    orders.push({ ...order, packs });
  }
  return { ...doc, orders };
}

function delimitersOf(profile: PartnerProfile, isaVersion: string): X12Delimiters {
  const x = profile.outbound.x12;
  return { element: x.elementSeparator, segment: x.segmentTerminator, component: x.componentSeparator,
    // Before 00402 ISA11 is "U": there is no repetition separator to keep out of values.
    repetition: isaVersion >= '00402' ? x.repetitionSeparator : undefined };
}

const LINE_ENDINGS = { none: '', lf: '\n', crlf: '\r\n' } as const;

function expectedAck(profile: PartnerProfile, isaVersion: string): RenderedX12['expectAck'] {
  const expect = profile.acknowledgments.expect;
  const withinHours = profile.acknowledgments.expectWithinHours;
  if (expect.includes('999') && (isaVersion >= '00501' || !expect.includes('997'))) return { kind: '999', withinHours };
  if (expect.includes('997')) return { kind: '997', withinHours };
  return undefined;
}

/**
 * Canonical documents -> one X12 interchange for a partner: each document's set in the version
 * the profile lists for it, one group per functional id, the envelope from us to the partner's
 * first X12 identifier with the profile's delimiters, line ending, usage and TA1 request.
 */
export async function renderX12(docs: CanonicalDocument | CanonicalDocument[], profile: PartnerProfile, options: X12RenderOptions): Promise<RenderedX12> {
  const list = Array.isArray(docs) ? docs : [docs];
  if (!list.length) throw renderError('nothing to render: no documents');
  const receiver = profile.identifiers.x12[0];
  if (!receiver) throw renderError(`partner ${profile.id} has no X12 identifier to send to`);

  const rendered: { functionalId: string; version: string; type: string; body: string[][] }[] = [];
  for (const doc of list) {
    const target = x12OutboundFor(profile, doc.type);
    if (!target) throw renderError(`${profile.id}'s profile lists no outbound X12 document for type ${doc.type}`);
    const item = doc as Renderable;
    const label = describe(item);
    if (doc.partnerId !== profile.id) throw renderError(`${label} is for partner ${doc.partnerId}, not ${profile.id}`);
    const dict = dictionaryFor(target.version);
    const def = dict?.sets.get(target.set);
    if (!dict || !def) throw renderError(`no ${target.version} definition of transaction set ${target.set}`);
    const ctx: RenderContext = { profile, version: target.version, now: options.now };
    try {
      const ready = item.type === 'shipment' ? await withSsccs(item, profile, options.ssccSerials) : item;
      const render = X12_RENDERERS[ready.type].render as (d: Renderable, c: RenderContext) => RenderSeg[];
      rendered.push({ functionalId: def.functionalGroup, version: target.version, type: target.set, body: formatBody(render(ready, ctx), dict) });
    } catch (err) {
      throw err instanceof GatewayError ? renderError(`${label}: ${err.message}`) : err;
    }
  }

  const isaVersion = rendered.some((r) => r.version >= '005010') ? '00501' : '00401';
  const delimiters = delimitersOf(profile, isaVersion);
  // The serializer refuses a delimiter inside a value too; checked here first to name the document.
  for (const [i, r] of rendered.entries()) {
    try {
      for (const seg of r.body) segmentText(seg, delimiters);
    } catch (err) {
      throw renderError(`${describe(list[i] as Renderable)}: ${(err as Error).message}`);
    }
  }

  // Grouped first, numbered after: control numbers then rise in the order they are written.
  const byGroup = new Map<string, typeof rendered>();
  for (const r of rendered) {
    const key = `${r.functionalId} ${r.version}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  const interchangeControl = await options.controlNumbers.next('isa');
  const groups: GroupSpec[] = [];
  for (const members of byGroup.values()) {
    const group: GroupSpec = { functionalId: members[0].functionalId, version: members[0].version, controlNumber: await options.controlNumbers.next('gs'), sets: [] };
    for (const r of members) group.sets.push({ type: r.type, controlNumber: String(await options.controlNumbers.next('st')).padStart(4, '0'), body: r.body });
    groups.push(group);
  }
  const spec: InterchangeSpec = {
    sender: options.self, receiver: { qualifier: receiver.qualifier, id: receiver.id, gsId: receiver.gsId },
    version: isaVersion, controlNumber: interchangeControl, usage: profile.mode === 'test' ? 'T' : 'P',
    ackRequested: profile.outbound.x12.requestTa1, date: options.now, timeZone: profile.outbound.timeZone, groups,
  };
  const text = writeInterchange(spec, { delimiters, lineEnding: LINE_ENDINGS[profile.outbound.x12.lineEnding] });
  return { text, spec, expectAck: expectedAck(profile, isaVersion) };
}
