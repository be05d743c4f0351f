import fs from 'node:fs';
import path from 'node:path';
import {
  CodeListsSchema, CompositeDictionarySchema, ElementDictionarySchema, MessageDefSchema, SegmentDictionarySchema,
  type CompositeDef, type ElementDef, type MessageDef, type MessageNode, type SegmentDef,
} from '../../src/parsers/edifact/definition.schema';
import {
  directoryOf, edifactDirectory, messageDefinition, messageTags, supportedDirectories,
} from '../../src/parsers/edifact/definitions';

/**
 * Checks the EDIFACT directory definitions (src/parsers/edifact/definitions/<directory>/): that
 * every file parses against the schema, that every reference resolves, and facts of the standard
 * that a wrong transcription would get wrong.
 */

const ROOT = path.join(__dirname, '../../src/parsers/edifact/definitions');
const DIRECTORIES = ['D96A', 'D01B'] as const;
const MESSAGES = ['APERAK', 'CONTRL', 'DESADV', 'INVOIC', 'ORDERS', 'ORDRSP'];
/** Checked by the envelope code, not held in segments.json. */
const ENVELOPE_TAGS = new Set(['UNH', 'UNT']);

interface DirectoryFiles {
  elements: Record<string, ElementDef>;
  composites: Record<string, CompositeDef>;
  segments: Record<string, SegmentDef>;
  codes: Record<string, string[]>;
  messages: Map<string, MessageDef>;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function load(directory: string): DirectoryFiles {
  const dir = path.join(ROOT, directory);
  const messages = new Map<string, MessageDef>();
  for (const name of fs.readdirSync(path.join(dir, 'messages')).filter((n) => n.endsWith('.json')).sort()) {
    const def = MessageDefSchema.parse(readJson(path.join(dir, 'messages', name)));
    expect(name).toBe(`${def.id}${def.association ? `.${def.association}` : ''}.json`);
    expect(def.directory).toBe(directory);
    messages.set(name.replace(/\.json$/, ''), def);
  }
  return {
    elements: ElementDictionarySchema.parse(readJson(path.join(dir, 'elements.json'))),
    composites: CompositeDictionarySchema.parse(readJson(path.join(dir, 'composites.json'))),
    segments: SegmentDictionarySchema.parse(readJson(path.join(dir, 'segments.json'))),
    codes: CodeListsSchema.parse(readJson(path.join(dir, 'codes.json'))),
    messages,
  };
}

const files = Object.fromEntries(DIRECTORIES.map((d) => [d, load(d)])) as Record<(typeof DIRECTORIES)[number], DirectoryFiles>;

type Group = Extract<MessageNode, { group: string }>;

function walk(nodes: MessageNode[], visit: (node: MessageNode) => void): void {
  for (const node of nodes) {
    visit(node);
    if ('group' in node) walk(node.children, visit);
  }
}

function group(def: MessageDef, id: string): Group {
  let found: Group | undefined;
  walk(def.structure, (n) => { if (!found && 'group' in n && n.group === id) found = n; });
  if (!found) throw new Error(`${def.directory} ${def.id}: no ${id}`);
  return found;
}

/** A top-level segment position (not inside a group). */
/** A group's status, repeats and trigger segment (undefined: not checked). */
function expectGroup(def: MessageDef, id: string, req: string | undefined, max: number | undefined, trigger: string): void {
  const g = group(def, id);
  expect([def.id, id, g.children[0]]).toEqual([def.id, id, { segment: trigger, req: 'M', max: 1 }]);
  if (req) expect([def.id, id, g.req]).toEqual([def.id, id, req]);
  if (max) expect([def.id, id, g.max]).toEqual([def.id, id, max]);
}

function top(def: MessageDef, tag: string, nth = 1): MessageNode {
  const hits = def.structure.filter((n) => 'segment' in n && n.segment === tag);
  if (!hits[nth - 1]) throw new Error(`${def.directory} ${def.id}: no top-level ${tag} #${nth}`);
  return hits[nth - 1];
}

function msg(directory: (typeof DIRECTORIES)[number], type: string): MessageDef {
  const def = files[directory].messages.get(type);
  if (!def) throw new Error(`${directory}: no ${type}`);
  return def;
}

/** The element at a 1-based segment position, and its components' refs when a composite. */
function position(directory: (typeof DIRECTORIES)[number], tag: string, pos: number) {
  const f = files[directory];
  const el = f.segments[tag].elements[pos - 1];
  const comp = f.composites[el.ref];
  return { ...el, components: comp?.components.map((c) => `${c.ref} ${c.req} ${repr(f.elements[c.ref])}`) };
}

function repr(e: ElementDef): string {
  return e.min === e.max ? `${e.type}${e.max}` : `${e.type}..${e.max}`;
}

describe.each(DIRECTORIES)('EDIFACT definitions %s', (directory) => {
  const f = files[directory];

  it('holds the six messages', () => {
    for (const type of MESSAGES) expect(f.messages.get(type)?.id).toBe(type);
  });

  it('has every segment, composite and element that is referenced', () => {
    for (const def of f.messages.values()) {
      for (const tag of messageTags(def)) {
        if (!ENVELOPE_TAGS.has(tag)) expect([def.id, tag, tag in f.segments]).toEqual([def.id, tag, true]);
      }
    }
    for (const [tag, seg] of Object.entries(f.segments)) {
      for (const el of seg.elements) {
        const known = /^\d{4}$/.test(el.ref) ? el.ref in f.elements : el.ref in f.composites;
        expect([tag, el.ref, known]).toEqual([tag, el.ref, true]);
      }
    }
    for (const [id, comp] of Object.entries(f.composites)) {
      for (const c of comp.components) expect([id, c.ref, c.ref in f.elements]).toEqual([id, c.ref, true]);
    }
  });

  it('has no unused dictionary entries', () => {
    const usedTags = new Set<string>();
    for (const def of f.messages.values()) for (const t of messageTags(def)) usedTags.add(t);
    for (const tag of Object.keys(f.segments)) expect([tag, usedTags.has(tag)]).toEqual([tag, true]);
    const usedRefs = new Set<string>();
    for (const seg of Object.values(f.segments)) for (const el of seg.elements) usedRefs.add(el.ref);
    for (const comp of Object.values(f.composites)) for (const c of comp.components) usedRefs.add(c.ref);
    for (const id of [...Object.keys(f.composites), ...Object.keys(f.elements)]) expect([id, usedRefs.has(id)]).toEqual([id, true]);
  });

  it('starts every message with UNH and ends it with UNT, both M1', () => {
    for (const def of f.messages.values()) {
      expect(def.structure[0]).toEqual({ segment: 'UNH', req: 'M', max: 1 });
      expect(def.structure[def.structure.length - 1]).toEqual({ segment: 'UNT', req: 'M', max: 1 });
    }
  });

  it('opens every group with its trigger segment, M1, and numbers groups SG1.. in order', () => {
    for (const def of f.messages.values()) {
      const ids: string[] = [];
      walk(def.structure, (n) => {
        if (!('group' in n)) return;
        ids.push(n.group);
        expect(n.children[0]).toMatchObject({ req: 'M', max: 1 });
        expect('segment' in n.children[0]).toBe(true);
      });
      expect(ids).toEqual(ids.map((_, i) => `SG${i + 1}`));
    }
  });

  it('keeps element lengths sane and code lists non-empty, unique and within length', () => {
    for (const [id, e] of Object.entries(f.elements)) expect([id, e.min <= e.max]).toEqual([id, true]);
    for (const [id, list] of Object.entries(f.codes)) {
      expect(id in f.elements).toBe(true);
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list).size).toBe(list.length);
      for (const code of list) expect([id, code, code.length <= f.elements[id].max]).toEqual([id, code, true]);
    }
  });

