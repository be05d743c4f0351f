import type { MessageDef, MessageNode } from './definition.schema';
import { tagId } from './segment';

/**
 * The fast half of the message structure check: a message definition compiled into a table of
 * (state, tag) -> transition, where a state is the segment node last matched. MessageStructure
 * (message-structure.ts) places a segment by searching the open segment groups; here that search
 * is made once per (state, tag) and remembered, with what it would find wrong: a mandatory segment
 * or group skipped, or a segment with no place, makes the transition DIRTY. Only uses are counted
 * as the message is read. Like segment-checker.ts it says clean or not; MessageStructure then
 * explains a message that is not.
 */

interface Frame {
  nodes: MessageNode[];
  index: number;
  /** A segment group's level (its trigger cannot start a new repeat from inside). */
  group: boolean;
}

interface Transition {
  /** The state after: the ordinal of the segment node matched (a group's trigger, for a group). */
  to: number;
  /** Another use of the same node (count up and check max) rather than the first (count 1). */
  repeat: boolean;
  max: number;
  /** For a group started or repeated: the group node's ordinal, else -1. */
  group: number;
  groupRepeat: boolean;
  groupMax: number;
}

const DIRTY = null;

interface Machine {
  /** Frames from the root to each node (the node's frame's index at that node). */
  paths: Frame[][];
  /** Before UNH: the root frame at its first node, not yet used. */
  initial: number;
  /** Tag id (tagId()) -> index among the message's tags, -1 for a tag it does not have. */
  tagIndexArray: Int16Array;
  tags: string[];
  transitions: (Transition | null | undefined)[];
  /** Per state: ending the message there leaves nothing mandatory missing (1), something (0), unknown (-1). */
  endClean: Int8Array;
  /** Use counters of finished walks, zeroed, for the next messages: one array per message would be garbage by the million. */
  spare: Int32Array[];
}

const triggerOf = (n: MessageNode): string => ('segment' in n ? n.segment : triggerOf(n.children[0]));
/** As MessageStructure's mandatory list: UNT is the envelope's to find missing, not the structure's. */
const counts = (n: MessageNode): boolean => n.req === 'M' && triggerOf(n) !== 'UNT';

const TAG_LIMIT = 1 << 16;
const EMPTY = new Int32Array(0);
const machines = new WeakMap<MessageDef, Machine>();

function build(def: MessageDef): Machine {
  const paths: Frame[][] = [];
  const tags: string[] = [];
  const tagIndex = new Map<number, number>();
  const walk = (nodes: MessageNode[], above: Frame[], group: boolean) => {
    nodes.forEach((node, index) => {
      const path = [...above, { nodes, index, group }];
      paths.push(path);
      if ('segment' in node && !tagIndex.has(tagId(node.segment))) {
        tagIndex.set(tagId(node.segment), tags.length);
        tags.push(node.segment);
      }
      if ('children' in node) walk(node.children, path, true);
    });
  };
  walk(def.structure, [], false);
  const initial = paths.length;
  paths.push([{ nodes: def.structure, index: 0, group: false }]);
  const tagIndexArray = new Int16Array(TAG_LIMIT).fill(-1);
  for (const [id, local] of tagIndex) tagIndexArray[id] = local;
  return {
    paths, initial, tagIndexArray, tags, transitions: new Array<Transition | null | undefined>(paths.length * tags.length),
    endClean: new Int8Array(paths.length).fill(-1), spare: [],
  };
}

function mandatoryIn(nodes: MessageNode[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (counts(nodes[k])) return true;
  return false;
}

function ordinalOf(m: Machine, nodes: MessageNode[], index: number): number {
  const i = m.paths.findIndex((p) => p[p.length - 1].nodes === nodes && p[p.length - 1].index === index);
  if (i < 0 || i === m.initial) throw new Error('message machine: node not found');
  return i;
}

const maxOf = (n: MessageNode) => n.max;

/** MessageStructure.place's search for a tag from a state, made once: where it lands, or DIRTY. */
function transition(m: Machine, state: number, tag: string): Transition | null {
  const path = m.paths[state];
  const initial = state === m.initial;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const f = path[depth];
    const start = f.index > 0 || !f.group ? f.index : 1;
    for (let j = start; j < f.nodes.length; j++) {
      const node = f.nodes[j];
      if (triggerOf(node) !== tag) continue;
      // Groups closed by this segment must have had their mandatory rest, and so must the nodes skipped here.
      for (let d = path.length - 1; d > depth; d--) if (mandatoryIn(path[d].nodes, path[d].index + 1, path[d].nodes.length)) return DIRTY;
      if (j !== f.index && mandatoryIn(f.nodes, initial ? f.index : f.index + 1, j)) return DIRTY;
      const repeat = j === f.index;
      if ('segment' in node) return { to: ordinalOf(m, f.nodes, j), repeat, max: maxOf(node), group: -1, groupRepeat: false, groupMax: 0 };
      // The group's trigger: its first node (a segment, or a group whose trigger it is in turn).
      let children = node.children;
      const opened: number[] = [];
      while (!('segment' in children[0])) {
        opened.push(ordinalOf(m, children, 0));
        children = (children[0] as { children: MessageNode[] }).children;
      }
      // A group whose first node is a group: left to the full check (no directory message has one).
      if (opened.length) return DIRTY;
      return { to: ordinalOf(m, children, 0), repeat: false, max: maxOf(children[0]),
        group: ordinalOf(m, f.nodes, j), groupRepeat: repeat, groupMax: maxOf(node) };
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

/**
 * One message's walk through its definition's machine, a segment at a time. Says only whether the
 * message is still clean: each segment placed with nothing mandatory skipped and no use over its
 * maximum, and (at the end) nothing mandatory missing.
 */
export class MessageMachine {
  private readonly m: Machine;
  private state: number;
  private uses: Int32Array;

  constructor(def: MessageDef) {
    let m = machines.get(def);
    if (!m) machines.set(def, m = build(def));
    this.m = m;
    this.state = m.initial;
    this.uses = m.spare.pop() ?? new Int32Array(m.paths.length);
  }

  /** Done with this walk: its counters go back for another message's (the machine is not to be used after). */
  release(): void {
    const spare = this.m.spare;
    if (spare.length < 16) spare.push(this.uses.fill(0));
    this.uses = EMPTY;
  }

  /** Places a segment by its tag id (tagId()); false when the structure check would find something. */
  place(id: number): boolean {
    const m = this.m;
    const local = id < TAG_LIMIT ? m.tagIndexArray[id] : -1;
    if (local < 0) return false;
    const slot = this.state * m.tags.length + local;
    let t = m.transitions[slot];
    if (t === undefined) m.transitions[slot] = t = transition(m, this.state, m.tags[local]);
    if (t === DIRTY) return false;
    const uses = this.uses;
    if (t.group >= 0) {
      if (!t.groupRepeat) uses[t.group] = 1;
      else if (++uses[t.group] > t.groupMax) return false;
    }
    if (!t.repeat) uses[t.to] = 1;
    else if (++uses[t.to] > t.max) return false;
    this.state = t.to;
    return true;
  }

  /** At the end of the message: nothing mandatory missing from where it stands. */
  endIsClean(): boolean {
    const m = this.m;
    let end = m.endClean[this.state];
    if (end < 0) m.endClean[this.state] = end = endIsClean(m, this.state) ? 1 : 0;
    return end === 1;
  }
}
