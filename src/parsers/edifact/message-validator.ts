import type { ValidationError } from '../validation-report';
import type { MessageDef } from './definition.schema';
import { directoryOf, edifactDirectory, messageDefinition } from './definitions';
import { checkServiceSegment, readUnh, type UnhHeader } from './envelope';
import { MessageStructure } from './message-structure';
import type { EdifactSegment } from './segment';
import { compileSegment, validateCompiled, type CompiledSegment, type Dictionary } from './segment-validator';
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
  segmentCount: number;
}

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

const segmentDefCache = new WeakMap<MessageDef, (CompiledSegment | null)[]>();
/** The compiled segment definitions of a message (with its subset's overrides) by tag id, filled as tags appear. */
function segmentDefsOf(def: MessageDef): (CompiledSegment | null)[] {
  let m = segmentDefCache.get(def);
  if (!m) segmentDefCache.set(def, (m = []));
  return m;
}

/**
 * Validates one message as its segments arrive (UNH first, UNT last): the UNH and UNT as ISO 9735
 * defines them, every other segment's place in the message structure and its data elements
 * against the directory (with the subset's overrides), and every character against the character
 * set. Holds counters, not segments.
 */
export class MessageValidator {
  readonly header: UnhHeader;
  private readonly errors: ValidationError[] = [];
  private readonly structure?: MessageStructure;
  private readonly def?: MessageDef;
  private readonly dict?: Dictionary;
  private readonly directory?: string;
  private position = 0;
  private segmentDefs?: (CompiledSegment | null)[];

  constructor(unh: EdifactSegment, private readonly syntaxVersion: string, source: DefinitionSource, notAgreed?: string) {
    this.header = readUnh(unh);
    const h = this.header;
    const r = resolveDefinition(h, syntaxVersion, source);
    if (r.unsupported) {
      this.errors.push({ segment: 'UNH', element: 2, code: E.NO_AGREEMENT,
        message: `${h.type || 'message'} ${h.reference}: ${r.unsupported}; checked for envelope and characters only` });
    } else if (notAgreed) {
      this.errors.push({ segment: 'UNH', element: 2, code: E.NO_AGREEMENT, message: notAgreed });
    }
    if (r.def) {
      this.def = r.def;
      this.dict = r.dict;
      this.directory = r.directory;
      this.structure = new MessageStructure(r.def);
      this.segmentDefs = segmentDefsOf(r.def);
    }
    this.segment(unh);
  }

  /** One segment of the message body, or the UNT. */
  segment(seg: EdifactSegment): void {
    const position = ++this.position;
    const tag = seg.tag;
    const service = tag === 'UNH' || tag === 'UNT';
    const placed = this.structure ? this.structure.place(tag, position, seg.tagId) : true;
    let issues;
    if (service) issues = checkServiceSegment(seg, this.syntaxVersion);
    else if (this.segmentDefs && placed) {
      let compiled = this.segmentDefs[seg.tagId];
      if (compiled === undefined) {
        const def = this.dict!.segments[tag];
        this.segmentDefs[seg.tagId] = compiled = def ? compileSegment(def, this.dict!, this.def!.overrides[tag]) : null;
      }
      issues = validateCompiled(seg, compiled ?? undefined);
    } else issues = validateCompiled(seg, undefined);
    for (let i = 0; i < issues.length; i++) this.errors.push({ segment: tag, position, ...issues[i] });
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
    const structural = this.structure ? this.structure.finish(this.position) : [];
    let errors = messageErrors;
    if (this.errors.length || structural.length) {
      // Message-level first (UCM), then the segment and element errors in segment order (UCS, UCD).
      const all: ValidationError[] = [...this.errors, ...structural.map((x) => ({ segment: x.segment, position: x.position, code: x.code, message: x.message }))];
      errors = [...messageErrors, ...all.filter((e) => e.position === undefined),
        ...all.filter((e) => e.position !== undefined).sort((a, b) => a.position! - b.position! || (a.element ?? 0) - (b.element ?? 0))];
    }
    return {
      type: h.type, controlNumber: h.reference, header: h, directory: this.directory, association: h.association || undefined,
      status: errors.length ? 'rejected' : 'accepted', errors, segmentCount: this.position,
    };
  }
}
