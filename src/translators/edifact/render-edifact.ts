import type { CanonicalDocument, Invoice, OrderAck, Shipment } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { encodeInterchange, writeInterchange, type EdifactInterchangeSpec, type MessageSpec, type SegmentSpec } from '../../parsers/edifact/serializer';
import type { PartnerProfile } from '../../partners/profile.schema';
import { buildSscc, isValidSscc } from '../sscc';
import type { SsccSerialSource } from '../x12/control-allocator';
import type { EdiSeg, EdifactRenderContext } from './render-common';
import { renderDesadv } from './render-desadv';
import { renderInvoic } from './render-invoic';
import { renderOrdrsp } from './render-ordrsp';

type Renderable = OrderAck | Shipment | Invoice;

/** Outbound EDIFACT renderers by canonical document type, with the message each one writes. */
export const EDIFACT_RENDERERS: { [T in Renderable['type']]: { message: string; render: (doc: Extract<Renderable, { type: T }>, ctx: EdifactRenderContext) => EdiSeg[] } } = {
  order_ack: { message: 'ORDRSP', render: renderOrdrsp },
  shipment: { message: 'DESADV', render: renderDesadv },
  invoice: { message: 'INVOIC', render: renderInvoic },
};

export interface EdifactControlAllocator {
  next(kind: 'unb' | 'unh'): Promise<number>;
}

export interface EdifactRenderOptions {
  /** Us: config.self.edifact. */
  self: { id: string; qualifier?: string };
  controlNumbers: EdifactControlAllocator;
  now: Date;
  ssccSerials?: SsccSerialSource;
}

export interface RenderedEdifact {
  text: string;
  /** The text in the character set the UNB declares (ISO 8859-1 for UNOC). */
  bytes: Buffer;
  spec: EdifactInterchangeSpec;
  expectAck?: { kind: 'CONTRL'; withinHours: number };
}

/** The message, directory and association a partner takes a document type in. */
export function edifactOutboundFor(profile: PartnerProfile, type: CanonicalDocument['type']): { message: string; directory: string; association?: string } | undefined {
  const r = (EDIFACT_RENDERERS as Record<string, { message: string } | undefined>)[type];
  if (!r) return undefined;
  const doc = profile.documents.outbound.find((d) => d.standard === 'EDIFACT' && d.type === r.message);
  return doc?.standard === 'EDIFACT' ? { message: r.message, directory: doc.version, association: doc.association } : undefined;
}

const renderError = (message: string) => new GatewayError('DOCUMENT_UNRENDERABLE', message);

async function withSsccs(doc: Shipment, profile: PartnerProfile, serials: SsccSerialSource | undefined): Promise<Shipment> {
  const prefix = profile.outbound.gs1CompanyPrefix;
  const orders = [];
  for (const order of doc.orders) {
    const packs = [];
    for (const pack of order.packs) {
      if (pack.sscc && !isValidSscc(pack.sscc)) throw renderError(`SSCC ${pack.sscc} has a wrong check digit (GS1 mod 10)`);
      packs.push(!pack.sscc && prefix && serials ? { ...pack, sscc: buildSscc({ companyPrefix: prefix, serial: await serials.next(prefix) }) } : pack);
    }
    orders.push({ ...order, packs });
  }
  return { ...doc, orders };
}

const LINE_ENDINGS = { none: '', lf: '\n', crlf: '\r\n' } as const;

/**
 * Canonical documents -> one EDIFACT interchange for a partner: each document as the message the
 * profile lists (directory and EANCOM association), UNB from us to the partner's first EDIFACT
 * identifier in the profile's syntax, UNA as the profile says, test indicator from its mode.
 */
export async function renderEdifact(docs: CanonicalDocument | CanonicalDocument[], profile: PartnerProfile, o: EdifactRenderOptions): Promise<RenderedEdifact> {
  const list = Array.isArray(docs) ? docs : [docs];
  if (!list.length) throw renderError('nothing to render: no documents');
  const recipient = profile.identifiers.edifact[0];
  if (!recipient) throw renderError(`partner ${profile.id} has no EDIFACT identifier to send to`);
  const ctx: EdifactRenderContext = { profile, self: o.self, now: o.now };
  const messages: MessageSpec[] = [];
  for (const doc of list) {
    const target = edifactOutboundFor(profile, doc.type);
    if (!target) throw renderError(`${profile.id}'s profile lists no outbound EDIFACT message for type ${doc.type}`);
    if (doc.partnerId !== profile.id) throw renderError(`a ${doc.type} for partner ${doc.partnerId} cannot go to ${profile.id}`);
    const ready = doc.type === 'shipment' ? await withSsccs(doc, profile, o.ssccSerials) : doc;
    const render = EDIFACT_RENDERERS[ready.type as Renderable['type']].render as (d: Renderable, c: EdifactRenderContext) => EdiSeg[];
    let body: EdiSeg[];
    try {
      body = render(ready as Renderable, ctx);
    } catch (err) {
      throw err instanceof GatewayError ? renderError(`${doc.type}: ${err.message}`) : err;
    }
    messages.push({ reference: String(await o.controlNumbers.next('unh')), type: target.message, version: target.directory.slice(0, 1),
      release: target.directory.slice(1), agency: 'UN', association: target.association, body: body as SegmentSpec[] });
  }
  const settings = profile.outbound.edifact;
  const spec: EdifactInterchangeSpec = {
    syntax: { id: settings.syntax, version: settings.syntaxVersion },
    sender: { id: o.self.id, qualifier: o.self.qualifier }, recipient: { id: recipient.id, qualifier: recipient.qualifier },
    date: o.now, timeZone: profile.outbound.timeZone, controlRef: String(await o.controlNumbers.next('unb')),
    applicationRef: messages.length && messages.every((m) => m.type === messages[0].type) ? messages[0].type : undefined,
    ackRequested: settings.requestAck, test: profile.mode === 'test', messages,
  };
  const text = writeInterchange(spec, { una: settings.una === 'always' ? true : 'auto', lineEnding: LINE_ENDINGS[settings.lineEnding] });
  let bytes: Buffer;
  try {
    bytes = encodeInterchange(text, settings.syntax);
  } catch (err) {
    throw renderError(`${profile.id} takes ${settings.syntax}: ${(err as Error).message}`);
  }
  const expect = profile.acknowledgments.expect.includes('CONTRL') ? { kind: 'CONTRL' as const, withinHours: profile.acknowledgments.expectWithinHours } : undefined;
  return { text, bytes, spec, expectAck: expect };
}
