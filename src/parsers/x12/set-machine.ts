import type { StructureNode, TransactionSetDef } from './definition.schema';
import type { X12Dictionary } from './definitions';
import type { RawSegment } from './segment-reader';
import type { X12Delimiters } from './delimiters';
import { compiledSegment, compiledSegments, delimiterCodes, segmentIsClean, type DelimiterCodes } from './segment-checker';
import { indexOfTags, maxOf, triggerOf } from './set-structure';
import { NO_TAG, tagCode, TAG_CODES } from './tag-codes';

/**
 * The fast half of set validation: a transaction set definition compiled into a table of
 * (state, tag) -> transition, where a state is the structure node last matched. validateSet's
 * walk over the tree (set-validator.ts) places a segment by searching the open loops; here that
 * search is made once per (state, tag) and remembered, with what it would find wrong: a missing
 * mandatory segment or a segment that cannot be placed makes the transition DIRTY. Only uses are
 * counted as the set is read. Like segment-checker.ts it says clean or not; validateSet's walk
 * then explains a set that is not.
 */

interface Frame {
  nodes: StructureNode[];
  index: number;
  loop: boolean;
}

interface Transition {
  /** The state after: the ordinal of the node matched (a loop's first child, for a loop). */
  to: number;
  /** Another use of the same node (count up and check max) rather than the first (count 1). */
  repeat: boolean;
  max: number;
  /** For a loop started or repeated: the loop node's ordinal, else -1. */
  loop: number;
  loopRepeat: boolean;
  loopMax: number;
}

const DIRTY = null;

interface Machine {
  /** Frames from the root to each state's node, the node's frame index at that node. */
  paths: Frame[][];
  initial: number;
  /** Tag code -> index among the set's tags, -1 for a tag the set does not have. */
  tagIndex: Int16Array;
  tags: string[];
  transitions: (Transition | null | undefined)[];
  /** Per state: ending the set there leaves nothing mandatory missing (1), something (0), unknown (-1). */
  endClean: Int8Array;
  counts: Int32Array;
}

const machines = new WeakMap<TransactionSetDef, Machine>();

function build(def: TransactionSetDef): Machine {
  const paths: Frame[][] = [];
  const tags: string[] = [];
  const tagIndex = new Int16Array(TAG_CODES).fill(-1);
  const walk = (nodes: StructureNode[], above: Frame[], loop: boolean) => {
    nodes.forEach((node, index) => {
      const path = [...above, { nodes, index, loop }];
      paths.push(path);
      const code = 'segment' in node ? tagCode(node.segment) : NO_TAG;
      if (code !== NO_TAG && tagIndex[code] < 0) {
        tagIndex[code] = tags.length;
        tags.push((node as { segment: string }).segment);
      }
      if ('children' in node) walk(node.children, path, true);
    });
  };
  walk(def.structure, [], false);
  // Before ST: the root frame at its first node, which has not been used yet.
  const initial = paths.length;
  paths.push([{ nodes: def.structure, index: 0, loop: false }]);
  return {
    paths, initial, tagIndex, tags, transitions: new Array<Transition | null | undefined>(paths.length * tags.length),
    endClean: new Int8Array(paths.length).fill(-1), counts: new Int32Array(paths.length),
  };
}

/** A mandatory node in nodes[from, to) (SE excepted: a missing trailer is the envelope's finding). */
function mandatoryIn(nodes: StructureNode[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (nodes[k].req === 'M' && triggerOf(nodes[k]) !== 'SE') return true;
  return false;
}

/** Ordinal of a node: its position in the machine's paths (depth-first, as validateSet's ordinals). */
function ordinalOf(m: Machine, nodes: StructureNode[], index: number): number {
  const i = m.paths.findIndex((p) => p[p.length - 1].nodes === nodes && p[p.length - 1].index === index);
  if (i < 0 || i === m.initial) throw new Error('set machine: node not found');
  return i;
}

/** validateSet's search for a tag from a state, made once: where it lands, or DIRTY. */
function transition(m: Machine, state: number, tag: string): Transition | null {
  const path = m.paths[state];
  const initial = state === m.initial;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const f = path[depth];
    const start = Math.max(f.index, f.loop ? 1 : 0);
    const candidates = indexOfTags(f.nodes).get(tag);
    if (!candidates) continue;
    for (const j of candidates) {
      if (j < start) continue;
      // Loops closed by this segment must have had their mandatory rest, and so must the nodes skipped here.
      for (let d = path.length - 1; d > depth; d--) if (mandatoryIn(path[d].nodes, path[d].index + 1, path[d].nodes.length)) return DIRTY;
      if (mandatoryIn(f.nodes, initial ? f.index : f.index + 1, j)) return DIRTY;
      const node = f.nodes[j];
      const repeat = j === f.index;
      if ('segment' in node) return { to: ordinalOf(m, f.nodes, j), repeat, max: maxOf(node), loop: -1, loopRepeat: false, loopMax: 0 };
      return { to: ordinalOf(m, node.children, 0), repeat: false, max: maxOf(node.children[0]),
        loop: ordinalOf(m, f.nodes, j), loopRepeat: repeat, loopMax: maxOf(node) };
    }
  }
  return DIRTY;
}

function endIsClean(m: Machine, state: number): boolean {
  const path = m.paths[state];
  for (let d = path.length - 1; d >= 0; d--) {
    const f = path[d];
    if (mandatoryIn(f.nodes, state === m.initial ? f.index : f.index + 1, f.nodes.length)) return false;
  }
  return true;
}

// One interchange's delimiters serve all its sets: their char codes are worked out once.
let lastDelimiters: X12Delimiters | undefined;
let lastCodes: DelimiterCodes;

/**
 * Whether a transaction set is clean: every segment placed in the structure without a mandatory
 * segment skipped or a use over its maximum, every element valid, nothing mandatory missing at the end.
 */
export function setIsClean(segments: readonly RawSegment[], def: TransactionSetDef, dict: X12Dictionary): boolean {
  let m = machines.get(def);
  if (!m) machines.set(def, m = build(def));
  const counts = m.counts;
  counts.fill(0);
  const nTags = m.tags.length;
  const d = segments[0].delimiters;
  if (d !== lastDelimiters) lastCodes = delimiterCodes(lastDelimiters = d);
  const dl = lastCodes;
  const byCode = compiledSegments(dict);
  let state = m.initial;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const code = seg.tagCode;
    if (code === NO_TAG) return false;
    const local = m.tagIndex[code];
    if (local < 0) return false;
    const slot = state * nTags + local;
    let t = m.transitions[slot];
    if (t === undefined) m.transitions[slot] = t = transition(m, state, m.tags[local]);
    if (t === DIRTY) return false;
    if (t.loop >= 0) {
      if (!t.loopRepeat) counts[t.loop] = 1;
      else if (++counts[t.loop] > t.loopMax) return false;
    }
    if (!t.repeat) counts[t.to] = 1;
    else if (++counts[t.to] > t.max) return false;
    state = t.to;
    const cs = byCode[code] ?? compiledSegment(dict, code, byCode);
    if (cs && !segmentIsClean(seg.src, seg.start, seg.end, cs, dl)) return false;
  }
  let end = m.endClean[state];
  if (end < 0) m.endClean[state] = end = endIsClean(m, state) ? 1 : 0;
  return end === 1;
}
