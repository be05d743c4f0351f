import type { PartnerProfile } from '../partners/profile.schema';
import type { GroupDetail, InterchangeDetail } from '../parsers/x12/x12-validator';
import { writeInterchange, type InterchangeSpec, type SetSpec, type X12Element, type X12Party } from '../parsers/x12/serializer';
import type { SetResult } from '../parsers/x12/set-validator';
import type { X12Delimiters } from '../parsers/x12/delimiters';

/** TA104 / AK501 / AK901 acknowledgment codes. */
const ACK = { accepted: 'A', errors: 'E', partial: 'P', rejected: 'R' } as const;

export interface AckOptions {
  /** Us, as the ack's sender. */
  self: X12Party;
  partner?: PartnerProfile;
  /** Control numbers for the ack's ISA13 and GS06 (from the store's per-partner sequence). */
  controlNumbers: { interchange: number; group: number };
  now: Date;
  /** Delimiters and line ending of the ack; the incoming interchange's own by default. */
  delimiters?: X12Delimiters;
  lineEnding?: string;
}

export interface X12Acks {
  /** The interchange to send back (TA1 and/or 997/999), or undefined when nothing is owed. */
  text?: string;
  /** What was written, for the record of what we sent. */
  spec?: InterchangeSpec;
  ta1?: { code: string; status: string };
  functional?: '997' | '999';
}

/** The delimiters X12 writers use by default: element, component, terminator, repetition (00501). */
const DEFAULT_DELIMITERS: X12Delimiters = { element: '*', component: '>', segment: '~', repetition: '^' };

/**
 * Our reply's delimiters: the sender's own, so it reads ours as it writes its own, unless one is
 * not a one-byte character X12 can carry (a sender whose terminator is U+2026 '…'), is a letter,
 * digit or space, or two are the same (an ISA16 equal to the element separator, which we reject):
 * then all four are the common defaults, since mixing some of theirs with some of ours could make two equal.
 */
export function replyDelimiters(theirs: X12Delimiters, isaVersion: string): X12Delimiters {
  const usable = (c: string) => c.length === 1 && c.charCodeAt(0) <= 0x7e && !/[A-Za-z0-9 ]/.test(c);
  const given = [theirs.element, theirs.component, theirs.segment, theirs.repetition].filter((c): c is string => c !== undefined);
  if (given.every(usable) && new Set(given).size === given.length) {
    // A reply from 00402 on writes a repetition separator in ISA11 even when theirs named none: not one of theirs.
    if (isaVersion < '00402' || theirs.repetition !== undefined) return theirs;
    return { ...theirs, repetition: ['^', '{', '!', '|', '\\'].find((c) => !given.includes(c)) };
  }
  return { ...DEFAULT_DELIMITERS, repetition: isaVersion >= '00402' ? DEFAULT_DELIMITERS.repetition : undefined };
}

/** TA1 when asked for (ISA14 = 1), when the partner always wants one, or when we reject the interchange. */
function wantsTa1(ic: InterchangeDetail, partner?: PartnerProfile): boolean {
  return ic.report.ackRequested || ic.report.status === 'rejected' || ic.report.duplicate || !!partner?.acknowledgments.send.includes('TA1');
}

function functionalKind(group: GroupDetail, partner?: PartnerProfile): '997' | '999' | undefined {
  if (group.gs.functionalId === 'FA') return undefined; // an acknowledgment is never acknowledged
  const wants = partner ? partner.acknowledgments.send : (group.gs.version >= '005010' ? ['999'] : ['997']);
  // 999 is a 005010 set: a 004010 group gets a 997 even from a partner that prefers 999.
  if (wants.includes('999') && group.gs.version >= '005010') return '999';
  if (wants.includes('997') || wants.includes('999')) return '997';
  return undefined;
}

/**
 * A value copied from the subject ISA into TA101-TA103, as it can stand in our reply: without line
 * breaks (an interchange hard-wrapped at 80 columns can break inside ISA10), other control
 * characters or our delimiters, cut to the element's width. Empty stays empty.
 */
function copied(value: string, d: X12Delimiters, width: number): string {
  const kept = [...value].filter((c) => c >= ' ' && c !== '\x7f' && ![d.element, d.segment, d.component, d.repetition].includes(c)).join('');
  return kept.trim().slice(0, width);
}

/** TA101-TA103 are numeric of fixed width: a copied value that is not digits gives way to zeros. */
function copiedDigits(value: string, d: X12Delimiters, width: number): string {
  const kept = copied(value, d, width);
  return /^\d+$/.test(kept) ? kept.padStart(width, '0') : '0'.repeat(width);
}

function ta1Segment(ic: InterchangeDetail, d: X12Delimiters): { segment: string[]; code: string; status: string } {
  const r = ic.report;
  const code = r.duplicate ? '025' : r.errors[0]?.code ?? '000';
  const status = r.status === 'rejected' || r.duplicate ? ACK.rejected : ACK.accepted;
  // TA101-TA103 are mandatory: an ISA too broken to copy from still gets a TA1 that reads.
  const isa = ic.isa;
  const segment = ['TA1', copiedDigits(isa.controlNumber, d, 9), copiedDigits(isa.date, d, 6), copiedDigits(isa.time, d, 4), status, code];
  return { segment, code, status };
}

function setAckCode(s: SetResult): string {
  return s.status === 'rejected' ? ACK.rejected : s.status === 'accepted_with_errors' ? ACK.errors : ACK.accepted;
}

