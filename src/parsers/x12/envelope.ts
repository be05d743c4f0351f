import { isValidDate, isValidTime } from './element-checks';
import { REPETITION_FROM, type X12Delimiters } from './delimiters';

/** TA1 interchange note codes (TA105, element I18). */
export const TA1_CODES = {
  OK: '000',
  CONTROL_MISMATCH: '001',
  STANDARD_NOT_SUPPORTED: '002',
  VERSION_NOT_SUPPORTED: '003',
  BAD_SEGMENT_TERMINATOR: '004',
  BAD_SENDER_QUALIFIER: '005',
  BAD_SENDER_ID: '006',
  BAD_RECEIVER_QUALIFIER: '007',
  BAD_RECEIVER_ID: '008',
  UNKNOWN_RECEIVER: '009',
  BAD_AUTH_QUALIFIER: '010',
  BAD_AUTH_VALUE: '011',
  BAD_SECURITY_QUALIFIER: '012',
  BAD_SECURITY_VALUE: '013',
  BAD_DATE: '014',
  BAD_TIME: '015',
  BAD_STANDARDS_ID: '016',
  BAD_VERSION: '017',
  BAD_CONTROL_NUMBER: '018',
  BAD_ACK_REQUESTED: '019',
  BAD_TEST_INDICATOR: '020',
  BAD_GROUP_COUNT: '021',
  BAD_CONTROL_STRUCTURE: '022',
  PREMATURE_END: '023',
  BAD_CONTENT: '024',
  DUPLICATE: '025',
  BAD_ELEMENT_SEPARATOR: '026',
  BAD_COMPONENT_SEPARATOR: '027',
} as const;

/** AK9 / AK905-909 functional group syntax error codes (element 716). */
export const GROUP_ERRORS = {
  NOT_SUPPORTED: '1',
  VERSION_NOT_SUPPORTED: '2',
  TRAILER_MISSING: '3',
  CONTROL_MISMATCH: '4',
  COUNT_MISMATCH: '5',
  BAD_CONTROL_NUMBER: '6',
  CONTROL_NOT_UNIQUE: '19',
} as const;

export interface EnvelopeIssue {
  code: string;
  message: string;
  element?: number;
}

export interface IsaHeader {
  authQualifier: string;
  auth: string;
  securityQualifier: string;
  security: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  date: string;
  time: string;
  /** ISA11: the repetition separator from 00402, the standards identifier ("U") before. */
  standardsOrRepetition: string;
  version: string;
  controlNumber: string;
  ackRequested: string;
  usage: string;
  delimiters: X12Delimiters;
}

export function readIsa(elements: readonly string[], delimiters: X12Delimiters): IsaHeader {
  const e = (n: number) => elements[n] ?? '';
  return {
    authQualifier: e(1), auth: e(2), securityQualifier: e(3), security: e(4),
    senderQualifier: e(5).trim(), senderId: e(6).trim(), receiverQualifier: e(7).trim(), receiverId: e(8).trim(),
    date: e(9), time: e(10), standardsOrRepetition: e(11), version: e(12), controlNumber: e(13),
    ackRequested: e(14), usage: e(15), delimiters,
  };
}

const ID_QUALIFIERS = new Set(['01', '02', '03', '04', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18',
  '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36', '37', '38', 'AM', 'NR',
  'SA', 'SN', 'ZZ']);
/**
 * ISA12 is the version of the interchange control structures, which has the same layout from
 * 00200 on; from 00402 ISA11 carries the repetition separator. The transaction sets' own
 * version is GS08's, checked against the definitions we have.
 */
const ISA_VERSION = /^00[2-6]\d\d$/;

/**
 * Checks an ISA's fields as the standard fixes them: sizes (each field has a fixed width), code
 * values, date, time, control number. Identity (is the receiver us, do we know the sender) is
 * checked by the caller, which knows the profiles.
 */
