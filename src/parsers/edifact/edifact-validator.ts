import type { PartnerRegistry } from '../../partners/partner-registry';
import type { GroupReport, InterchangeReport, SetReport, ValidationError, ValidationReport } from '../validation-report';
import { ControlNumberSet } from '../x12/control-numbers';
import { checkServiceSegment, readUnb, readUng, type UnbHeader, type UngHeader } from './envelope';
import { DIRECTORY_DEFINITIONS, MessageValidator, type DefinitionSource, type MessageResult } from './message-validator';
import { tagId, type EdifactSegment, type ReaderItem } from './segment';
import type { Syntax } from './syntax';
import { SYNTAX_ERRORS as E } from './syntax-errors';

export interface EdifactValidationContext {
  /** Our own UNB identity: interchanges to anyone else are refused (7). Absent: not checked. */
  self?: { id: string; qualifier?: string };
  partners?: PartnerRegistry;
  /** Keep accepted messages in the report (a huge file's report would otherwise hold millions). */
  keepAcceptedSets?: boolean;
  definitions?: DefinitionSource;
  /**
   * Every message through the full check, without the fast one that passes clean messages first.
   * The answers are the same (edifact-fast-paths.test.ts holds them so); only the time differs.
   */
  fullCheck?: boolean;
  /** Called for each message once validated, with its segments (for acknowledgments and translation). */
  onMessage?: (message: MessageResult, segments: readonly EdifactSegment[], group: GroupDetail, interchange: InterchangeDetail) => void;
}

export interface GroupDetail {
  report: GroupReport;
  /** Absent for the implicit group of an interchange without UNG. */
  ung?: UngHeader;
  messages: MessageResult[];
  /** UNE 0060, when the trailer says a number. */
  declaredCount?: number;
}

export interface InterchangeDetail {
  report: InterchangeReport;
  unb: UnbHeader;
  syntax: Syntax;
  groups: GroupDetail[];
}

export interface EdifactValidationResult {
  report: ValidationReport;
  interchanges: InterchangeDetail[];
}

interface OpenInterchange extends InterchangeDetail {
  /**
   * Message references seen, to find one used twice: a 1 GB interchange holds 600,000, numbered
   * upwards, which the X12 validator's ranges hold in a few numbers (a Set of them cost a hash probe
   * out of cache per message).
   */
  messageRefs: ControlNumberSet;
  groupRefs: Set<string>;
  ungCount: number;
  implicitCount: number;
  /** Messages directly in the interchange (no UNG): what UNZ counts then. */
  looseMessages: number;
  /** The report's version: the first message's directory (D96A), kept even when accepted messages are not. */
  firstVersion?: string;
}

const [UNB, UNZ, UNG, UNE, UNH, UNT] = ['UNB', 'UNZ', 'UNG', 'UNE', 'UNH', 'UNT'].map(tagId);

const toSetReport = (m: MessageResult): SetReport => ({ type: m.type, controlNumber: m.controlNumber, status: m.status, errors: m.errors,
  ...(m.errorsOmitted ? { errorsOmitted: m.errorsOmitted } : {}) });

/**
 * Validates a stream of EDIFACT segments: interchanges (UCI codes), UNG groups (UCF codes) and
 * each message (UCM, UCS, UCD codes). Feed it the reader's output with push(), then call finish().
 * Holds one message's segments at most: while the fast check finds it clean (up to 4,096 segments),
 * and when onMessage wants them.
 */
export class EdifactValidator {
  private readonly result: EdifactValidationResult = { report: { ok: true, errors: [], interchanges: [] }, interchanges: [] };
  private ic?: OpenInterchange;
  private group?: GroupDetail;
  private msg?: MessageValidator;
  private msgSegments?: EdifactSegment[];
  private orphans?: { tag: string; offset: number; count: number };
  private readonly definitions: DefinitionSource;

  constructor(private readonly ctx: EdifactValidationContext) {
    this.definitions = ctx.definitions ?? DIRECTORY_DEFINITIONS;
  }

