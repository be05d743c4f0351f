import type { MessageDef, MessageNode } from './definition.schema';
import { tagId } from './segment';
import { SYNTAX_ERRORS as E } from './syntax-errors';

/** Structure issues a message keeps (message-validator.ts keeps as many of all its errors). */
const MAX_STRUCTURE_ISSUES = 200;

/** One segment-level problem, as UCS reports it. */
export interface SegmentIssue {
  segment: string;
  /** The segment's position in the message, UNH = 1 (UCS 0096). */
  position: number;
  code: string;
  message: string;
}

/** A message structure compiled once: per level, the nodes and which of them each tag can start. */
interface Level {
  nodes: Node[];
  /** Tag id (tagId()) -> the nodes that tag starts, in order. */
  byTag: (number[] | undefined)[];
  /** The indexes of the mandatory nodes: closing a repeat checks these, not every node. */
  mandatory: number[];
  group?: string;
  /** Index of this level among its message's levels (for per-message counter arrays). */
  id: number;
}
interface Node {
  /** The segment, or the group's trigger (first) segment. */
  tag: string;
  mandatory: boolean;
  max: number;
  /** For a segment group: its level. */
  children?: Level;
  name: string;
}

function compileLevel(nodes: MessageNode[], group: string | undefined, ids: { next: number }): Level {
  const id = ids.next++;
  const compiled: Node[] = nodes.map((n) => {
    if ('segment' in n) return { tag: n.segment, mandatory: n.req === 'M', max: n.max, name: n.segment };
    const children = compileLevel(n.children, n.group, ids);
    return { tag: children.nodes[0].tag, mandatory: n.req === 'M', max: n.max, children, name: `segment group ${n.group.slice(2)} (${children.nodes[0].tag})` };
  });
  const byTag: (number[] | undefined)[] = [];
  compiled.forEach((n, j) => { const id = tagId(n.tag); byTag[id] = [...(byTag[id] ?? []), j]; });
  return { nodes: compiled, byTag, mandatory: compiled.flatMap((n, j) => (n.mandatory && n.tag !== 'UNT' ? [j] : [])), group, id };
}

const compiledDefs = new WeakMap<MessageDef, { root: Level; tags: Set<string> }>();
function compile(def: MessageDef): { root: Level; tags: Set<string> } {
  let c = compiledDefs.get(def);
  if (!c) {
    const tags = new Set<string>();
    const walk = (nodes: MessageNode[]) => { for (const n of nodes) { if ('segment' in n) tags.add(n.segment); else walk(n.children); } };
    walk(def.structure);
    c = { root: compileLevel(def.structure, undefined, { next: 0 }), tags };
    compiledDefs.set(def, c);
  }
  return c;
}

interface Frame {
  level: Level;
  index: number;
  /** Uses of each node in this frame's current repeat. */
  counts: number[];
}

function zeros(n: number): number[] {
  const a: number[] = [];
  for (let k = 0; k < n; k++) a.push(0);
  return a;
}

const groupName = (g?: string) => (g ? ` in segment group ${g.slice(2)}` : '');

/**
 * Places the segments of one message (UNH..UNT), one at a time, in its definition's structure of
 * segments and segment groups: mandatory segments and groups missing (13), too many repeats (35,
 * 36), segments with no place where they stand (15). A group repeats each time its first segment
 * comes again. Holds only a stack of counters: a message of any length costs the same memory.
 */
export class MessageStructure {
  private readonly stack: Frame[];
  private readonly tags: Set<string>;
  readonly issues: SegmentIssue[] = [];
  /** Issues past the first MAX_STRUCTURE_ISSUES: counted, not kept (a message of a million stray segments). */
  dropped = 0;
  private note(issue: SegmentIssue): void {
    if (this.issues.length < MAX_STRUCTURE_ISSUES) this.issues.push(issue);
    else this.dropped++;
  }
  /** One counter array per group level, reused for each repeat (a level is on the stack once at most). */
  private readonly counters: number[][] = [];

