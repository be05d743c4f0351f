import { cachedExtension, extendDictionary, type AddedCodes } from '../added-codes';
import type { ValidationError } from '../validation-report';
import type { MessageDef } from './definition.schema';
import { directoryOf, edifactDirectory, messageDefinition } from './definitions';
import { checkServiceSegment, readUnh, type UnhHeader } from './envelope';
import { MessageMachine } from './message-machine';
import { MessageStructure } from './message-structure';
import { tagId, type EdifactSegment } from './segment';
import { fastSegment, segmentIsClean, type FastSegment } from './segment-checker';
import { compileSegment, validateCompiled, type CompiledSegment, type Dictionary } from './segment-validator';
import { serviceDictionary } from './service-segments';
import { SYNTAX_ERRORS as E } from './syntax-errors';

/** Where message definitions come from: the directories under definitions/, or a test's own. */
export interface DefinitionSource {
  dictionary(directory: string): Dictionary | undefined;
  message(directory: string, type: string, association?: string): MessageDef | undefined;
}

export const DIRECTORY_DEFINITIONS: DefinitionSource = {
  dictionary: (d) => edifactDirectory(d),
  message: (d, t, a) => messageDefinition(d, t, a),
};

export type MessageStatus = 'accepted' | 'accepted_with_errors' | 'rejected';

/** One validated message (UNH..UNT): what the report and CONTRL's UCM/UCS/UCD need. */
export interface MessageResult {
  type: string;
  controlNumber: string;
  header: UnhHeader;
  /** The directory it was checked against (D96A), or undefined when it was checked for envelope and characters only. */
  directory?: string;
  association?: string;
  status: MessageStatus;
  /** Message-level errors (no position: UCM), then segment (UCS) and element (UCD) errors in order. */
  errors: ValidationError[];
  /** Segment and element errors past the first MAX_MESSAGE_ERRORS: counted, not kept (CONTRL lists the kept ones). */
  errorsOmitted?: number;
  segmentCount: number;
}

/**
 * Segment and element errors a message's result keeps. A message of a million empty segments has
 * a million errors: kept, they cost about 800 bytes per byte of input, and a CONTRL that lists
 * them helps nobody. The rest are counted.
 */
export const MAX_MESSAGE_ERRORS = 200;

/**
 * The definition a message is checked against. A message of a type or directory we have no
 * definition for is checked for its envelope and characters only and rejected with 17 "no
 * agreement": we cannot tell the sender it is correct, and nothing downstream could use it, so
 * accepting it (7) would be a promise we cannot keep; 17 says plainly that this is outside what we
 * agreed to receive, not that the sender wrote it wrong. CONTRL written with its service version
 * (CONTRL:2:2:UN, CONTRL:D:3:UN) is read against the D96A layout in syntax 1-3; in syntax 4
 * (CONTRL:4:1:UN) it is checked for envelope and characters only, and accepted: an acknowledgment
 * must always be readable.
 */
export function resolveDefinition(h: UnhHeader, syntaxVersion: string, source: DefinitionSource):
  { def?: MessageDef; dict?: Dictionary; directory?: string; unsupported?: string } {
  if (h.version === 'D' && /^\d\d[AB]$/.test(h.release)) {
    const directory = directoryOf(h.version, h.release);
    const dict = source.dictionary(directory);
    const def = dict ? source.message(directory, h.type, h.association || undefined) : undefined;
    if (def && dict) return { def, dict, directory };
    return { unsupported: dict ? `${h.type} is not a message we hold a definition for in ${directory}` : `directory ${directory} is not one we hold definitions for` };
  }
  if (h.type === 'CONTRL') {
    if (syntaxVersion === '4') return {};
    const dict = source.dictionary('D96A');
    const def = dict ? source.message('D96A', 'CONTRL') : undefined;
    return def && dict ? { def, dict, directory: 'D96A' } : {};
  }
  return { unsupported: `message version '${h.version}' release '${h.release}' is not a directory (D + release, e.g. D:96A)` };
}

type Resolved = ReturnType<typeof resolveDefinition>;
const resolvedCache = new WeakMap<DefinitionSource, Map<string, Resolved>>();
/** resolveDefinition remembered per source: asked once per message, the same few answers each time. */
let last: { h: UnhHeader; syntaxVersion: string; source: DefinitionSource; r: Resolved } | undefined;
function resolvedDefinition(h: UnhHeader, syntaxVersion: string, source: DefinitionSource): Resolved {
  // The usual question is the last one again (an interchange of one message type).
  const l = last;
  if (l !== undefined && l.source === source && l.syntaxVersion === syntaxVersion && l.h.type === h.type && l.h.version === h.version
    && l.h.release === h.release && l.h.association === h.association) return l.r;
  let bySource = resolvedCache.get(source);
  if (!bySource) resolvedCache.set(source, (bySource = new Map()));
  // Lengths first, so that no values run into each other whatever characters they hold.
  const key = `${syntaxVersion.length},${h.version.length},${h.release.length},${h.type.length},${h.association.length}:${syntaxVersion}${h.version}${h.release}${h.type}${h.association}`;
  let r = bySource.get(key);
  if (!r) {
    r = resolveDefinition(h, syntaxVersion, source);
    if (bySource.size < 1000) bySource.set(key, r);
  }
  last = { h, syntaxVersion, source, r };
  return r;
}

