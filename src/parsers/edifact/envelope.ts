import type { EdifactSegment } from './segment';
import { validateSegment, type ElementIssue } from './segment-validator';
import { serviceDictionary } from './service-segments';
import { CHARACTER_SETS } from './syntax';
import { SYNTAX_ERRORS as E } from './syntax-errors';

/** UNB, as read (release characters resolved). */
export interface UnbHeader {
  syntaxId: string;
  syntaxVersion: string;
  senderId: string;
  senderQualifier: string;
  recipientId: string;
  recipientQualifier: string;
  date: string;
  time: string;
  controlRef: string;
  applicationRef: string;
  ackRequested: boolean;
  testIndicator: string;
}

export function readUnb(seg: EdifactSegment): UnbHeader {
  const v = (n: number, k = 1) => seg.value(n, k);
  return {
    syntaxId: v(1), syntaxVersion: v(1, 2), senderId: v(2), senderQualifier: v(2, 2), recipientId: v(3), recipientQualifier: v(3, 2),
    date: v(4), time: v(4, 2), controlRef: v(5), applicationRef: v(7), ackRequested: v(9) === '1', testIndicator: v(11),
  };
}

/** UNG (functional group header). */
export interface UngHeader {
  groupId: string;
  senderId: string;
  /** S006 0007 and S007 0007: the partner identification code qualifiers. */
  senderQualifier: string;
  recipientId: string;
  recipientQualifier: string;
  reference: string;
  version: string;
  release: string;
  association: string;
}

export function readUng(seg: EdifactSegment): UngHeader {
  const v = (n: number, k = 1) => seg.value(n, k);
  return { groupId: v(1), senderId: v(2), senderQualifier: v(2, 2), recipientId: v(3), recipientQualifier: v(3, 2), reference: v(5), version: v(7), release: v(7, 2), association: v(7, 3) };
}

/** UNH message identifier (S009) and reference. */
export interface UnhHeader {
  reference: string;
  type: string;
  version: string;
  release: string;
  agency: string;
  association: string;
}

export function readUnh(seg: EdifactSegment): UnhHeader {
  const v = (n: number, k = 1) => seg.value(n, k);
  return { reference: v(1), type: v(2, 1), version: v(2, 2), release: v(2, 3), agency: v(2, 4), association: v(2, 5) };
}

function isDate(v: string): boolean {
  if (!/^\d{6}(\d\d)?$/.test(v)) return false;
  const year = v.length === 8 ? Number(v.slice(0, 4)) : 2000 + Number(v.slice(0, 2));
  const month = Number(v.slice(-4, -2));
  const day = Number(v.slice(-2));
  const days = [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1];
}
const isTime = (v: string) => /^([01]\d|2[0-3])[0-5]\d$/.test(v);

/**
 * A service segment checked as the syntax defines it (shape, lengths, representation, character
 * set), then its values. Syntax identifiers we cannot read are code 2; dates, times and codes that
 * are not valid, 12. '0' in 0031 (acknowledgement request) and 0035 (test indicator) is taken as
 * "no": ISO 9735 says leave the element out, but many senders write 0 and mean that.
 */
export function checkServiceSegment(seg: EdifactSegment, syntaxVersion: string): ElementIssue[] {
  const dict = serviceDictionary(syntaxVersion);
  const issues = [...validateSegment(seg, dict.segments[seg.tag], dict)];
  const bad = new Set(issues.map((i) => `${i.element}.${i.component ?? 1}`));
  const ok = (n: number, k = 1) => !bad.has(`${n}.${k}`) && seg.value(n, k) !== '';
  const add = (element: number, component: number | undefined, code: string, message: string) =>
    issues.push({ element, ...(component ? { component } : {}), code, message });
  if (seg.tag === 'UNB') {
    const u = readUnb(seg);
    if (ok(1) && !CHARACTER_SETS[u.syntaxId]) {
      add(1, 1, E.SYNTAX_NOT_SUPPORTED, `UNB syntax identifier '${u.syntaxId}' is not supported (UNOA to UNOK, UNOW, UNOY are)`);
    }
    if (ok(1, 2) && !/^[1-4]$/.test(u.syntaxVersion)) add(1, 2, E.SYNTAX_NOT_SUPPORTED, `UNB syntax version '${u.syntaxVersion}' is not supported (1 to 4 are)`);
    const dateLength = syntaxVersion === '4' ? 8 : 6;
    if (ok(4) && !isDate(u.date)) add(4, 1, E.INVALID_VALUE, `UNB date of preparation '${u.date}' is not a valid ${dateLength === 8 ? 'CCYYMMDD' : 'YYMMDD'} date`);
    if (ok(4, 2) && !isTime(u.time)) add(4, 2, E.INVALID_VALUE, `UNB time of preparation '${u.time}' is not a valid HHMM time`);
    if (ok(8) && seg.value(8) !== 'A') add(8, undefined, E.INVALID_VALUE, `UNB processing priority code '${seg.value(8)}' is not valid (A is)`);
    const ack = syntaxVersion === '4' ? ['0', '1', '2'] : ['0', '1'];
    if (ok(9) && !ack.includes(seg.value(9))) add(9, undefined, E.INVALID_VALUE, `UNB acknowledgement request '${seg.value(9)}' is not valid (${ack.slice(1).join(' or ')})`);
    const test = syntaxVersion === '4' ? ['0', '1', '2', '3', '4'] : ['0', '1'];
    if (ok(11) && !test.includes(u.testIndicator)) add(11, undefined, E.INVALID_VALUE, `UNB test indicator '${u.testIndicator}' is not valid (${test.slice(1).join(', ')})`);
  } else if (seg.tag === 'UNG') {
    const date = seg.value(4);
    if (ok(4) && !isDate(date)) add(4, 1, E.INVALID_VALUE, `UNG date '${date}' is not a valid date`);
    if (ok(4, 2) && !isTime(seg.value(4, 2))) add(4, 2, E.INVALID_VALUE, `UNG time '${seg.value(4, 2)}' is not a valid HHMM time`);
  }
  return issues.sort((a, b) => a.element - b.element || (a.component ?? 0) - (b.component ?? 0));
}
