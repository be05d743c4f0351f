import type { PartnerRegistry } from '../../partners/partner-registry';
import type { GroupReport, InterchangeReport, SetReport, ValidationError, ValidationReport } from '../validation-report';
import { ControlNumberSet } from './control-numbers';
import { dictionaryFor, dictionaryWithCodes, versionOf, type X12Dictionary } from './definitions';
import { checkGs, checkIsa, GROUP_ERRORS, readGs, readIsa, TA1_CODES, type GsHeader, type IsaHeader } from './envelope';
import type { ReaderItem, RawSegment } from './segment-reader';
import { tagCode } from './tag-codes';
import { applyProfileRules, hasProfileRules } from './profile-rules';
import { SET_ERRORS, validateSet, type SetResult } from './set-validator';

export interface X12ValidationContext {
  /** Our own ISA identity: interchanges to anyone else are refused (TA1 009). Absent: not checked. */
  self?: { qualifier: string; id: string };
  partners?: PartnerRegistry;
  /** Keep accepted sets in the report (a huge file's report would otherwise hold millions). */
  keepAcceptedSets?: boolean;
  /** Called for each transaction set once validated, with its segments (for translation). */
  onSet?: (set: SetResult, segments: readonly RawSegment[], group: GroupDetail, interchange: InterchangeDetail) => void;
}

export interface GroupDetail {
  report: GroupReport;
  gs: GsHeader;
  dict?: X12Dictionary;
  /** Validated sets (all of them, or only those not accepted when keepAcceptedSets is false). */
  sets: SetResult[];
  /** GE01, when the trailer is there and says a number. */
  declaredCount?: number;
}

export interface InterchangeDetail {
  report: InterchangeReport;
  isa: IsaHeader;
  groups: GroupDetail[];
  /** TA1 segments the interchange carries (a partner acknowledging one of ours). */
  ta1s: RawSegment[];
}

export interface X12ValidationResult {
  report: ValidationReport;
  interchanges: InterchangeDetail[];
}

const [ISA, IEA, GS, GE, ST, SE, TA1, ISB, ISE] = ['ISA', 'IEA', 'GS', 'GE', 'ST', 'SE', 'TA1', 'ISB', 'ISE'].map(tagCode);

interface OpenGroup extends GroupDetail {
  controlNumbers: ControlNumberSet;
}
interface OpenInterchange extends InterchangeDetail {
  groupControls: Set<string>;
}

/**
 * Validates a stream of X12 segments: envelopes (TA1 codes), groups (AK9 codes) and each
 * transaction set against its definition (AK3/AK4/AK5 codes). Feed it the reader's output with
 * push(), then call finish(). Holds one transaction set at a time.
 */
export class X12Validator {
  private readonly result: X12ValidationResult = { report: { ok: true, errors: [], interchanges: [] }, interchanges: [] };
  private ic?: OpenInterchange;
  private group?: OpenGroup;
  private set?: RawSegment[];

  constructor(private readonly ctx: X12ValidationContext) {}

  push(item: ReaderItem): void {
    if (item.kind === 'error') {
      const err = { code: item.code ?? TA1_CODES.BAD_CONTROL_STRUCTURE, message: item.reason };
      if (this.ic) this.icError(err);
      else this.result.report.errors.push(err);
      return;
    }
    // Tags compared as numbers: this runs for every segment.
    const code = item.tagCode;
    if (this.set && this.ic && code !== ST && code !== SE && code !== GE && code !== IEA && code !== ISA && code !== GS) {
      this.set.push(item);
      return;
    }
    if (code === ISA) return this.startInterchange(item);
    if (!this.ic) {
      this.result.report.errors.push({ code: TA1_CODES.BAD_CONTROL_STRUCTURE, segment: item.tag, message: `${item.tag} segment outside an interchange (no ISA before it)` });
      return;
    }
    if (code === IEA) return this.endInterchange(item);
    if (code === GS) return this.startGroup(item);
    if (code === GE) return this.endGroup(item);
    if (code === TA1 && !this.set && !this.group) return this.readTa1(item);
    // Interchange-level security segments (005010 ISB/ISE) carry nothing we act on.
    if ((code === ISB || code === ISE) && !this.set && !this.group) return;
    if (code === ST) {
      if (this.set) this.closeSet(false);
      if (!this.group) this.icError({ code: TA1_CODES.BAD_CONTENT, segment: 'ST', message: 'ST segment outside a functional group (no GS before it)' });
      this.set = [item];
      return;
    }
    if (this.set) {
      this.set.push(item);
      if (code === SE) this.closeSet(true);
      return;
    }
    this.icError({ code: TA1_CODES.BAD_CONTROL_STRUCTURE, segment: item.tag, message: `${item.tag} segment outside a transaction set` });
  }