type PerDictionary<T> = WeakMap<MessageDef, WeakMap<Dictionary, T[]>>;
/** A list per message definition and dictionary (a partner's added codes give it a dictionary of its own). */
function listOf<T>(cache: PerDictionary<T>, def: MessageDef, dict: Dictionary): T[] {
  let byDict = cache.get(def);
  if (!byDict) cache.set(def, (byDict = new WeakMap()));
  let m = byDict.get(dict);
  if (!m) byDict.set(dict, (m = []));
  return m;
}
const segmentDefCache: PerDictionary<CompiledSegment | null> = new WeakMap();
/** The compiled segment definitions of a message (with its subset's overrides) by tag id, filled as tags appear. */
const segmentDefsOf = (def: MessageDef, dict: Dictionary) => listOf(segmentDefCache, def, dict);
const fastDefCache: PerDictionary<FastSegment | null> = new WeakMap();
const fastDefsOf = (def: MessageDef, dict: Dictionary) => listOf(fastDefCache, def, dict);

const UNH = tagId('UNH');
const UNT = tagId('UNT');
/** UNH and UNT as checkServiceSegment checks them (nothing beyond the segment check for these two). */
const SERVICE_FAST = new Map(['3', '4'].map((v) => {
  const dict = serviceDictionary(v);
  return [v, { unh: fastSegment(compileSegment(dict.segments.UNH, dict)), unt: fastSegment(compileSegment(dict.segments.UNT, dict)) }];
}));

/**
 * Segments held while a message is clean, to be checked again in full if it turns out not to be.
 * Past this many, a message is checked in full from its start, so that memory stays flat
 * whatever a message's length.
 */
const HOLD_LIMIT = 4096;

/**
 * Arrays that held finished messages, for the next ones (one per message would be garbage by the
 * million). Only short ones are kept: what is left in them past the next message's length keeps
 * old input alive.
 */
const spareHeld: EdifactSegment[][] = [];
function releaseHeld(held: EdifactSegment[]): void {
  if (held.length <= 512 && spareHeld.length < 8) spareHeld.push(held);
}

/**
 * Validates one message as its segments arrive (UNH first, UNT last): the UNH and UNT as ISO 9735
 * defines them, every other segment's place in the message structure and its data elements
 * against the directory (with the subset's overrides), and every character against the character
 * set.
 *
 * Two checks give one answer. The fast one (message-machine.ts, segment-checker.ts) only says
 * whether the message is clean, and holds its segments meanwhile; the first time it says no, the
 * held segments and all that follow go through the full one (MessageStructure, validateCompiled,
 * checkServiceSegment), which words every error: codes and messages have one source, and a test
 * (edifact-fast-paths.test.ts) holds the two to the same answers.
 */
export class MessageValidator {
  readonly header: UnhHeader;
  private readonly errors: ValidationError[] = [];
  private omitted = 0;
  private structure?: MessageStructure;
  private readonly def?: MessageDef;
  private readonly dict?: Dictionary;
  private readonly directory?: string;
  private position = 0;
  private segmentDefs?: (CompiledSegment | null)[];
  /** While the fast check has found nothing: its walk, and the segments it passed. */
  private machine?: MessageMachine;
  private held?: EdifactSegment[];
  private fastDefs?: (FastSegment | null)[];
  private readonly service?: { unh: FastSegment; unt: FastSegment };

  /**
   * `fullCheck`: every segment through the full check from the start (tests compare the two).
   * `addedCodes`: the sending partner's own codes for this message type (profile
   * validation.addCodes), accepted beyond the directory's lists.
   */
  constructor(unh: EdifactSegment, private readonly syntaxVersion: string, source: DefinitionSource, notAgreed?: string, fullCheck = false,
    addedCodes?: AddedCodes) {
    this.header = readUnh(unh);
    const h = this.header;
    const r = resolvedDefinition(h, syntaxVersion, source);
    if (r.unsupported) {
      this.errors.push({ segment: 'UNH', element: 2, code: E.NO_AGREEMENT,
        message: `${h.type || 'message'} ${h.reference}: ${r.unsupported}; checked for envelope and characters only` });
    } else if (notAgreed) {
      this.errors.push({ segment: 'UNH', element: 2, code: E.NO_AGREEMENT, message: notAgreed });
    }
    if (r.def && r.dict) {
      const dict = addedCodes ? cachedExtension(r.dict, addedCodes, extendDictionary) : r.dict;
      this.def = r.def;
      this.dict = dict;
      this.directory = r.directory;
      this.segmentDefs = segmentDefsOf(r.def, dict);
      this.service = SERVICE_FAST.get(syntaxVersion === '4' ? '4' : '3');
      if (!this.errors.length && !fullCheck) {
        this.machine = new MessageMachine(r.def);
        this.held = spareHeld.pop() ?? [];
        this.fastDefs = fastDefsOf(r.def, dict);
      } else this.structure = new MessageStructure(r.def);
    }
    this.segment(unh);
  }

