import type { StructureNode } from './definition.schema';

const triggers = new WeakMap<StructureNode, string>();
/** The tag that starts a node: its segment, or its loop's first segment. Cached: asked per segment per node. */
export const triggerOf = (node: StructureNode): string => {
  let t = triggers.get(node);
  if (t === undefined) {
    t = 'segment' in node ? node.segment : triggerOf(node.children[0]);
    triggers.set(node, t);
  }
  return t;
};

const tagIndexes = new WeakMap<StructureNode[], Map<string, number[]>>();
/** For one level of a structure: each starting tag and the positions of the nodes it starts, in order. */
export function indexOfTags(nodes: StructureNode[]): Map<string, number[]> {
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

export const maxOf = (node: StructureNode): number => (node.max === 'unbounded' ? Infinity : node.max);
