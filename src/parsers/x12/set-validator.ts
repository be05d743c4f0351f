import type { StructureNode, TransactionSetDef } from './definition.schema';
import type { X12Dictionary } from './definitions';
import type { RawSegment } from './segment-reader';
import { validateSegment, type ElementError } from './segment-validator';
import { setIsClean } from './set-machine';
import { indexOfTags, maxOf, triggerOf } from './set-structure';

/** AK3 / IK3 segment syntax error codes (element 720 / 620). */
export const SEGMENT_ERRORS = {
  UNRECOGNIZED: '1',
  UNEXPECTED: '2',
  MANDATORY_MISSING: '3',
  LOOP_OVER_MAX: '4',
  SEGMENT_OVER_MAX: '5',
  NOT_IN_SET: '6',
  OUT_OF_SEQUENCE: '7',
  HAS_ELEMENT_ERRORS: '8',
} as const;

/** AK5 / IK5 transaction set syntax error codes (element 718). */
export const SET_ERRORS = {
  NOT_SUPPORTED: '1',
  TRAILER_MISSING: '2',
  CONTROL_MISMATCH: '3',
  COUNT_MISMATCH: '4',
  SEGMENTS_IN_ERROR: '5',
  BAD_SET_ID: '6',
  BAD_CONTROL_NUMBER: '7',
  CONTROL_NOT_UNIQUE: '23',
} as const;

export interface SegmentError {
  segment: string;
  /** Ordinal in the transaction set, ST = 1. */
  position: number;
  /** The loop the segment is in (AK303), when it is in one. */
  loop?: string;
  code: string;
  message: string;
  elements: ElementError[];
}

export interface SetIssue {
  code: string;
  message: string;
}

export type SetStatus = 'accepted' | 'accepted_with_errors' | 'rejected';

export interface SetResult {
  type: string;
  controlNumber: string;
  /** ST03, the implementation convention reference (005010). */
  convention?: string;
  status: SetStatus;
  setErrors: SetIssue[];
  /** The first MAX_SEGMENT_ERRORS of them, in order (the 997 lists these). */
  segmentErrors: SegmentError[];
  /** Segment errors past the first MAX_SEGMENT_ERRORS: counted, not kept. */
  segmentErrorsOmitted?: number;
  segmentCount: number;
}

/**
 * Segment errors a set's result keeps. A set of a million empty segments has a million errors:
 * kept, their objects and wording cost about 800 bytes per byte of input (a 1 MB file took 733 MB
 * and printed 50 MB), and a 997 that lists them helps nobody. The rest are counted.
 */
export const MAX_SEGMENT_ERRORS = 200;

/** Adds a segment error to the result, or counts it once the result holds MAX_SEGMENT_ERRORS. */
export function addSegmentError(result: SetResult, e: SegmentError): void {
  if (result.segmentErrors.length < MAX_SEGMENT_ERRORS) result.segmentErrors.push(e);
  else result.segmentErrorsOmitted = (result.segmentErrorsOmitted ?? 0) + 1;
}

/** The set-level note for its segment errors: how many, and how many of them are listed. */
export function segmentsInError(result: SetResult): SetIssue {
  const total = result.segmentErrors.length + (result.segmentErrorsOmitted ?? 0);
  return { code: SET_ERRORS.SEGMENTS_IN_ERROR, message: `${total} segment error(s)${result.segmentErrorsOmitted ? ` (the first ${result.segmentErrors.length} listed)` : ''}` };
}

interface Frame {
  nodes: StructureNode[];
  index: number;
  /** Uses of each node in this frame's current iteration. */
  counts: number[];
  loop?: string;
}

/** Depth-first ordinal of every structure node, to tell "out of sequence" from "unexpected". */
function ordinals(def: TransactionSetDef): { of: Map<StructureNode, number>; byTag: Map<string, number[]> } {
  const of = new Map<StructureNode, number>();
  const byTag = new Map<string, number[]>();
  let n = 0;
  const walk = (nodes: StructureNode[]) => {
    for (const node of nodes) {
      of.set(node, n++);
      if ('segment' in node) byTag.set(node.segment, [...(byTag.get(node.segment) ?? []), n - 1]);
      else walk(node.children);
    }
  };
  walk(def.structure);
  return { of, byTag };
}
const ordinalCache = new WeakMap<TransactionSetDef, ReturnType<typeof ordinals>>();

const nameOf = (node: StructureNode): string => ('segment' in node ? node.segment : `loop ${node.loop}`);

/**
 * Places each segment of one transaction set (ST..SE) in the set's structure and checks each
 * segment's elements. Reports what AK3/AK4/AK5 (or IK3/IK4/IK5) need. Pure.
 *
 * Most sets are clean: the compiled machine (set-machine.ts) says so at a fraction of the cost,
 * and only a set it does not pass is walked here to find and word its errors.
 */
export function validateSet(segments: readonly RawSegment[], def: TransactionSetDef, dict: X12Dictionary,
  /** ST01 and ST02, when the caller has read them already. */
  st?: { type: string; controlNumber: string }): SetResult {
  if (setIsClean(segments, def, dict)) return emptyResult(segments, st);
  return explainSet(segments, def, dict, st);
}

function emptyResult(segments: readonly RawSegment[], st?: { type: string; controlNumber: string }): SetResult {
  const first = segments[0];
  return {
    type: st ? st.type : first.element(1) ?? '', controlNumber: st ? st.controlNumber : first.element(2) ?? '', convention: first.element(3) || undefined,
    status: 'accepted', setErrors: [], segmentErrors: [], segmentCount: segments.length,
  };
}