  constructor(private readonly def: MessageDef) {
    const c = compile(def);
    this.tags = c.tags;
    this.stack = [{ level: c.root, index: 0, counts: zeros(c.root.nodes.length) }];
  }

  /** Places one segment; returns false when it has no place here (reported as 15). */
  place(tag: string, position: number, id = tagId(tag)): boolean {
    const stack = this.stack;
    for (let depth = stack.length - 1; depth >= 0; depth--) {
      const frame = stack[depth];
      const candidates = frame.level.byTag[id];
      if (candidates === undefined) continue;
      // A group's trigger segment starts a new repeat of the group: that is its parent's match to make.
      const start = frame.index > 0 || !frame.level.group ? frame.index : 1;
      for (let c = 0; c < candidates.length; c++) {
        const j = candidates[c];
        if (j < start) continue;
        const node = frame.level.nodes[j];
        if (depth < stack.length - 1) this.closeAbove(depth, position, tag);
        const counts = frame.counts;
        if (j !== frame.index) {
          this.missing(frame, frame.index, j, position, tag);
          for (let k = frame.index + 1; k <= j; k++) counts[k] = 0;
          frame.index = j;
        }
        const used = ++counts[j];
        if (used > node.max) {
          this.note(node.children
            ? { segment: tag, position, code: E.TOO_MANY_GROUP_REPETITIONS, message: `${node.name} occurs ${used} times; at most ${node.max}` }
            : { segment: tag, position, code: E.TOO_MANY_SEGMENT_REPETITIONS, message: `${tag} occurs ${used} times${groupName(frame.level.group)}; at most ${node.max}` });
        }
        if (node.children) {
          const level = node.children;
          let childCounts = this.counters[level.id];
          if (childCounts === undefined) this.counters[level.id] = childCounts = zeros(level.nodes.length);
          else for (let k = 0; k < childCounts.length; k++) childCounts[k] = 0;
          childCounts[0] = 1;
          stack.push({ level: node.children, index: 0, counts: childCounts });
        }
        return true;
      }
    }
    const group = stack[stack.length - 1].level.group;
    const why = !/^[A-Z]{3}$/.test(tag) ? `'${tag}' is not a segment tag`
      : !this.tags.has(tag) ? `${tag} is not a segment of ${this.def.id} ${this.def.directory}${this.def.association ? ` ${this.def.association}` : ''}`
        : `${tag} is out of sequence${group ? ` (in segment group ${group.slice(2)})` : ''}`;
    this.note({ segment: tag, position, code: E.NOT_SUPPORTED_IN_POSITION, message: why });
    return false;
  }

  /** At UNT (or the end of the message): whatever is mandatory and never came. */
  finish(position: number): SegmentIssue[] {
    this.closeAbove(0, position, 'the end of the message');
    const top = this.stack[0];
    this.missing(top, top.index, top.level.nodes.length, position, 'the end of the message');
    return this.issues;
  }

  private closeAbove(depth: number, position: number, at: string): void {
    while (this.stack.length - 1 > depth) {
      const f = this.stack.pop()!;
      this.missing(f, f.index, f.level.nodes.length, position, at);
    }
  }

  /** Mandatory nodes from..to-1 never used in this repeat. */
  private missing(frame: Frame, from: number, to: number, position: number, at: string): void {
    const level = frame.level;
    const mandatory = level.mandatory;
    for (let m = 0; m < mandatory.length; m++) {
      const k = mandatory[m];
      if (k < from) continue;
      if (k >= to) break;
      if (frame.counts[k] !== 0) continue;
      const node = level.nodes[k];
      this.note({ segment: node.tag, position, code: E.MISSING,
        message: `mandatory ${node.name} is missing${groupName(level.group)} (expected before ${at === 'the end of the message' ? at : `${at} at position ${position}`})` });
    }
  }
}