  finish(): X12ValidationResult {
    if (this.ic) {
      this.icError({ code: TA1_CODES.PREMATURE_END, segment: 'IEA', message: `the input ends before interchange ${this.ic.isa.controlNumber} is closed by an IEA` });
      this.closeInterchange();
    }
    const r = this.result.report;
    if (!r.interchanges.length && !r.errors.length) r.errors.push({ code: TA1_CODES.PREMATURE_END, message: 'no X12 interchange found: the input is empty' });
    r.ok = r.errors.length === 0 && r.interchanges.every((i) => i.status === 'accepted' && !i.duplicate
      && i.groups.every((g) => g.status === 'accepted' && g.sets.every((s) => s.status !== 'rejected')));
    return this.result;
  }

  private icError(e: ValidationError): void {
    this.ic!.report.errors.push(e);
    this.ic!.report.status = 'rejected';
  }

  private startInterchange(seg: RawSegment): void {
    if (this.ic) {
      this.icError({ code: TA1_CODES.PREMATURE_END, segment: 'ISA', message: `a new ISA starts before interchange ${this.ic.isa.controlNumber} is closed by an IEA` });
      this.closeInterchange();
    }
    const isa = readIsa(seg.elements, seg.delimiters);
    const partner = this.ctx.partners?.byX12(isa.senderQualifier, isa.senderId);
    const report: InterchangeReport = {
      standard: 'X12', version: isa.version ? `${isa.version}0` : '', senderQualifier: isa.senderQualifier, senderId: isa.senderId,
      receiverQualifier: isa.receiverQualifier, receiverId: isa.receiverId, controlNumber: isa.controlNumber, date: isa.date, time: isa.time,
      partnerId: partner?.id ?? null, status: 'accepted', duplicate: false, ackRequested: isa.ackRequested === '1', usage: isa.usage,
      errors: [], groups: [],
    };
    this.ic = { report, isa, groups: [], ta1s: [], groupControls: new Set() };
    for (const issue of checkIsa(seg.elements, isa)) this.icError({ segment: 'ISA', ...issue });
    const self = this.ctx.self;
    if (self && isa.receiverId && (isa.receiverQualifier !== self.qualifier || isa.receiverId !== self.id)) {
      this.icError({ code: TA1_CODES.UNKNOWN_RECEIVER, segment: 'ISA', element: 8,
        message: `ISA07/08 receiver ${isa.receiverQualifier}:${isa.receiverId} is not us (${self.qualifier}:${self.id})` });
    }
    if (this.ctx.partners && isa.senderId && !partner) {
      this.icError({ code: TA1_CODES.BAD_SENDER_ID, segment: 'ISA', element: 6,
        message: `ISA05/06 sender ${isa.senderQualifier}:${isa.senderId} is not in any partner profile` });
    }
    if (partner && ['P', 'T'].includes(isa.usage) && (isa.usage === 'T') !== (partner.mode === 'test')) {
      this.icError({ code: TA1_CODES.BAD_TEST_INDICATOR, segment: 'ISA', element: 15,
        message: `ISA15 usage '${isa.usage}' (${isa.usage === 'T' ? 'test' : 'production'}) but partner '${partner.id}' is in ${partner.mode} mode` });
    }
  }

  private endInterchange(seg: RawSegment): void {
    const ic = this.ic!;
    if (this.group) this.endGroup(undefined);
    const [, count, control] = seg.elements;
    if (control !== ic.isa.controlNumber) {
      const message = /^\d{9}$/.test(control ?? '') ? `IEA02 '${control}' does not match ISA13 '${ic.isa.controlNumber}'`
        : `IEA02 '${control ?? ''}' must repeat ISA13 '${ic.isa.controlNumber}' exactly (9 digits)`;
      this.icError({ code: TA1_CODES.CONTROL_MISMATCH, segment: 'IEA', element: 2, message });
    }
    if (Number(count) !== ic.groups.length || !/^\d{1,5}$/.test(count ?? '')) {
      this.icError({ code: TA1_CODES.BAD_GROUP_COUNT, segment: 'IEA', element: 1, message: `IEA01 says ${count ?? '(nothing)'} group(s); the interchange has ${ic.groups.length}` });
    }
    this.closeInterchange();
  }

  private closeInterchange(): void {
    const ic = this.ic!;
    if (this.group) this.endGroup(undefined);
    // The report's version is the group's (GS08, e.g. 004010) when there is one, else ISA12's.
    if (ic.groups.length) ic.report.version = versionOf(ic.groups[0].gs.version);
    this.result.report.interchanges.push(ic.report);
    this.result.interchanges.push(ic);
    this.ic = undefined;
  }