/** The body of one 997 or 999 acknowledging one functional group. */
export function functionalAckBody(group: GroupDetail, kind: '997' | '999', d: X12Delimiters): X12Element[][] {
  const body: X12Element[][] = [];
  const gs = group.gs;
  // What is copied from the received group (ids, control numbers, tags, bad values) is left out
  // where it holds a delimiter (X12 cannot escape one), a control character, or a character the
  // ack's Latin-1 bytes cannot hold (written as its low byte, U+017E 'ž' would be the terminator '~').
  const unsafe = (v: string) => /[\x00-\x1f]|[^\x00-\xff]/.test(v) || [d.element, d.segment, d.component, d.repetition].some((c) => c && v.includes(c));
  const echo = (v: string) => (unsafe(v) ? '' : v);
  body.push(kind === '999' ? ['AK1', echo(gs.functionalId), echo(gs.controlNumber), echo(gs.version)] : ['AK1', echo(gs.functionalId), echo(gs.controlNumber)]);
  for (const s of group.sets) {
    body.push(kind === '999' && s.convention ? ['AK2', echo(s.type), echo(s.controlNumber), echo(s.convention)] : ['AK2', echo(s.type), echo(s.controlNumber)]);
    for (const seg of s.segmentErrors.slice(0, 99_999)) {
      body.push([kind === '999' ? 'IK3' : 'AK3', echo(seg.segment), String(seg.position), seg.loop ?? '', seg.code]);
      const reported = new Set<string>();
      for (const e of seg.elements) {
        // AK401 is a composite: element position, component position, repetition (999).
        const at = [String(e.element), e.component ? String(e.component) : '', kind === '999' && e.repetition ? String(e.repetition) : ''];
        while (at.length > 1 && at[at.length - 1] === '') at.pop();
        const copy = e.value !== undefined && !unsafe(e.value) ? e.value.slice(0, 99) : '';
        const line = [kind === '999' ? 'IK4' : 'AK4', at.length > 1 ? at : at[0], e.ref ?? '', e.code, copy];
        // Two syntax notes can fault the same element (C0506 and P0607 both need PO406): one line says it.
        const key = JSON.stringify(line);
        if (reported.has(key)) continue;
        reported.add(key);
        body.push(line);
      }
    }
    const codes = s.setErrors.map((e) => e.code).slice(0, 5);
    body.push([kind === '999' ? 'IK5' : 'AK5', setAckCode(s), ...codes]);
  }
  const r = group.report;
  const groupCode = r.status === 'accepted' ? ACK.accepted : r.status === 'partially_accepted' ? ACK.partial : ACK.rejected;
  // AK902: the sets the GE says the group holds; AK903: the sets received.
  body.push(['AK9', groupCode, String(group.declaredCount ?? r.setCount), String(r.setCount), String(r.acceptedCount), ...r.errors.map((e) => e.code).slice(0, 5)]);
  return body;
}

/**
 * The acknowledgments owed for one received interchange: a TA1 when asked for or when the
 * interchange is rejected, and a 997 or 999 per functional group as the partner's profile says.
 * Pure: control numbers and time come in.
 */
export function buildX12Acks(ic: InterchangeDetail, o: AckOptions): X12Acks {
  const d = o.delimiters ?? replyDelimiters(ic.isa.delimiters, ic.isa.version);
  const leading: string[][] = [];
  const out: X12Acks = {};
  if (wantsTa1(ic, o.partner)) {
    const t = ta1Segment(ic, d);
    leading.push(t.segment);
    out.ta1 = { code: t.code, status: t.status };
  }
  const sets: SetSpec[] = [];
  let groupVersion = '';
  if (ic.report.status === 'accepted' && !ic.report.duplicate) {
    for (const g of ic.groups) {
      const kind = functionalKind(g, o.partner);
      if (!kind) continue;
      out.functional = kind;
      groupVersion = kind === '999' ? '005010X231A1' : ic.isa.version >= '00501' ? '005010' : '004010';
      sets.push({ type: kind, controlNumber: String(sets.length + 1).padStart(4, '0'),
        convention: kind === '999' ? '005010X231A1' : undefined, body: functionalAckBody(g, kind, d) });
    }
  }
  if (!leading.length && !sets.length) return out;
  const partnerId = o.partner?.identifiers.x12.find((i) => i.qualifier === ic.isa.senderQualifier && i.id === ic.isa.senderId);
  const receiver: X12Party = { qualifier: ic.isa.senderQualifier, id: ic.isa.senderId, gsId: partnerId?.gsId ?? ic.groups[0]?.gs.senderCode ?? ic.isa.senderId };
  out.spec = {
    sender: o.self, receiver, version: ic.isa.version === '00501' ? '00501' : '00401', controlNumber: o.controlNumbers.interchange,
    usage: ic.isa.usage === 'T' ? 'T' : 'P', date: o.now, timeZone: o.partner?.outbound.timeZone, leading,
    groups: sets.length ? [{ functionalId: 'FA', version: groupVersion, controlNumber: o.controlNumbers.group, sets }] : [],
  };
  // A newline terminator is already a line end: another would put an empty segment after each one.
  const lineEnding = /[\r\n]/.test(d.segment) ? '' : o.lineEnding ?? '\n';
  out.text = writeInterchange(out.spec, { delimiters: d, lineEnding });
  return out;
}