export function checkIsa(elements: readonly string[], isa: IsaHeader): EnvelopeIssue[] {
  const out: EnvelopeIssue[] = [];
  const fixed = (n: number, width: number, code: string, what: string) => {
    const v = elements[n] ?? '';
    if (v.length !== width) out.push({ code, element: n, message: `ISA${String(n).padStart(2, '0')} (${what}) must be ${width} characters, found ${v.length}` });
  };
  if (elements.length - 1 !== 16) out.push({ code: TA1_CODES.BAD_CONTROL_STRUCTURE, message: `ISA has ${elements.length - 1} elements, expected 16` });
  if (!['00', '01', '02', '03', '04', '05', '06'].includes(isa.authQualifier)) out.push({ code: TA1_CODES.BAD_AUTH_QUALIFIER, element: 1, message: `ISA01 authorization qualifier '${isa.authQualifier}' is not a valid code` });
  fixed(2, 10, TA1_CODES.BAD_AUTH_VALUE, 'authorization information');
  if (!['00', '01'].includes(isa.securityQualifier)) out.push({ code: TA1_CODES.BAD_SECURITY_QUALIFIER, element: 3, message: `ISA03 security qualifier '${isa.securityQualifier}' is not a valid code` });
  fixed(4, 10, TA1_CODES.BAD_SECURITY_VALUE, 'security information');
  if (!ID_QUALIFIERS.has(isa.senderQualifier)) out.push({ code: TA1_CODES.BAD_SENDER_QUALIFIER, element: 5, message: `ISA05 sender id qualifier '${isa.senderQualifier}' is not a valid code` });
  fixed(6, 15, TA1_CODES.BAD_SENDER_ID, 'interchange sender id');
  if (!isa.senderId) out.push({ code: TA1_CODES.BAD_SENDER_ID, element: 6, message: 'ISA06 interchange sender id is empty' });
  if (!ID_QUALIFIERS.has(isa.receiverQualifier)) out.push({ code: TA1_CODES.BAD_RECEIVER_QUALIFIER, element: 7, message: `ISA07 receiver id qualifier '${isa.receiverQualifier}' is not a valid code` });
  fixed(8, 15, TA1_CODES.BAD_RECEIVER_ID, 'interchange receiver id');
  if (!isa.receiverId) out.push({ code: TA1_CODES.BAD_RECEIVER_ID, element: 8, message: 'ISA08 interchange receiver id is empty' });
  if (isa.date.length !== 6 || !isValidDate(isa.date)) out.push({ code: TA1_CODES.BAD_DATE, element: 9, message: `ISA09 interchange date '${isa.date}' is not a valid YYMMDD date` });
  if (isa.time.length !== 4 || !isValidTime(isa.time)) out.push({ code: TA1_CODES.BAD_TIME, element: 10, message: `ISA10 interchange time '${isa.time}' is not a valid HHMM time` });
  if (!ISA_VERSION.test(isa.version)) {
    out.push({ code: /^\d{5}$/.test(isa.version) ? TA1_CODES.VERSION_NOT_SUPPORTED : TA1_CODES.BAD_VERSION, element: 12,
      message: `ISA12 interchange control version '${isa.version}' is not supported (00200 to 00699 are)` });
  } else if (isa.version < REPETITION_FROM && isa.standardsOrRepetition !== 'U') {
    out.push({ code: TA1_CODES.BAD_STANDARDS_ID, element: 11, message: `ISA11 standards identifier '${isa.standardsOrRepetition}' must be U in version ${isa.version}` });
  } else if (isa.version >= REPETITION_FROM && !isa.delimiters.repetition) {
    out.push({ code: TA1_CODES.BAD_CONTENT, element: 11, message: `ISA11 repetition separator '${isa.standardsOrRepetition}' must be a single special character distinct from the other delimiters` });
  }
  if (!/^\d{9}$/.test(isa.controlNumber)) out.push({ code: TA1_CODES.BAD_CONTROL_NUMBER, element: 13, message: `ISA13 control number '${isa.controlNumber}' must be 9 digits` });
  if (!['0', '1'].includes(isa.ackRequested)) out.push({ code: TA1_CODES.BAD_ACK_REQUESTED, element: 14, message: `ISA14 acknowledgment requested '${isa.ackRequested}' must be 0 or 1` });
  if (!['P', 'T', 'I'].includes(isa.usage)) out.push({ code: TA1_CODES.BAD_TEST_INDICATOR, element: 15, message: `ISA15 usage indicator '${isa.usage}' must be P, T or I` });
  const c = isa.delimiters.component;
  if (/[A-Za-z0-9 ]/.test(c) || c === isa.delimiters.element) out.push({ code: TA1_CODES.BAD_COMPONENT_SEPARATOR, element: 16, message: `ISA16 component separator '${c}' is not a valid delimiter` });
  return out;
}

export interface GsHeader {
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  date: string;
  time: string;
  controlNumber: string;
  agency: string;
  version: string;
}

export function readGs(elements: readonly string[]): GsHeader {
  const e = (n: number) => elements[n] ?? '';
  return { functionalId: e(1), senderCode: e(2), receiverCode: e(3), date: e(4), time: e(5), controlNumber: e(6), agency: e(7), version: e(8) };
}

/** GS field checks; a failure rejects the group (AK9 R) with the matching 716 code. */
export function checkGs(gs: GsHeader): EnvelopeIssue[] {
  const out: EnvelopeIssue[] = [];
  if (!/^[A-Z]{2}$/.test(gs.functionalId)) out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 1, message: `GS01 functional identifier '${gs.functionalId}' is not valid` });
  if (gs.senderCode.length < 2 || gs.senderCode.length > 15) out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 2, message: `GS02 application sender code '${gs.senderCode}' must be 2-15 characters` });
  if (gs.receiverCode.length < 2 || gs.receiverCode.length > 15) out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 3, message: `GS03 application receiver code '${gs.receiverCode}' must be 2-15 characters` });
  // GS04 has been CCYYMMDD since 004010; the versions 002 and 003 before it wrote YYMMDD.
  const dateLength = gs.version !== '' && gs.version < '004' ? 6 : 8;
  if (gs.date.length !== dateLength || !isValidDate(gs.date)) {
    out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 4, message: `GS04 date '${gs.date}' is not a valid ${dateLength === 6 ? 'YYMMDD' : 'CCYYMMDD'} date` });
  }
  if (!isValidTime(gs.time)) out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 5, message: `GS05 time '${gs.time}' is not a valid time` });
  if (!/^\d{1,9}$/.test(gs.controlNumber)) out.push({ code: GROUP_ERRORS.BAD_CONTROL_NUMBER, element: 6, message: `GS06 group control number '${gs.controlNumber}' must be 1-9 digits` });
  if (!['X', 'T'].includes(gs.agency)) out.push({ code: GROUP_ERRORS.NOT_SUPPORTED, element: 7, message: `GS07 responsible agency '${gs.agency}' must be X` });
  return out;
}