  it('has overrides only at positions that exist, with codes in the element\'s representation', () => {
    for (const def of f.messages.values()) {
      for (const [tag, positions] of Object.entries(def.overrides)) {
        const seg = f.segments[tag];
        expect([def.id, tag, Boolean(seg)]).toEqual([def.id, tag, true]);
        for (const [pos, o] of Object.entries(positions)) {
          const [p, c] = pos.split('.').map(Number);
          const el = seg.elements[p - 1];
          expect([def.id, tag, pos, Boolean(el)]).toEqual([def.id, tag, pos, true]);
          const ref = c ? f.composites[el.ref]?.components[c - 1]?.ref : el.ref;
          expect([def.id, tag, pos, Boolean(ref && f.elements[ref])]).toEqual([def.id, tag, pos, true]);
          for (const code of o.codes ?? []) expect(code.length).toBeLessThanOrEqual(f.elements[ref!].max);
        }
      }
    }
  });

  it('loads through the loader, cached', () => {
    const dir = edifactDirectory(directory)!;
    expect(dir.directory).toBe(directory);
    expect(edifactDirectory(directory)).toBe(dir);
    expect(Object.keys(dir.segments).sort()).toEqual(Object.keys(f.segments).sort());
    expect(messageDefinition(directory, 'ORDERS')?.id).toBe('ORDERS');
    expect(messageDefinition(directory, 'ORDERS', 'NOSUCH')?.association).toBeUndefined();
  });