  /** A TA1 stands between ISA and the first GS; its fields are fixed by the standard. */
  private readTa1(seg: RawSegment): void {
    const elements = seg.elements;
    const [, control, date, time, status, note] = elements;
    // Trailing empty elements are not elements (as in every other segment), nor is an empty
    // composite some senders write there (nothing but component separators).
    const comp = seg.delimiters.component;
    let count = elements.length - 1;
    while (count > 5 && elements[count].split(comp).every((c) => c === '')) count--;
    const bad = !/^\d{9}$/.test(control ?? '') ? 'TA101 must be a 9-digit interchange control number'
      : !/^\d{6}$/.test(date ?? '') ? 'TA102 must be a YYMMDD date'
        : !/^\d{4}$/.test(time ?? '') ? 'TA103 must be an HHMM time'
          : !['A', 'E', 'R'].includes(status ?? '') ? 'TA104 must be A, E or R'
            : !/^\d{3}$/.test(note ?? '') ? 'TA105 must be a 3-digit note code'
              : count !== 5 ? `TA1 has ${count} elements, expected 5` : undefined;
    if (bad) this.icError({ code: TA1_CODES.BAD_CONTENT, segment: 'TA1', message: `${bad}: '${seg.text}'` });
    else this.ic!.ta1s.push(seg);
  }

  private startGroup(seg: RawSegment): void {
    if (this.group) this.endGroup(undefined);
    const gs = readGs(seg.elements);
    const dict = dictionaryFor(versionOf(gs.version));
    const report: GroupReport = { functionalId: gs.functionalId, controlNumber: gs.controlNumber, version: gs.version,
      status: 'accepted', errors: [], sets: [], setCount: 0, acceptedCount: 0 };
    this.group = { report, gs, dict, sets: [], controlNumbers: new ControlNumberSet() };
    for (const issue of checkGs(gs)) report.errors.push({ segment: 'GS', ...issue });
    if (!dict) report.errors.push({ code: GROUP_ERRORS.VERSION_NOT_SUPPORTED, segment: 'GS', element: 8, message: `GS08 version '${gs.version}' is not supported (004010 and 005010 are)` });
    if (this.ic!.groupControls.has(gs.controlNumber)) {
      report.errors.push({ code: GROUP_ERRORS.CONTROL_NOT_UNIQUE, segment: 'GS', element: 6, message: `GS06 group control number ${gs.controlNumber} is used twice in this interchange` });
    }
    this.ic!.groupControls.add(gs.controlNumber);
  }

  private endGroup(seg: RawSegment | undefined): void {
    if (this.set) this.closeSet(false);
    const g = this.group;
    if (!g) {
      if (seg) this.icError({ code: TA1_CODES.BAD_CONTENT, segment: 'GE', message: 'GE segment without a GS before it' });
      return;
    }
    const r = g.report;
    if (!seg) {
      r.errors.push({ code: GROUP_ERRORS.TRAILER_MISSING, segment: 'GE', message: `group ${g.gs.controlNumber} has no GE trailer` });
    } else {
      const [, count, control] = seg.elements;
      if (/^\d{1,6}$/.test(count ?? '')) g.declaredCount = Number(count);
      if (control !== g.gs.controlNumber) r.errors.push({ code: GROUP_ERRORS.CONTROL_MISMATCH, segment: 'GE', element: 2, message: `GE02 '${control ?? ''}' does not match GS06 '${g.gs.controlNumber}'` });
      if (Number(count) !== r.setCount || !/^\d{1,6}$/.test(count ?? '')) {
        r.errors.push({ code: GROUP_ERRORS.COUNT_MISMATCH, segment: 'GE', element: 1, message: `GE01 says ${count ?? '(nothing)'} transaction set(s); the group has ${r.setCount}` });
      }
    }
    r.status = r.errors.length || r.acceptedCount === 0 && r.setCount > 0 ? 'rejected'
      : r.acceptedCount < r.setCount ? 'partially_accepted' : 'accepted';
    // The group's control numbers were only for uniqueness inside it: let them go (a 1 GB file has millions).
    g.controlNumbers.clear();
    this.ic!.groups.push(g);
    this.ic!.report.groups.push(r);
    this.group = undefined;
  }

  private closeSet(trailer: boolean): void {
    const segments = this.set!;
    this.set = undefined;
    const g = this.group;
    if (!g) return; // already reported: ST outside a group
    const result = this.checkSet(segments, trailer, g);
    g.report.setCount++;
    if (result.status !== 'rejected') g.report.acceptedCount++;
    if (this.ctx.keepAcceptedSets !== false || result.status !== 'accepted') {
      g.sets.push(result);
      g.report.sets.push(toSetReport(result));
    }
    this.ctx.onSet?.(result, segments, g, this.ic!);
  }