  /** One segment of the message body, or the UNT. */
  segment(seg: EdifactSegment): void {
    const held = this.held;
    if (held === undefined) return this.check(seg);
    // held[0, position) are this message's segments (the array may be a finished message's, reused).
    if (this.position < HOLD_LIMIT && this.isClean(seg)) {
      held[this.position++] = seg;
      return;
    }
    this.explain();
    this.check(seg);
  }

  /** The fast check of one segment: placed, and its elements clean. */
  private isClean(seg: EdifactSegment): boolean {
    const id = seg.tagId;
    if (!this.machine!.place(id)) return false;
    if (id === UNH) return segmentIsClean(seg, this.service!.unh);
    if (id === UNT) return segmentIsClean(seg, this.service!.unt);
    let fast = this.fastDefs![id];
    if (fast === undefined) this.fastDefs![id] = fast = ((c) => (c ? fastSegment(c) : null))(this.compiled(seg));
    return fast !== null && segmentIsClean(seg, fast);
  }

  /** Leaves the fast check: the segments it held go through the full one, from the UNH. */
  private explain(): void {
    const held = this.held!;
    const n = this.position;
    this.held = undefined;
    this.machine!.release();
    this.machine = undefined;
    this.structure = new MessageStructure(this.def!);
    this.position = 0;
    for (let i = 0; i < n; i++) this.check(held[i]);
    releaseHeld(held);
  }

  private compiled(seg: EdifactSegment): CompiledSegment | null {
    let compiled = this.segmentDefs![seg.tagId];
    if (compiled === undefined) {
      const def = this.dict!.segments[seg.tag];
      this.segmentDefs![seg.tagId] = compiled = def ? compileSegment(def, this.dict!, this.def!.overrides[seg.tag]) : null;
    }
    return compiled;
  }

  /** The full check of one segment, every problem worded. */
  private check(seg: EdifactSegment): void {
    const position = ++this.position;
    const tag = seg.tag;
    const service = tag === 'UNH' || tag === 'UNT';
    const placed = this.structure ? this.structure.place(tag, position, seg.tagId) : true;
    let issues;
    if (service) issues = checkServiceSegment(seg, this.syntaxVersion);
    else if (this.segmentDefs && placed) issues = validateCompiled(seg, this.compiled(seg) ?? undefined);
    else issues = validateCompiled(seg, undefined);
    for (let i = 0; i < issues.length; i++) {
      if (this.errors.length < MAX_MESSAGE_ERRORS) this.errors.push({ segment: tag, position, ...issues[i] });
      else this.omitted++;
    }
  }

  /** Closes the message at its UNT (or without one when the input says otherwise). */
  finish(unt: EdifactSegment | undefined, duplicateRef: boolean): MessageResult {
    const h = this.header;
    const messageErrors: ValidationError[] = [];
    if (duplicateRef) messageErrors.push({ segment: 'UNH', element: 1, code: E.DUPLICATE, message: `message reference ${h.reference} is used twice in this interchange` });
    if (!unt) {
      messageErrors.push({ segment: 'UNT', code: E.MISSING, message: `message ${h.reference} (${h.type}) has no UNT trailer` });
    } else {
      const count = unt.value(1);
      const ref = unt.value(2);
      if (ref !== h.reference) messageErrors.push({ segment: 'UNT', element: 2, code: E.REFERENCES_MISMATCH, message: `UNT reference '${ref}' does not match UNH '${h.reference}'` });
      if (!/^\d{1,6}$/.test(count) || Number(count) !== this.position) {
        messageErrors.push({ segment: 'UNT', element: 1, code: E.COUNT_MISMATCH, message: `UNT says ${count || '(nothing)'} segments; the message has ${this.position} (UNH to UNT)` });
      }
    }
    if (this.held && !this.machine!.endIsClean()) this.explain();
    if (this.held) releaseHeld(this.held);
    this.held = undefined;
    this.machine?.release();
    this.machine = undefined;
    const structural = this.structure ? this.structure.finish(this.position) : [];
    let errors = messageErrors;
    let omitted = this.omitted + (this.structure?.dropped ?? 0);
    if (this.errors.length || structural.length) {
      // Message-level first (UCM), then the segment and element errors in segment order (UCS, UCD).
      const all: ValidationError[] = [...this.errors, ...structural.map((x) => ({ segment: x.segment, position: x.position, code: x.code, message: x.message }))];
      const positioned = all.filter((e) => e.position !== undefined).sort((a, b) => a.position! - b.position! || (a.element ?? 0) - (b.element ?? 0));
      const kept = positioned.slice(0, MAX_MESSAGE_ERRORS);
      omitted += positioned.length - kept.length;
      errors = [...messageErrors, ...all.filter((e) => e.position === undefined), ...kept];
    }
    return {
      type: h.type, controlNumber: h.reference, header: h, directory: this.directory, association: h.association || undefined,
      status: errors.length || omitted ? 'rejected' : 'accepted', errors, ...(omitted ? { errorsOmitted: omitted } : {}), segmentCount: this.position,
    };
  }
}