  // Facts of the standard shared by both directories.
  it('knows the ORDERS header and the QTY and DTM segments', () => {
    const orders = msg(directory, 'ORDERS');
    expect(orders.structure[1]).toEqual({ segment: 'BGM', req: 'M', max: 1 });
    expect(orders.structure[2]).toEqual({ segment: 'DTM', req: 'M', max: 35 });
    expectGroup(orders, 'SG2', 'C', 99, 'NAD');
    expect(top(orders, 'UNS')).toEqual({ segment: 'UNS', req: 'M', max: 1 });
    expect(top(orders, 'CNT')).toEqual({ segment: 'CNT', req: 'C', max: 10 });
    expect(position(directory, 'DTM', 1).components).toEqual(['2005 M an..3', '2380 C an..35', '2379 C an..3']);
    expect(position(directory, 'NAD', 1)).toMatchObject({ ref: '3035', req: 'M' });
    expect(f.elements['0081']).toMatchObject({ type: 'a', min: 1, max: 1 });
  });

  it('knows CONTRL (syntax 3) and APERAK', () => {
    const contrl = msg(directory, 'CONTRL');
    expect(contrl.structure[1]).toEqual({ segment: 'UCI', req: 'M', max: 1 });
    expectGroup(contrl, 'SG1', 'C', 999999, 'UCM');
    expectGroup(contrl, 'SG3', 'C', 999999, 'UCF');
    expect(group(contrl, 'SG2').children[1]).toEqual({ segment: 'UCD', req: 'C', max: 99 });
    expect(position(directory, 'UCM', 2).components).toEqual(['0065 M an..6', '0052 M an..3', '0054 M an..3', '0051 M an..2', '0057 C an..6']);
    expect(position(directory, 'UCD', 2).components).toEqual(['0098 M n..3', '0104 C n..3']);
    const aperak = msg(directory, 'APERAK');
    expect(messageTags(aperak).has('ERC')).toBe(true);
    expect(position(directory, 'ERC', 1).components?.[0]).toBe('9321 M an..8');
  });
});

describe('EDIFACT definitions: D96A facts', () => {
  it('ORDERS: SG1 RFF C10, SG25 LIN C200000, IMD C1 in the header', () => {
    const orders = msg('D96A', 'ORDERS');
    expectGroup(orders, 'SG1', 'C', 10, 'RFF');
    expectGroup(orders, 'SG25', 'C', 200000, 'LIN');
    expect(top(orders, 'IMD')).toEqual({ segment: 'IMD', req: 'C', max: 1 });
    expect(top(orders, 'MOA')).toEqual({ segment: 'MOA', req: 'C', max: 12 });
  });

  it('INVOIC: SG25 LIN C9999999, SG48 MOA M100 after UNS', () => {
    const invoic = msg('D96A', 'INVOIC');
    expectGroup(invoic, 'SG25', 'C', 9999999, 'LIN');
    const afterUns = invoic.structure.slice(invoic.structure.findIndex((n) => 'segment' in n && n.segment === 'UNS'));
    expect(afterUns[2]).toMatchObject({ group: 'SG48', req: 'M', max: 100 });
    expectGroup(invoic, 'SG48', 'M', 100, 'MOA');
    expectGroup(invoic, 'SG50', 'C', 10, 'TAX');
    expectGroup(invoic, 'SG51', 'C', 15, 'ALC');
  });

  it('DESADV: SG10 CPS C9999 holds SG11 PAC and SG15 LIN', () => {
    const desadv = msg('D96A', 'DESADV');
    expectGroup(desadv, 'SG10', 'C', 9999, 'CPS');
    expect(group(desadv, 'SG11').children[0]).toMatchObject({ segment: 'PAC' });
    expectGroup(desadv, 'SG15', undefined, 9999, 'LIN');
  });

  it('segments: QTY C186 (6060 n..15), BGM 1004 simple, LIN 1082 n..6, 1131 an..3', () => {
    expect(position('D96A', 'QTY', 1)).toMatchObject({ ref: 'C186', req: 'M', components: ['6063 M an..3', '6060 M n..15', '6411 C an..3'] });
    expect(files.D96A.segments.BGM.elements.map((e) => `${e.ref} ${e.req}`)).toEqual(['C002 C', '1004 C', '1225 C', '4343 C']);
    expect(position('D96A', 'LIN', 1)).toMatchObject({ ref: '1082', req: 'C' });
    expect(repr(files.D96A.elements['1082'])).toBe('n..6');
    expect(repr(files.D96A.elements['1131'])).toBe('an..3');
    expect(position('D96A', 'MOA', 1).components).toEqual(['5025 M an..3', '5004 C n..18', '6345 C an..3', '6343 C an..3', '4405 C an..3']);
    expect(position('D96A', 'PRI', 1).components?.slice(0, 3)).toEqual(['5125 M an..3', '5118 C n..15', '5375 C an..3']);
  });
  it('codes: the D96A lists hold the codes these messages live on', () => {
    const has = (id: string, codes: string[]) => expect([id, codes.filter((c) => !files.D96A.codes[id]?.includes(c))]).toEqual([id, []]);
    has('1001', ['220', '231', '351', '380', '381', '393']);
    has('1225', ['1', '5', '9', '29', '31']);
    has('2005', ['2', '4', '35', '137', '171']);
    has('2379', ['102', '203', '718']);
    has('3035', ['BY', 'SU', 'DP', 'IV', 'ST']);
    has('6063', ['1', '12', '21', '47', '59']);
    has('5125', ['AAA', 'AAB', 'CAL', 'INF']);
    has('5025', ['79', '86', '124', '125', '203']);
    has('1153', ['ON', 'DQ', 'VA', 'IV', 'AAK']);
    has('7143', ['EN', 'IN', 'SA', 'BP', 'UP']);
    has('4347', ['1', '5']);
    has('5283', ['7']);
    has('5305', ['S', 'E', 'Z']);
    has('5463', ['A', 'C']);
    // UNCL D.96A 5463 runs A-Y without I and Z, O (About) included (issue 12: our transcription had lost O).
    expect(files.D96A.codes['5463']).toEqual('ABCDEFGHJKLMNOPQRSTUVWXY'.split(''));
    has('3055', ['9', '91', '92', 'ZZZ']);
    // Unknown codes stay unknown: a list is closed.
    expect(files.D96A.codes['1001']).not.toContain('999');
    expect(files.D96A.codes['5305']).not.toContain('X');
    // Open or external lists are deliberately absent (see definitions/README.md).
    for (const id of ['6345', '6411', '3207', '7065', '4053']) expect(files.D96A.codes[id]).toBeUndefined();
  });
});

