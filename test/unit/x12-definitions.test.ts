import fs from 'node:fs';
import path from 'node:path';
import {
  CodeListsSchema, CompositeDictionarySchema, ElementDictionarySchema, SegmentDictionarySchema, TransactionSetDefSchema,
  type CompositeDef, type ElementDef, type SegmentDef, type StructureNode, type TransactionSetDef,
} from '../../src/parsers/x12/definition.schema';

/**
 * Checks the X12 definition files (src/parsers/x12/definitions/<version>/): that they parse, that
 * every reference resolves, that syntax notes point at real positions, and a few facts of the
 * standard that a wrong file would get wrong.
 */

const ROOT = path.join(__dirname, '../../src/parsers/x12/definitions');
const VERSIONS = ['004010', '005010'] as const;

interface VersionFiles {
  elements: Record<string, ElementDef>;
  composites: Record<string, CompositeDef>;
  segments: Record<string, SegmentDef>;
  codes: Record<string, string[]>;
  sets: Map<string, TransactionSetDef>;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function load(version: string): VersionFiles {
  const dir = path.join(ROOT, version);
  const sets = new Map<string, TransactionSetDef>();
  for (const name of fs.readdirSync(path.join(dir, 'sets')).filter((n) => n.endsWith('.json')).sort()) {
    const def = TransactionSetDefSchema.parse(readJson(path.join(dir, 'sets', name)));
    expect(`${def.id}.json`).toBe(name);
    sets.set(def.id, def);
  }
  return {
    elements: ElementDictionarySchema.parse(readJson(path.join(dir, 'elements.json'))),
    composites: CompositeDictionarySchema.parse(readJson(path.join(dir, 'composites.json'))),
    segments: SegmentDictionarySchema.parse(readJson(path.join(dir, 'segments.json'))),
    codes: CodeListsSchema.parse(readJson(path.join(dir, 'codes.json'))),
    sets,
  };
}

const files = Object.fromEntries(VERSIONS.map((v) => [v, load(v)])) as Record<(typeof VERSIONS)[number], VersionFiles>;

/** Positions (1-based) a syntax note names, e.g. "L03040513" -> [3, 4, 5, 13]. */
function notePositions(note: string): number[] {
  return note.slice(1).match(/\d\d/g)!.map(Number);
}

function walk(nodes: StructureNode[], visit: (node: StructureNode, parent?: StructureNode) => void, parent?: StructureNode): void {
  for (const node of nodes) {
    visit(node, parent);
    if ('loop' in node) walk(node.children, visit, node);
  }
}

function segmentTags(def: TransactionSetDef): Set<string> {
  const tags = new Set<string>();
  walk(def.structure, (n) => { if ('segment' in n) tags.add(n.segment); });
  return tags;
}

function findLoop(nodes: StructureNode[], id: string): Extract<StructureNode, { loop: string }> | undefined {
  let found: Extract<StructureNode, { loop: string }> | undefined;
  walk(nodes, (n) => { if (!found && 'loop' in n && n.loop === id) found = n; });
  return found;
}

const EXPECTED_SETS: Record<string, Record<string, string>> = {
  '004010': { 810: 'IN', 846: 'IB', 850: 'PO', 855: 'PR', 856: 'SH', 940: 'OW', 945: 'SW', 997: 'FA' },
  '005010': { 810: 'IN', 846: 'IB', 850: 'PO', 855: 'PR', 856: 'SH', 940: 'OW', 945: 'SW', 997: 'FA', 999: 'FA' },
};

describe.each(VERSIONS)('X12 definitions %s', (version) => {
  const f = files[version];

  it('holds the expected transaction sets with their functional groups', () => {
    const got = Object.fromEntries([...f.sets.values()].map((d) => [d.id, d.functionalGroup]));
    expect(got).toEqual(EXPECTED_SETS[version]);
  });

  it('gives every element a sane length and type', () => {
    for (const [id, el] of Object.entries(f.elements)) {
      expect({ id, ok: el.min <= el.max }).toEqual({ id, ok: true });
      if (el.type === 'DT') expect({ id, len: [el.min, el.max] }).toEqual({ id, len: [8, 8] });
      if (el.type === 'TM') expect({ id, len: [el.min, el.max] }).toEqual({ id, len: [4, 8] });
    }
  });

  it('resolves every segment element to an element or a composite', () => {
    const missing: string[] = [];
    for (const [tag, seg] of Object.entries(f.segments)) {
      seg.elements.forEach((e, i) => {
        if (!f.elements[e.ref] && !f.composites[e.ref]) missing.push(`${tag}${String(i + 1).padStart(2, '0')} -> ${e.ref}`);
      });
    }
    expect(missing).toEqual([]);
  });

  it('resolves every composite component to a simple element', () => {
    const missing: string[] = [];
    for (const [id, comp] of Object.entries(f.composites)) {
      comp.components.forEach((c, i) => { if (!f.elements[c.ref]) missing.push(`${id}-${i + 1} -> ${c.ref}`); });
    }
    expect(missing).toEqual([]);
  });

  it('keys code lists by ID-type elements only, with codes that fit the element', () => {
    const wrong: string[] = [];
    for (const [id, codes] of Object.entries(f.codes)) {
      const el = f.elements[id];
      if (!el || el.type !== 'ID') { wrong.push(`${id}: not an ID element`); continue; }
      for (const code of codes) if (code.length < el.min || code.length > el.max) wrong.push(`${id}: '${code}' outside ${el.min}/${el.max}`);
      if (new Set(codes).size !== codes.length) wrong.push(`${id}: duplicate codes`);
    }
    expect(wrong).toEqual([]);
  });

  it('points every syntax note at positions that exist, and conditions every X element by a note', () => {
    const wrong: string[] = [];
    const check = (name: string, items: { req: string }[], notes: readonly string[]) => {
      const named = new Set<number>();
      for (const note of notes) {
        const ps = notePositions(note);
        if (new Set(ps).size !== ps.length) wrong.push(`${name} ${note}: repeats a position`);
        if ((note[0] === 'C' || note[0] === 'L') && ps.length < 2) wrong.push(`${name} ${note}: too few positions`);
        for (const p of ps) {
          if (p < 1 || p > items.length) wrong.push(`${name} ${note}: position ${p} of ${items.length}`);
          named.add(p);
        }
      }
      items.forEach((e, i) => { if (e.req === 'X' && !named.has(i + 1)) wrong.push(`${name}${String(i + 1).padStart(2, '0')}: X without a syntax note`); });
    };
    for (const [tag, seg] of Object.entries(f.segments)) check(tag, seg.elements, seg.syntax);
    for (const [id, comp] of Object.entries(f.composites)) check(id, comp.components, comp.syntax);
    expect(wrong).toEqual([]);
  });

  it('allows repetition only in 005010', () => {
    const repeated = Object.entries(f.segments).flatMap(([tag, s]) => s.elements.filter((e) => (e.repeat ?? 1) > 1).map(() => tag));
    if (version === '004010') expect(repeated).toEqual([]);
    else expect(repeated).toContain('CTX');
  });

  describe.each([...f.sets.keys()])('set %s', (id) => {
    const def = f.sets.get(id)!;

    it('starts with ST and ends with SE, both mandatory and used once', () => {
      expect(def.structure[0]).toEqual({ segment: 'ST', req: 'M', max: 1 });
      expect(def.structure[def.structure.length - 1]).toEqual({ segment: 'SE', req: 'M', max: 1 });
      const tags: string[] = [];
      walk(def.structure, (n) => { if ('segment' in n) tags.push(n.segment); });
      expect(tags.filter((t) => t === 'ST' || t === 'SE')).toEqual(['ST', 'SE']);
    });

    it('uses only segments of the dictionary', () => {
      expect([...segmentTags(def)].filter((t) => !f.segments[t])).toEqual([]);
    });

    it('opens each loop with its own segment, used once per repeat with the loop\'s designation', () => {
      const wrong: string[] = [];
      walk(def.structure, (n) => {
        if (!('loop' in n)) return;
        const first = n.children[0];
        if (!('segment' in first)) wrong.push(`loop ${n.loop}: first child is a loop`);
        else if (first.segment !== n.loop || first.max !== 1 || first.req !== n.req) wrong.push(`loop ${n.loop}: opens with ${JSON.stringify(first)}`);
      });
      expect(wrong).toEqual([]);
    });

    it('does not repeat a segment tag among the direct children of one level', () => {
      // Two positions with one tag at one level would make the placement of a segment ambiguous.
      const wrong: string[] = [];
      const level = (nodes: StructureNode[], where: string) => {
        const seen = new Set<string>();
        for (const n of nodes) {
          const tag = 'segment' in n ? n.segment : n.loop;
          if (seen.has(tag)) wrong.push(`${where}: ${tag} twice`);
          seen.add(tag);
          if ('loop' in n) level(n.children.slice(1), `loop ${n.loop}`);
        }
      };
      level(def.structure, 'top');
      expect(wrong).toEqual([]);
    });
  });

  // ---- facts of the standard ----

  it('defines ST and SE', () => {
    expect(f.segments.ST.elements.slice(0, 2)).toEqual([{ ref: '143', req: 'M' }, { ref: '329', req: 'M' }]);
    expect(f.segments.SE.elements).toEqual([{ ref: '96', req: 'M' }, { ref: '329', req: 'M' }]);
    expect(f.elements['96']).toMatchObject({ type: 'N0', min: 1, max: 10 });
    expect(f.elements['329']).toMatchObject({ type: 'AN', min: 4, max: 9 });
    expect(f.elements['143']).toMatchObject({ type: 'ID', min: 3, max: 3 });
    if (version === '005010') expect(f.segments.ST.elements[2]).toEqual({ ref: '1705', req: 'O' });
    else expect(f.segments.ST.elements).toHaveLength(2);
  });

  it('defines BEG with purpose, type and number mandatory at positions 1-3 and a CCYYMMDD date at 5', () => {
    const beg = f.segments.BEG.elements;
    expect(beg.slice(0, 3)).toEqual([{ ref: '353', req: 'M' }, { ref: '92', req: 'M' }, { ref: '324', req: 'M' }]);
    expect(beg[4]).toEqual({ ref: '373', req: 'M' });
    expect(f.elements['373']).toMatchObject({ type: 'DT', min: 8, max: 8 });
    expect(f.elements['324']).toMatchObject({ type: 'AN', min: 1, max: 22 });
    expect(f.codes['353']).toEqual(expect.arrayContaining(['00', '01', '04', '05', '06', '07']));
    expect(f.codes['92']).toEqual(expect.arrayContaining(['SA', 'NE', 'DS', 'RO', 'KN', 'BK']));
  });

  it('defines PO1 with its relational conditions', () => {
    const po1 = f.segments.PO1;
    expect(po1.elements).toHaveLength(25);
    expect(po1.elements.slice(0, 7).map((e) => e.ref)).toEqual(['350', '330', '355', '212', '639', '235', '234']);
    expect(po1.elements.every((e) => e.req !== 'M')).toBe(true);
    const pairs = Array.from({ length: 10 }, (_, i) => `P${String(6 + 2 * i).padStart(2, '0')}${String(7 + 2 * i).padStart(2, '0')}`);
    expect(po1.syntax).toEqual(['C0302', 'C0504', ...pairs]);
    expect(f.elements['212']).toMatchObject({ type: 'R', max: 17 });
  });

  it('defines N1, N3 and N4', () => {
    expect(f.segments.N1.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['M98', 'X93', 'X66', 'X67', 'O706', 'O98']);
    expect(f.segments.N1.syntax).toEqual(['R0203', 'P0304']);
    expect(f.elements['67']).toMatchObject({ type: 'AN', min: 2, max: 80 });
    expect(f.segments.N3.elements).toEqual([{ ref: '166', req: 'M' }, { ref: '166', req: 'O' }]);
    if (version === '005010') {
      expect(f.segments.N4.elements).toHaveLength(7);
      expect(f.segments.N4.syntax).toEqual(['E0207', 'C0605', 'C0704']);
    } else {
      expect(f.segments.N4.elements).toHaveLength(6);
      expect(f.segments.N4.syntax).toEqual(['C0605']);
    }
  });

  it('uses the version\'s lengths for elements that grew in 005010', () => {
    const long = version === '005010';
    expect(f.elements['127'].max).toBe(long ? 50 : 30);
    expect(f.elements['364'].max).toBe(long ? 256 : 80);
    expect(f.elements['719'].max).toBe(long ? 10 : 6);
  });

  it('defines DTM and REF with their syntax notes', () => {
    expect(f.segments.DTM.elements.map((e) => e.ref)).toEqual(['374', '373', '337', '623', '1250', '1251']);
    expect(f.segments.DTM.syntax).toEqual(['R020305', 'C0403', 'P0506']);
    expect(f.segments.REF.syntax).toEqual(['R0203']);
    expect(f.segments.REF.elements[3]).toEqual({ ref: 'C040', req: 'O' });
    expect(f.composites.C040.syntax).toEqual(['P0304', 'P0506']);
  });

  it('defines the 850 with a mandatory PO1 loop of 100000 and an optional CTT loop', () => {
    const po = f.sets.get('850')!;
    expect(po.structure[1]).toEqual({ segment: 'BEG', req: 'M', max: 1 });
    const po1 = findLoop(po.structure, 'PO1')!;
    expect(po1).toMatchObject({ req: 'M', max: 100000 });
    expect(po1.children[0]).toEqual({ segment: 'PO1', req: 'M', max: 1 });
    expect(findLoop(po.structure, 'CTT')).toMatchObject({ req: 'O', max: 1 });
    expect(findLoop(po.structure, 'N1')).toMatchObject({ req: 'O', max: 200 });
    expect(findLoop(po.structure, 'N9')).toMatchObject({ req: 'O', max: 1000 });
  });

  it('defines the 856 around a mandatory HL loop', () => {
    const sh = f.sets.get('856')!;
    expect(sh.structure.slice(0, 3)).toEqual([
      { segment: 'ST', req: 'M', max: 1 }, { segment: 'BSN', req: 'M', max: 1 }, { segment: 'DTM', req: 'O', max: 10 }]);
    const hl = findLoop(sh.structure, 'HL')!;
    expect(hl).toMatchObject({ req: 'M', max: 200000 });
    expect(hl.children.slice(0, 3).map((n) => ('segment' in n ? n.segment : n.loop))).toEqual(['HL', 'LIN', 'SN1']);
    expect(f.segments.HL.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['M628', 'O734', 'M735', 'O736']);
    expect(f.segments.SN1.syntax).toEqual(['P0506']);
    expect(f.codes['735']).toEqual(expect.arrayContaining(['S', 'O', 'P', 'T', 'I', 'F']));
  });

  it('defines the 997 acknowledgment segments', () => {
    const fa = f.sets.get('997')!;
    const ak2 = findLoop(fa.structure, 'AK2')!;
    const ak3 = findLoop(ak2.children, 'AK3')!;
    expect(ak3.children).toEqual([{ segment: 'AK3', req: 'O', max: 1 }, { segment: 'AK4', req: 'O', max: 99 }]);
    expect(ak2.children[ak2.children.length - 1]).toEqual({ segment: 'AK5', req: 'M', max: 1 });
    expect(fa.structure.slice(-2)).toEqual([{ segment: 'AK9', req: 'M', max: 1 }, { segment: 'SE', req: 'M', max: 1 }]);
    expect(f.segments.AK3.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['M721', 'M719', 'O447', 'O720']);
    expect(f.segments.AK4.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['MC030', 'O725', 'M723', 'O724']);
    expect(f.segments.AK9.elements.map((e) => e.ref)).toEqual(['715', '97', '123', '2', '716', '716', '716', '716', '716']);
    expect(f.codes['715']).toEqual(expect.arrayContaining(['A', 'E', 'M', 'P', 'R', 'W', 'X']));
    expect(f.codes['717']).toEqual(expect.arrayContaining(['A', 'E', 'M', 'R', 'W', 'X']));
    expect(f.codes['723']).toEqual(expect.arrayContaining(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']));
    expect(f.codes['720']).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    if (version === '005010') {
      expect(f.composites.C030.components.map((c) => c.ref)).toEqual(['722', '1528', '1686']);
      expect(f.codes['718']).toEqual(expect.arrayContaining(['23', '24', '25', '26', '27']));
      expect(f.codes['723']).toEqual(expect.arrayContaining(['12', '13']));
    } else {
      expect(f.composites.C030.components.map((c) => c.ref)).toEqual(['722', '1528']);
      expect(f.codes['718']).not.toContain('23');
      expect(f.codes['723']).not.toContain('12');
    }
  });

  it('knows the common units of measure, product qualifiers and parties', () => {
    expect(f.codes['355']).toEqual(expect.arrayContaining(['EA', 'CA', 'CS', 'BX', 'PK', 'LB', 'KG', 'DZ', 'PL', 'CT', 'GA', 'FT', 'IN', 'UN', 'PR', 'RL']));
    expect(f.codes['235']).toEqual(expect.arrayContaining(['UP', 'UK', 'EN', 'VN', 'VP', 'BP', 'IN', 'SK', 'MG', 'ND', 'EA', 'CB', 'PI']));
    expect(f.codes['98']).toEqual(expect.arrayContaining(['ST', 'BT', 'BY', 'SF', 'SU', 'VN', 'RI', 'SE', 'WH', 'DE']));
    expect(f.codes['66']).toEqual(expect.arrayContaining(['1', '9', '91', '92', 'UL', 'ZZ']));
    expect(f.codes['374']).toEqual(expect.arrayContaining(['002', '010', '011', '017', '037', '038', '063', '064', '067', '068', '069']));
    expect(f.codes['128']).toEqual(expect.arrayContaining(['PO', 'IA', 'DP', 'BM', 'CN', 'VR', 'IV', 'ZZ', 'MR', 'CR']));
  });
});

describe('X12 005010 code lists beside 004010\'s', () => {
  // Codes are added from version to version, seldom withdrawn: a code 004010 accepts and 005010
  // refuses is far likelier a gap in our 005010 file than in the standard.
  it('hold every 004010 code of an element both versions check', () => {
    const older = files['004010'].codes;
    const newer = files['005010'].codes;
    const missing = Object.entries(older).flatMap(([ref, codes]) => (files['005010'].elements[ref]?.type !== 'ID' ? []
      : codes.filter((c) => !(newer[ref] ?? []).includes(c)).map((c) => `${ref}:${c}`)));
    expect(missing).toEqual([]);
  });

  it('check every ID element of 005010 that 004010 checks', () => {
    const unchecked = Object.keys(files['004010'].codes).filter((ref) => files['005010'].elements[ref]?.type === 'ID' && !files['005010'].codes[ref]);
    expect(unchecked).toEqual([]);
  });
});

describe('X12 999 (005010)', () => {
  const f = files['005010'];
  const def = f.sets.get('999')!;

  it('nests IK4 under IK3 under AK2, with CTX at both levels', () => {
    expect(def.structure[1]).toEqual({ segment: 'AK1', req: 'M', max: 1 });
    const ak2 = findLoop(def.structure, 'AK2')!;
    const ik3 = findLoop(ak2.children, 'IK3')!;
    expect(ik3.children[1]).toEqual({ segment: 'CTX', req: 'O', max: 10 });
    const ik4 = findLoop(ik3.children, 'IK4')!;
    expect(ik4.children).toEqual([{ segment: 'IK4', req: 'O', max: 1 }, { segment: 'CTX', req: 'O', max: 10 }]);
    expect(ak2.children[ak2.children.length - 1]).toEqual({ segment: 'IK5', req: 'M', max: 1 });
  });

  it('defines IK3, IK4, IK5 and CTX', () => {
    expect(f.segments.IK3.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['M721', 'M719', 'O447', 'O620']);
    expect(f.segments.IK4.elements.map((e) => `${e.req}${e.ref}`)).toEqual(['MC030', 'O725', 'M621', 'O724']);
    expect(f.segments.IK5.elements.map((e) => e.ref)).toEqual(['717', '618', '618', '618', '618', '618']);
    expect(f.segments.CTX.elements[0]).toEqual({ ref: 'C998', req: 'M', repeat: 10 });
    expect(f.composites.C998.components).toEqual([{ ref: '9999', req: 'M' }, { ref: '9998', req: 'O' }]);
    expect(f.codes['620']).toEqual(expect.arrayContaining(['1', '8', 'I4', 'I6', 'I7', 'I8', 'I9']));
    expect(f.codes['621']).toEqual(expect.arrayContaining(['1', '10', '12', '13', 'I10', 'I12', 'I13']));
    expect(f.codes['618']).toEqual(expect.arrayContaining(['1', '5', '23', 'I5', 'I6']));
  });
});