  push(item: ReaderItem): void {
    if (item.kind === 'error') {
      this.flushOrphans();
      const err = { code: item.code, message: item.reason };
      if (this.ic) this.icError(err);
      else this.result.report.errors.push(err);
      return;
    }
    // Tags compared as their numbers (segment.ts): a string comparison per segment costs more.
    const id = item.tagId;
    if (id === UNB) return this.startInterchange(item);
    if (!this.ic) {
      // Segments outside an interchange (a message without UNB, a body alone): one error for the run.
      if (this.orphans) this.orphans.count++;
      else this.orphans = { tag: item.tag, offset: item.offset, count: 1 };
      return;
    }
    if (id === UNZ) return this.endInterchange(item);
    if (id === UNG) return this.startGroup(item);
    if (id === UNE) return this.endGroup(item);
    if (id === UNH) {
      if (this.msg) this.closeMessage(undefined);
      return this.startMessage(item);
    }
    if (this.msg) {
      this.msgSegments?.push(item);
      this.msg.segment(item);
      if (id === UNT) this.closeMessage(item);
      return;
    }
    this.icError({ code: E.OUTSIDE_MESSAGE, segment: item.tag, message: `${item.tag} segment outside a message (no UNH before it)` });
  }

  finish(): EdifactValidationResult {
    this.flushOrphans();
    if (this.ic) {
      this.icError({ code: E.MISSING, segment: 'UNZ', message: `the input ends before interchange ${this.ic.unb.controlRef} is closed by a UNZ` });
      this.closeInterchange();
    }
    const r = this.result.report;
    if (!r.interchanges.length && !r.errors.length) r.errors.push({ code: E.MISSING, message: 'no EDIFACT interchange found: the input is empty' });
    r.ok = r.errors.length === 0 && r.interchanges.every((i) => i.status === 'accepted' && !i.duplicate
      && i.groups.every((g) => g.status === 'accepted' && g.sets.every((s) => s.status !== 'rejected')));
    return this.result;
  }

  private flushOrphans(): void {
    const o = this.orphans;
    if (!o) return;
    this.orphans = undefined;
    this.result.report.errors.push({ code: E.MISSING, segment: 'UNB',
      message: `${o.count} segment(s) outside an interchange, starting with ${o.tag} at byte ${o.offset}: no UNB before them` });
  }

  private icError(e: ValidationError): void {
    this.ic!.report.errors.push(e);
    this.ic!.report.status = 'rejected';
  }

  private startInterchange(seg: EdifactSegment): void {
    this.flushOrphans();
    if (this.ic) {
      this.icError({ code: E.MISSING, segment: 'UNZ', message: `a new UNB starts before interchange ${this.ic.unb.controlRef} is closed by a UNZ` });
      this.closeInterchange();
    }
    const unb = readUnb(seg);
    const partner = unb.senderId ? this.ctx.partners?.byEdifact(unb.senderId, unb.senderQualifier || undefined) : undefined;
    const report: InterchangeReport = {
      standard: 'EDIFACT', version: '', syntax: `${unb.syntaxId}:${unb.syntaxVersion}`,
      senderQualifier: unb.senderQualifier, senderId: unb.senderId, receiverQualifier: unb.recipientQualifier, receiverId: unb.recipientId,
      controlNumber: unb.controlRef, date: unb.date, time: unb.time, partnerId: partner?.id ?? null, status: 'accepted', duplicate: false,
      ackRequested: unb.ackRequested, usage: unb.testIndicator === '1' ? 'T' : 'P', errors: [], groups: [],
    };
    this.ic = { report, unb, syntax: seg.syntax, groups: [], messageRefs: new ControlNumberSet(), groupRefs: new Set(), ungCount: 0, implicitCount: 0, looseMessages: 0 };
    for (const i of checkServiceSegment(seg, unb.syntaxVersion)) this.icError({ segment: 'UNB', ...i });
    const self = this.ctx.self;
    if (self && unb.recipientId && (unb.recipientId !== self.id || (unb.recipientQualifier && self.qualifier && unb.recipientQualifier !== self.qualifier))) {
      this.icError({ code: E.NOT_RECIPIENT, segment: 'UNB', element: 3,
        message: `UNB recipient ${unb.recipientId}${unb.recipientQualifier ? `:${unb.recipientQualifier}` : ''} is not us (${self.id}${self.qualifier ? `:${self.qualifier}` : ''})` });
    }
    if (this.ctx.partners && unb.senderId && !partner) {
      this.icError({ code: E.UNKNOWN_SENDER, segment: 'UNB', element: 2,
        message: `UNB sender ${unb.senderId}${unb.senderQualifier ? `:${unb.senderQualifier}` : ''} is not in any partner profile` });
    }
    const test = unb.testIndicator === '1';
    if (partner && test !== (partner.mode === 'test')) {
      this.icError({ code: E.TEST_INDICATOR, segment: 'UNB', element: 11,
        message: `UNB test indicator ${test ? "'1' (test)" : 'absent (production)'} but partner '${partner.id}' is in ${partner.mode} mode` });
    }
  }