describe('EDIFACT definitions: D01B facts', () => {
  it('ORDERS: IMD C999, GIR C10 and SG1 RFF C9999 in the header; LIN group C200000', () => {
    const orders = msg('D01B', 'ORDERS');
    expect(top(orders, 'IMD')).toEqual({ segment: 'IMD', req: 'C', max: 999 });
    expect(top(orders, 'GIR')).toEqual({ segment: 'GIR', req: 'C', max: 10 });
    expectGroup(orders, 'SG1', 'C', 9999, 'RFF');
    const lin = orders.structure.find((n) => 'group' in n && 'segment' in n.children[0] && n.children[0].segment === 'LIN');
    expect(lin).toMatchObject({ req: 'C', max: 200000 });
  });

  it('segments: BGM carries C106, QTY 6060 an..35, 1082 an..6, 1131 an..17, IMD has C272', () => {
    expect(files.D01B.segments.BGM.elements.map((e) => `${e.ref} ${e.req}`)).toEqual(['C002 C', 'C106 C', '1225 C', '4343 C']);
    expect(position('D01B', 'QTY', 1).components).toEqual(['6063 M an..3', '6060 M an..35', '6411 C an..3']);
    expect(repr(files.D01B.elements['1082'])).toBe('an..6');
    expect(repr(files.D01B.elements['1131'])).toBe('an..17');
    expect(position('D01B', 'IMD', 2)).toMatchObject({ ref: 'C272', req: 'C' });
    expect(position('D01B', 'NAD', 7)).toMatchObject({ ref: 'C819', req: 'C' });
  });
});

describe('EDIFACT loader', () => {
  it('answers undefined for what it does not hold', () => {
    expect(edifactDirectory('D99Z')).toBeUndefined();
    expect(edifactDirectory('D93A')).toBeUndefined();
    expect(messageDefinition('D93A', 'ORDERS')).toBeUndefined();
    expect(messageDefinition('D96A', 'IFTMIN')).toBeUndefined();
  });

  it('names directories as UNH S009 does and lists the ones it holds', () => {
    expect(directoryOf('D', '96A')).toBe('D96A');
    expect(directoryOf('d', '01b')).toBe('D01B');
    expect(supportedDirectories()).toEqual(['D01B', 'D96A']);
  });
});
