import type { PartnerProfile } from '../partners/profile.schema';
import type { GroupDetail, InterchangeDetail } from '../parsers/edifact/edifact-validator';
import type { MessageResult } from '../parsers/edifact/message-validator';
import { encodeInterchange, writeInterchange, type EdifactInterchangeSpec, type EdifactParty, type SegmentSpec } from '../parsers/edifact/serializer';
import type { ValidationError } from '../parsers/validation-report';

/** CONTRL action codes (0083). */
export const ACTION = {
  /** This level and all lower levels rejected. */
  REJECTED: '4',
  /** This level acknowledged; lower levels acknowledged unless explicitly rejected. */
  ACKNOWLEDGED: '7',
  /** Interchange received, nothing below it checked or reported. */
  RECEIVED: '8',
} as const;

export interface ContrlOptions {
  /** Us, as the CONTRL's sender. */
  self: EdifactParty;
  partner?: PartnerProfile;
  /** UNB 0020 and UNH 0062 of the CONTRL, from the store's per-partner sequences (unb, unh). */
  controlNumbers: { interchange: number; message: number };
  now: Date;
}

export interface EdifactAcks {
  /** The CONTRL interchange to send back, or undefined when nothing is owed. */
  text?: string;
  /** The same, encoded in the interchange's character set. */
  bytes?: Buffer;
  spec?: EdifactInterchangeSpec;
  /** UCI 0083 of the CONTRL. */
  action?: string;
}

const isContrlOnly = (ic: InterchangeDetail) => ic.groups.length > 0 && ic.groups.every((g) => g.messages.length === g.report.setCount
  && g.messages.every((m) => m.type === 'CONTRL'));

/**
 * Whether a CONTRL is owed: when the sender asks (UNB 0031 = 1), when its profile says it wants
 * CONTRL, or when we reject the interchange (a sender must learn of that). A CONTRL is never
 * answered by a CONTRL of its messages: at most UCI 8 (received) when asked for, or UCI 4.
 */
function owed(ic: InterchangeDetail, partner?: PartnerProfile): boolean {
  const r = ic.report;
  const rejected = r.status === 'rejected' || r.duplicate;
  if (isContrlOnly(ic)) return rejected || r.ackRequested;
  return rejected || r.ackRequested || !!partner?.acknowledgments.send.includes('CONTRL');
}

/** S011: data element position and component position of an error, as CONTRL writes them. */
function s011(e: ValidationError): string[] {
  if (e.element === undefined) return [];
  return e.component !== undefined ? [String(e.element), String(e.component)] : [String(e.element)];
}

/** The error part of UCI, UCF or UCM: 0085, 0013 (service segment tag), S011. */
function errorPart(e: ValidationError | undefined, serviceOnly: boolean): ElementList {
  if (!e) return [];
  const service = e.segment && /^UN[A-Z]$/.test(e.segment) ? e.segment : '';
  return [e.code, serviceOnly ? service : '', service ? s011(e) : []];
}
type ElementList = (string | string[])[];

function messageSegments(m: MessageResult): SegmentSpec[] {
  const h = m.header;
  const s009 = [h.type, h.version, h.release, h.agency, ...(h.association ? [h.association] : [])];
  const rejected = m.status === 'rejected';
  const top = m.errors.find((e) => e.position === undefined);
  const out: SegmentSpec[] = [['UCM', h.reference, s009, rejected ? ACTION.REJECTED : ACTION.ACKNOWLEDGED, ...(rejected ? errorPart(top, true) : [])]];
  // UCS per segment in error (position in the message, UNH = 1), UCD per element in error under it.
  const bySegment = new Map<number, ValidationError[]>();
  for (const e of m.errors) if (e.position !== undefined) bySegment.set(e.position, [...(bySegment.get(e.position) ?? []), e]);
  for (const [position, errors] of [...bySegment].slice(0, 999)) {
    const segmentLevel = errors.find((e) => e.element === undefined);
    out.push(['UCS', String(position), ...(segmentLevel ? [segmentLevel.code] : [])]);
    for (const e of errors.filter((x) => x.element !== undefined).slice(0, 99)) out.push(['UCD', e.code, s011(e)]);
  }
  return out;
}

function groupSegments(g: GroupDetail): SegmentSpec[] {
  const u = g.ung!;
  const rejected = g.report.status === 'rejected';
  return [
    ['UCF', u.reference, [u.senderId], [u.recipientId], rejected ? ACTION.REJECTED : ACTION.ACKNOWLEDGED, ...(rejected ? errorPart(g.report.errors[0], true) : [])],
    ...(rejected && g.report.errors.length ? [] : g.messages.flatMap(messageSegments)),
  ];
}

/**
 * The CONTRL owed for one received interchange (syntax 3 or 4, in the interchange's own syntax
 * and character set). UCI says 4 with the first interchange error when the interchange is
 * rejected (nothing below is reported then), 8 for a CONTRL-only interchange whose sender asked,
 * else 7 followed by a UCM for each message (4 with UCS/UCD lines, or 7), messages of UNG groups
 * under their UCF. Pure: control numbers and time come in.
 */
export function buildContrl(ic: InterchangeDetail, o: ContrlOptions): EdifactAcks {
  if (!owed(ic, o.partner)) return {};
  const r = ic.report;
  const u = ic.unb;
  const rejected = r.status === 'rejected' || r.duplicate;
  const action = rejected ? ACTION.REJECTED : isContrlOnly(ic) ? ACTION.RECEIVED : ACTION.ACKNOWLEDGED;
  const party = (id: string, q: string) => (q ? [id, q] : [id]);
  const body: SegmentSpec[] = [['UCI', u.controlRef, party(u.senderId, u.senderQualifier), party(u.recipientId, u.recipientQualifier), action,
    ...(rejected ? errorPart(r.errors[0], true) : [])]];
  if (action === ACTION.ACKNOWLEDGED) {
    for (const g of ic.groups) if (!g.ung) body.push(...g.messages.flatMap(messageSegments));
    for (const g of ic.groups) if (g.ung) body.push(...groupSegments(g));
  }
  const v4 = u.syntaxVersion === '4';
  const doc = o.partner?.documents.outbound.find((d) => d.standard === 'EDIFACT' && d.type === 'CONTRL');
  const directory = doc?.version ?? 'D96A';
  const syntaxId = /^UNO[A-Y]$/.test(u.syntaxId) ? u.syntaxId : 'UNOA';
  const spec: EdifactInterchangeSpec = {
    syntax: { id: syntaxId, version: /^[1-4]$/.test(u.syntaxVersion) ? u.syntaxVersion : '3' },
    sender: o.self, recipient: { id: u.senderId, qualifier: u.senderQualifier || undefined },
    date: o.now, timeZone: o.partner?.outbound.timeZone, controlRef: String(o.controlNumbers.interchange), test: u.testIndicator === '1',
    messages: [{
      reference: String(o.controlNumbers.message), type: 'CONTRL', agency: 'UN', body,
      ...(v4 ? { version: '4', release: '1' } : { version: directory.slice(0, 1), release: directory.slice(1) }),
    }],
  };
  // The service characters the partner used (from its UNA), so that it reads ours the same way.
  const text = writeInterchange(spec, { separators: ic.syntax.una ? ic.syntax.separators : undefined, lineEnding: '\n' });
  return { text, bytes: encodeInterchange(text, syntaxId), spec, action };
}