  private endInterchange(seg: EdifactSegment): void {
    const ic = this.ic!;
    if (this.msg) this.closeMessage(undefined);
    if (this.group) this.closeGroup(undefined);
    for (const i of checkServiceSegment(seg, ic.unb.syntaxVersion)) this.icError({ segment: 'UNZ', ...i });
    const count = seg.value(1);
    const ref = seg.value(2);
    if (ref !== ic.unb.controlRef) this.icError({ code: E.REFERENCES_MISMATCH, segment: 'UNZ', element: 2, message: `UNZ reference '${ref}' does not match UNB '${ic.unb.controlRef}'` });
    // UNZ counts the groups when there are UNG groups, else the messages.
    const counted = ic.ungCount > 0 ? ic.ungCount : ic.looseMessages;
    if (/^\d{1,6}$/.test(count) && Number(count) !== counted) {
      this.icError({ code: E.COUNT_MISMATCH, segment: 'UNZ', element: 1,
        message: `UNZ says ${count}; the interchange has ${counted} ${ic.ungCount > 0 ? 'functional group(s)' : 'message(s)'}` });
    }
    this.closeInterchange();
  }

  private closeInterchange(): void {
    const ic = this.ic!;
    if (this.msg) this.closeMessage(undefined);
    if (this.group) this.closeGroup(undefined);
    if (!ic.groups.length) this.icError({ code: E.LOWER_LEVEL_EMPTY, message: `interchange ${ic.unb.controlRef} holds no message` });
    if (ic.ungCount > 0 && ic.implicitCount > 0) {
      this.icError({ code: E.GROUPS_AND_MESSAGES_MIXED, message: `interchange ${ic.unb.controlRef} has messages both inside and outside UNG groups` });
    }
    ic.report.version = ic.firstVersion ?? ic.report.syntax ?? '';
    ic.messageRefs.clear();
    this.result.report.interchanges.push(ic.report);
    this.result.interchanges.push(ic);
    this.ic = undefined;
  }

  private startGroup(seg: EdifactSegment): void {
    const ic = this.ic!;
    if (this.msg) this.closeMessage(undefined);
    if (this.group) this.closeGroup(undefined);
    const ung = readUng(seg);
    ic.ungCount++;
    const report: GroupReport = { functionalId: ung.groupId, controlNumber: ung.reference, version: `${ung.version}${ung.release}`,
      status: 'accepted', errors: [], sets: [], setCount: 0, acceptedCount: 0 };
    this.group = { report, ung, messages: [] };
    for (const i of checkServiceSegment(seg, ic.unb.syntaxVersion)) report.errors.push({ segment: 'UNG', ...i });
    if (ic.groupRefs.has(ung.reference)) report.errors.push({ code: E.DUPLICATE, segment: 'UNG', element: 5, message: `group reference ${ung.reference} is used twice in this interchange` });
    ic.groupRefs.add(ung.reference);
  }