/**
 * The tree walk: every segment placed by searching the open loops, every error worded. What
 * validateSet returns for a set the fast check does not pass; exported so that tests can hold
 * the two to the same answers.
 */
export function explainSet(segments: readonly RawSegment[], def: TransactionSetDef, dict: X12Dictionary,
  st?: { type: string; controlNumber: string }): SetResult {
  const result = emptyResult(segments, st);
  const ords = ordinalCache.get(def) ?? ordinals(def);
  ordinalCache.set(def, ords);
  const stack: Frame[] = [{ nodes: def.structure, index: 0, counts: def.structure.map(() => 0) }];
  let lastOrdinal = -1;

  const missing = (frame: Frame, from: number, to: number, position: number, at: string) => {
    for (let k = from; k < to; k++) {
      const node = frame.nodes[k];
      // A missing SE is the envelope's finding (trailer missing), not a segment error.
      if (node.req === 'M' && frame.counts[k] === 0 && triggerOf(node) !== 'SE') {
        addSegmentError(result, { segment: triggerOf(node), position, loop: frame.loop, code: SEGMENT_ERRORS.MANDATORY_MISSING,
          message: `mandatory ${nameOf(node)} is missing${frame.loop ? ` in loop ${frame.loop}` : ''} (expected before ${at} at position ${position})`,
          elements: [] });
      }
    }
  };
  const closeAbove = (depth: number, position: number, at: string) => {
    while (stack.length - 1 > depth) {
      const f = stack.pop()!;
      missing(f, f.index, f.nodes.length, position, at);
    }
  };

  segments.forEach((seg, i) => {
    const position = i + 1;
    const tag = seg.tag;
    let placed: { loop?: string } | undefined;
    let structural: SegmentError | undefined;

    search: for (let depth = stack.length - 1; depth >= 0; depth--) {
      const frame = stack[depth];
      // A loop's first segment starts a new repeat of the loop: that is its parent's match to make.
      const start = Math.max(frame.index, frame.loop ? 1 : 0);
      const candidates = indexOfTags(frame.nodes).get(tag);
      if (!candidates) continue;
      for (const j of candidates) {
        if (j < start) continue;
        const node = frame.nodes[j];
        closeAbove(depth, position, tag);
        missing(frame, frame.index, j, position, tag);
        // A node seen again at the same index is another use of it; a later node starts at one.
        if (j !== frame.index) frame.counts.fill(0, frame.index + 1, j + 1);
        frame.index = j;
        frame.counts[j]++;
        lastOrdinal = ords.of.get(node)!;
        if ('segment' in node) {
          if (frame.counts[j] > maxOf(node)) {
            structural = { segment: tag, position, loop: frame.loop, code: SEGMENT_ERRORS.SEGMENT_OVER_MAX,
              message: `${tag} is used ${frame.counts[j]} times${frame.loop ? ` in loop ${frame.loop}` : ''}; at most ${node.max}`, elements: [] };
          }
          placed = { loop: frame.loop };
        } else {
          if (frame.counts[j] > maxOf(node)) {
            structural = { segment: tag, position, loop: node.loop, code: SEGMENT_ERRORS.LOOP_OVER_MAX,
              message: `loop ${node.loop} occurs ${frame.counts[j]} times; at most ${node.max}`, elements: [] };
          }
          stack.push({ nodes: node.children, index: 0, counts: node.children.map((_, k) => (k === 0 ? 1 : 0)), loop: node.loop });
          lastOrdinal = ords.of.get(node.children[0])!;
          placed = { loop: node.loop };
        }
        break search;
      }
    }

    if (!placed) {
      const loop = stack[stack.length - 1].loop;
      if (!/^[A-Z][A-Z0-9]{1,2}$/.test(tag) || !dict.segments[tag]) {
        structural = { segment: tag, position, loop, code: SEGMENT_ERRORS.UNRECOGNIZED, message: `unrecognized segment ID '${tag}'`, elements: [] };
      } else if (!ords.byTag.has(tag)) {
        structural = { segment: tag, position, loop, code: SEGMENT_ERRORS.NOT_IN_SET, message: `${tag} is not a segment of transaction set ${def.id}`, elements: [] };
      } else if (ords.byTag.get(tag)!.some((o) => o < lastOrdinal)) {
        structural = { segment: tag, position, loop, code: SEGMENT_ERRORS.OUT_OF_SEQUENCE, message: `${tag} is not in its proper sequence`, elements: [] };
      } else {
        structural = { segment: tag, position, loop, code: SEGMENT_ERRORS.UNEXPECTED, message: `${tag} is not expected here (its loop has not started)`, elements: [] };
      }
      addSegmentError(result, structural);
      return;
    }

    const elementErrors = validateSegment(seg, dict);
    if (structural) {
      structural.elements = elementErrors;
      addSegmentError(result, structural);
    } else if (elementErrors.length) {
      addSegmentError(result, { segment: tag, position, loop: placed.loop, code: SEGMENT_ERRORS.HAS_ELEMENT_ERRORS,
        message: elementErrors.map((e) => e.message).join('; '), elements: elementErrors });
    }
  });
  // Whatever is still open at the end lacks its mandatory rest (SE itself is checked by the envelope).
  closeAbove(0, segments.length, 'the end of the set');
  missing(stack[0], stack[0].index, stack[0].nodes.length, segments.length, 'the end of the set');

  if (result.segmentErrors.length) result.setErrors.push(segmentsInError(result));
  return result;
}