  private checkSet(segments: RawSegment[], trailer: boolean, g: OpenGroup): SetResult {
    const st = segments[0];
    const type = st.element(1) ?? '';
    const control = st.element(2) ?? '';
    const def = g.dict?.sets.get(type);
    const partner = this.ic!.report.partnerId ? this.ctx.partners?.get(this.ic!.report.partnerId) : undefined;
    // The partner's own codes for this set type, if it adds any: a dictionary of their own, made once.
    const dict = g.dict && dictionaryWithCodes(g.dict, partner?.validation.addCodes?.[type]);
    const result: SetResult = def && dict
      ? validateSet(segments, def, dict, { type, controlNumber: control })
      : { type, controlNumber: control, convention: st.element(3) || undefined, status: 'accepted', setErrors: [], segmentErrors: [], segmentCount: segments.length };
    const errs = result.setErrors;
    if (!isDigits(type, 3, 3)) errs.unshift({ code: SET_ERRORS.BAD_SET_ID, message: `ST01 '${type}' is not a transaction set identifier` });
    else if (!def) errs.unshift({ code: SET_ERRORS.NOT_SUPPORTED, message: `transaction set ${type} (${g.gs.version || 'no version'}) is not supported` });
    else if (def.functionalGroup !== g.gs.functionalId) {
      errs.unshift({ code: SET_ERRORS.BAD_SET_ID, message: `transaction set ${type} belongs in a ${def.functionalGroup} group, not ${g.gs.functionalId}` });
    }
    if (def && partner && !partner.documents.inbound.some((d) => d.standard === 'X12' && d.type === type)) {
      errs.unshift({ code: SET_ERRORS.NOT_SUPPORTED, message: `partner '${partner.id}' does not send transaction set ${type} (see its profile)` });
    }
    if (def && partner && hasProfileRules(partner, type)) applyProfileRules(result, partner, segments);
    const again = g.controlNumbers.addAgain(control);
    if (!isAlnum(control, 4, 9)) errs.push({ code: SET_ERRORS.BAD_CONTROL_NUMBER, message: `ST02 control number '${control}' must be 4-9 characters` });
    else if (again) {
      errs.push({ code: g.gs.version >= '005010' ? SET_ERRORS.CONTROL_NOT_UNIQUE : SET_ERRORS.BAD_CONTROL_NUMBER, message: `ST02 control number ${control} is used twice in this group` });
    }
    if (!trailer) {
      errs.push({ code: SET_ERRORS.TRAILER_MISSING, message: `transaction set ${control} has no SE trailer` });
    } else {
      const se = segments[segments.length - 1];
      const se01 = se.element(1);
      const se02 = se.element(2);
      if (se02 !== control) errs.push({ code: SET_ERRORS.CONTROL_MISMATCH, message: `SE02 '${se02 ?? ''}' does not match ST02 '${control}'` });
      if (Number(se01) !== segments.length || !isDigits(se01 ?? '', 1, Infinity)) {
        errs.push({ code: SET_ERRORS.COUNT_MISMATCH, message: `SE01 says ${se01 ?? '(nothing)'} segments; the set has ${segments.length}` });
      }
    }
    result.status = errs.length || result.segmentErrors.length ? 'rejected' : 'accepted';
    return result;
  }
}

// Checked once per transaction set: plain loops rather than regular expressions.
function isDigits(s: string, min: number, max: number): boolean {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isAlnum(s: string, min: number, max: number): boolean {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return false;
  }
  return true;
}

/** The flat error list of CONTRACTS.md: set errors, then each segment error and its element errors. */
export function toSetReport(r: SetResult): SetReport {
  const errors: ValidationError[] = r.setErrors.filter((e) => e.code !== SET_ERRORS.SEGMENTS_IN_ERROR).map((e) => ({ code: e.code, message: e.message }));
  for (const s of r.segmentErrors) {
    if (s.code !== '8' || !s.elements.length) errors.push({ segment: s.segment, position: s.position, code: s.code, message: s.message });
    for (const e of s.elements) {
      errors.push({ segment: s.segment, position: s.position, element: e.element, ...(e.component ? { component: e.component } : {}),
        ...(e.repetition ? { repetition: e.repetition } : {}), code: e.code, message: e.message });
    }
  }
  return { type: r.type, controlNumber: r.controlNumber, status: r.status, errors, ...(r.segmentErrorsOmitted ? { errorsOmitted: r.segmentErrorsOmitted } : {}) };
}