  private endGroup(seg: EdifactSegment): void {
    if (this.msg) this.closeMessage(undefined);
    if (!this.group?.ung) {
      this.icError({ code: E.OUTSIDE_MESSAGE, segment: 'UNE', message: 'UNE segment without a UNG before it' });
      return;
    }
    this.closeGroup(seg);
  }

  private closeGroup(une: EdifactSegment | undefined): void {
    const g = this.group!;
    const r = g.report;
    if (g.ung) {
      if (!une) r.errors.push({ code: E.MISSING, segment: 'UNE', message: `group ${g.ung.reference} has no UNE trailer` });
      else {
        for (const i of checkServiceSegment(une, this.ic!.unb.syntaxVersion)) r.errors.push({ segment: 'UNE', ...i });
        const count = une.value(1);
        if (/^\d{1,6}$/.test(count)) g.declaredCount = Number(count);
        if (une.value(2) !== g.ung.reference) r.errors.push({ code: E.REFERENCES_MISMATCH, segment: 'UNE', element: 2, message: `UNE reference '${une.value(2)}' does not match UNG '${g.ung.reference}'` });
        if (/^\d{1,6}$/.test(count) && Number(count) !== r.setCount) r.errors.push({ code: E.COUNT_MISMATCH, segment: 'UNE', element: 1, message: `UNE says ${count} message(s); the group has ${r.setCount}` });
      }
      if (r.setCount === 0) r.errors.push({ code: E.LOWER_LEVEL_EMPTY, segment: 'UNG', message: `group ${g.ung.reference} holds no message` });
    }
    r.status = r.errors.length || (r.acceptedCount === 0 && r.setCount > 0) ? 'rejected' : r.acceptedCount < r.setCount ? 'partially_accepted' : 'accepted';
    this.ic!.groups.push(g);
    this.ic!.report.groups.push(r);
    this.group = undefined;
  }

  private startMessage(seg: EdifactSegment): void {
    const ic = this.ic!;
    if (!this.group) {
      // Messages directly in the interchange form one implicit group.
      ic.implicitCount++;
      this.group = { report: { functionalId: '', controlNumber: '', status: 'accepted', errors: [], sets: [], setCount: 0, acceptedCount: 0 }, messages: [] };
    }
    if (!this.group.ung) ic.looseMessages++;
    const partner = ic.report.partnerId ? this.ctx.partners?.get(ic.report.partnerId) : undefined;
    const type = seg.value(2);
    const notAgreed = partner && type && !partner.documents.inbound.some((d) => d.standard === 'EDIFACT' && d.type === type)
      ? `partner '${partner.id}' does not send ${type} (see its profile)` : undefined;
    this.msg = new MessageValidator(seg, ic.unb.syntaxVersion, this.definitions, notAgreed, this.ctx.fullCheck, partner?.validation.addCodes?.[type]);
    if (!this.group.report.functionalId) this.group.report.functionalId = this.msg.header.type;
    this.msgSegments = this.ctx.onMessage ? [seg] : undefined;
  }

  private closeMessage(unt: EdifactSegment | undefined): void {
    const ic = this.ic!;
    const g = this.group!;
    const result = this.msg!.finish(unt, ic.messageRefs.addAgain(this.msg!.header.reference));
    ic.firstVersion ??= result.directory ?? `${result.header.version}:${result.header.release}`;
    const segments = this.msgSegments ?? [];
    this.msg = undefined;
    this.msgSegments = undefined;
    g.report.setCount++;
    if (result.status !== 'rejected') g.report.acceptedCount++;
    if (this.ctx.keepAcceptedSets !== false || result.status !== 'accepted') {
      g.messages.push(result);
      g.report.sets.push(toSetReport(result));
    }
    this.ctx.onMessage?.(result, segments, g, ic);
  }
}
