import type { PartnerProfile } from '../partners/profile.schema';
import type { GroupDetail, InterchangeDetail } from '../parsers/edifact/edifact-validator';
import type { MessageResult } from '../parsers/edifact/message-validator';
import { type EdifactInterchangeSpec, type EdifactParty, type SegmentSpec } from '../parsers/edifact/serializer';
import type { ValidationError } from '../parsers/validation-report';
import { CHARACTER_SETS } from '../parsers/edifact/syntax';
import { writeInRepertoire } from './contrl-repertoire';

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

/**
 * S011: data element position (0098) and component position (0104) of an error. Our errors count
 * elements from the first after the tag (UNB01 = S001), as X12 does; ISO 9735 counts the segment
 * tag as position 1 (UNB S001 = 2), so 0098 is ours plus one. Components count from 1 in both.
 */
function s011(e: ValidationError): string[] {
  if (e.element === undefined) return [];
  const position = String(e.element + 1);
  return e.component !== undefined ? [position, String(e.component)] : [position];
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

/** An identification composite (S002, S003, S006, S007) as received: id, then its qualifier when there was one. */
const party = (id: string, qualifier: string) => (qualifier ? [id, qualifier] : [id]);

function groupSegments(g: GroupDetail): SegmentSpec[] {
  const u = g.ung!;
  const rejected = g.report.status === 'rejected';
  return [
    ['UCF', u.reference, party(u.senderId, u.senderQualifier), party(u.recipientId, u.recipientQualifier), rejected ? ACTION.REJECTED : ACTION.ACKNOWLEDGED, ...(rejected ? errorPart(g.report.errors[0], true) : [])],
    ...(rejected && g.report.errors.length ? [] : g.messages.flatMap(messageSegments)),
  ];
}

/** What stands in a mandatory element the subject interchange left empty (UNB+++++4): we cannot copy what is not there. */
export const NOT_RECEIVED = 'UNKNOWN';

/**
 * S009 of the CONTRL itself. It is fixed by the syntax version, not by the directory of the
 * messages it answers: CONTRL:D:3:UN for syntax 1 to 3 (the syntax 3 CONTRL serves all three),
 * CONTRL:4:1:UN for syntax 4. EANCOM partners add their association code (EAN002 for the EANCOM
 * CONTRL); a profile names another on its outbound CONTRL document.
 */
function contrlIdentifier(syntaxVersion: string, ic: InterchangeDetail, partner?: PartnerProfile): { version: string; release: string; association?: string } {
  const base = syntaxVersion === '4' ? { version: '4', release: '1' } : { version: 'D', release: '3' };
  const docs = [...(partner?.documents.inbound ?? []), ...(partner?.documents.outbound ?? [])].flatMap((d) => (d.standard === 'EDIFACT' ? [d] : []));
  const own = partner?.documents.outbound.find((d) => d.standard === 'EDIFACT' && d.type === 'CONTRL');
  if (own?.standard === 'EDIFACT' && own.association) return { ...base, association: own.association };
  const eancom = docs.some((d) => /^EAN/.test(d.association ?? ''))
    || ic.groups.some((g) => g.messages.some((m) => /^EAN/.test(m.header.association ?? '')));
  // EANCOM is written in syntax 3 (and 2): a syntax 4 CONTRL carries no EANCOM code of its own.
  return eancom && syntaxVersion !== '4' ? { ...base, association: 'EAN002' } : base;
}

/**
 * The CONTRL owed for one received interchange (syntax 3 or 4, in the interchange's own syntax
 * and character set where they can hold it). UCI says 4 with the first interchange error when the
 * interchange is rejected (nothing below is reported then), 8 for a CONTRL-only interchange whose
 * sender asked, else 7 followed by a UCM for each message (4 with UCS/UCD lines, or 7), messages
 * of UNG groups under their UCF. Pure: control numbers and time come in.
 */
export function buildContrl(ic: InterchangeDetail, o: ContrlOptions): EdifactAcks {
  if (!owed(ic, o.partner)) return {};
  const r = ic.report;
  const u = ic.unb;
  const rejected = r.status === 'rejected' || r.duplicate;
  const action = rejected ? ACTION.REJECTED : isContrlOnly(ic) ? ACTION.RECEIVED : ACTION.ACKNOWLEDGED;
  // Copied from the subject interchange; an interchange with no sender (UNB+++++4) still gets an
  // answer with every mandatory element filled: the partner the channel delivered it for, or us as
  // its recipient, else a placeholder that no real identifier is.
  const partnerId = o.partner?.identifiers.edifact[0];
  const sender = u.senderId ? { id: u.senderId, qualifier: u.senderQualifier } : { id: partnerId?.id ?? NOT_RECEIVED, qualifier: partnerId?.qualifier ?? '' };
  const recipient = u.recipientId ? { id: u.recipientId, qualifier: u.recipientQualifier } : { id: o.self.id, qualifier: o.self.qualifier ?? '' };
  const body: SegmentSpec[] = [['UCI', u.controlRef || NOT_RECEIVED, party(sender.id, sender.qualifier), party(recipient.id, recipient.qualifier), action,
    ...(rejected ? errorPart(r.errors[0], true) : [])]];
  if (action === ACTION.ACKNOWLEDGED) {
    for (const g of ic.groups) if (!g.ung) body.push(...g.messages.flatMap(messageSegments));
    for (const g of ic.groups) if (g.ung) body.push(...groupSegments(g));
  }
  const version = /^[1-4]$/.test(u.syntaxVersion) ? u.syntaxVersion : '3';
  const spec: EdifactInterchangeSpec = {
    // The sender's character set when it is one we read (UNOX, for one, is not), else level A.
    syntax: { id: CHARACTER_SETS[u.syntaxId] ? u.syntaxId : 'UNOA', version },
    sender: o.self, recipient: { id: sender.id, qualifier: sender.qualifier || undefined },
    date: o.now, timeZone: o.partner?.outbound.timeZone, controlRef: String(o.controlNumbers.interchange), test: u.testIndicator === '1',
    messages: [{ reference: String(o.controlNumbers.message), type: 'CONTRL', agency: 'UN', body, ...contrlIdentifier(version, ic, o.partner) }],
  };
  // The service characters the partner used (from its UNA), so that it reads ours the same way,
  // unless its own level cannot hold them.
  const written = writeInRepertoire(spec, ic.syntax.una ? ic.syntax.separators : undefined, '\n');
  return { text: written.text, bytes: written.bytes, spec: { ...spec, syntax: { id: written.syntaxId, version } }, action };
}
