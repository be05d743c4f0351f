import type { MessageDef, MessageNode } from './definition.schema';
import { SYNTAX_ERRORS as E } from './syntax-errors';

/** One segment-level problem, as UCS reports it. */
export interface SegmentIssue {
  segment: string;
  /** The segment's position in the message, UNH = 1 (UCS 0096). */
  position: number;
  code: string;
  message: string;
}

interface Frame {
  nodes: MessageNode[];
  index: number;
  /** Uses of each node in this frame's current repeat. */
  counts: number[];
  group?: string;
}

const triggers = new WeakMap<MessageNode, string>();
/** The tag that starts a node: its segment, or its group's first (trigger) segment. */
function triggerOf(node: MessageNode): string {
  let t = triggers.get(node);
  if (t === undefined) {
    t = 'segment' in node ? node.segment : triggerOf(node.children[0]);
    triggers.set(node, t);
  }
  return t;
}

const tagIndexes = new WeakMap<MessageNode[], Map<string, number[]>>();
/** For one level of a structure: each starting tag and the positions of the nodes it starts. */
function indexOfTags(nodes: MessageNode[]): Map<string, number[]> {
  let m = tagIndexes.get(nodes);
  if (!m) {
    m = new Map();
    nodes.forEach((node, j) => {
      const t = triggerOf(node);
      m!.set(t, [...(m!.get(t) ?? []), j]);
    });
    tagIndexes.set(nodes, m);
  }
  return m;
}

const allTags = new WeakMap<MessageDef, Set<string>>();
function tagsOf(def: MessageDef): Set<string> {
  let s = allTags.get(def);
  if (!s) {
    s = new Set();
    const walk = (nodes: MessageNode[]) => { for (const n of nodes) { if ('segment' in n) s!.add(n.segment); else walk(n.children); } };
    walk(def.structure);
    allTags.set(def, s);
  }
  return s;
}

const nameOf = (node: MessageNode) => ('segment' in node ? node.segment : `segment group ${node.group.slice(2)} (${triggerOf(node)})`);

/**
 * Places the segments of one message (UNH..UNT), one at a time, in its definition's structure of
 * segments and segment groups: mandatory segments and groups missing (13), too many repeats (35,
 * 36), segments with no place where they stand (15). A group repeats each time its first segment
 * comes again. Holds only a stack of counters: a message of any length costs the same memory.
 */
export class MessageStructure {
  private readonly stack: Frame[];
  readonly issues: SegmentIssue[] = [];

  constructor(private readonly def: MessageDef) {
    this.stack = [{ nodes: def.structure, index: 0, counts: def.structure.map(() => 0) }];
  }

  /** The group the last placed segment is in (for a message), or undefined at the top level. */
  get group(): string | undefined {
    return this.stack[this.stack.length - 1].group;
  }

  /** Places one segment; returns false when it has no place here (reported as 15). */
  place(tag: string, position: number): boolean {
    const stack = this.stack;
    for (let depth = stack.length - 1; depth >= 0; depth--) {
      const frame = stack[depth];
      // A group's trigger segment starts a new repeat of the group: that is its parent's match to make.
      const start = Math.max(frame.index, frame.group ? 1 : 0);
      const candidates = indexOfTags(frame.nodes).get(tag);
      if (!candidates) continue;
      for (const j of candidates) {
        if (j < start) continue;
        const node = frame.nodes[j];
        this.closeAbove(depth, position, tag);
        this.missing(frame, frame.index, j, position, tag);
        if (j !== frame.index) frame.counts.fill(0, frame.index + 1, j + 1);
        frame.index = j;
        frame.counts[j]++;
        if ('segment' in node) {
          if (frame.counts[j] > node.max) {
            this.issues.push({ segment: tag, position, code: E.TOO_MANY_SEGMENT_REPETITIONS,
              message: `${tag} occurs ${frame.counts[j]} times${frame.group ? ` in segment group ${frame.group.slice(2)}` : ''}; at most ${node.max}` });
          }
        } else {
          if (frame.counts[j] > node.max) {
            this.issues.push({ segment: tag, position, code: E.TOO_MANY_GROUP_REPETITIONS,
              message: `segment group ${node.group.slice(2)} (${tag}) occurs ${frame.counts[j]} times; at most ${node.max}` });
          }
          stack.push({ nodes: node.children, index: 0, counts: node.children.map((_, k) => (k === 0 ? 1 : 0)), group: node.group });
        }
        return true;
      }
    }
    const where = this.group ? ` (in segment group ${this.group.slice(2)})` : '';
    const why = !/^[A-Z]{3}$/.test(tag) ? `'${tag}' is not a segment tag`
      : !tagsOf(this.def).has(tag) ? `${tag} is not a segment of ${this.def.id} ${this.def.directory}${this.def.association ? ` ${this.def.association}` : ''}`
        : `${tag} is out of sequence${where}`;
    this.issues.push({ segment: tag, position, code: E.NOT_SUPPORTED_IN_POSITION, message: why });
    return false;
  }

  /** At UNT (or the end of the message): whatever is mandatory and never came. */
  finish(position: number): SegmentIssue[] {
    this.closeAbove(0, position, 'the end of the message');
    const top = this.stack[0];
    this.missing(top, top.index, top.nodes.length, position, 'the end of the message');
    return this.issues;
  }

  private closeAbove(depth: number, position: number, at: string): void {
    while (this.stack.length - 1 > depth) {
      const f = this.stack.pop()!;
      this.missing(f, f.index, f.nodes.length, position, at);
    }
  }

  private missing(frame: Frame, from: number, to: number, position: number, at: string): void {
    for (let k = from; k < to; k++) {
      const node = frame.nodes[k];
      // A missing UNT is the envelope's finding, not a segment error.
      if (node.req === 'M' && frame.counts[k] === 0 && triggerOf(node) !== 'UNT') {
        this.issues.push({ segment: triggerOf(node), position, code: E.MISSING,
          message: `mandatory ${nameOf(node)} is missing${frame.group ? ` in segment group ${frame.group.slice(2)}` : ''} (expected before ${at === 'the end of the message' ? at : `${at} at position ${position}`})` });
      }
    }
  }
}
