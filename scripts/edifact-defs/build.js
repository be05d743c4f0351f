#!/usr/bin/env node
'use strict';
/**
 * Builds src/parsers/edifact/definitions/<DIR>/*.json from the transcriptions in
 * scripts/edifact-defs/source/ (their notation is in each file's header; where the facts come
 * from is in src/parsers/edifact/definitions/README.md). Run `node scripts/edifact-defs/build.js` and commit the JSON it writes: the
 * loader reads only the JSON.
 *
 * It fails, naming the line, when the transcription contradicts itself: an element with two
 * representations, a composite with two component lists, a message naming a segment the
 * directory lacks, an element without a name.
 */
const fs = require('node:fs');
const path = require('node:path');

const SOURCE = path.join(__dirname, 'source');
const OUT = path.join(__dirname, '..', '..', 'src', 'parsers', 'edifact', 'definitions');
const DIRECTORIES = ['D96A', 'D01B'];
/** Service segments the envelope code checks; messages name them but segments.json does not hold them. */
const ENVELOPE_TAGS = new Set(['UNH', 'UNT']);

function fail(file, line, message) {
  throw new Error(`${path.relative(process.cwd(), file)}${line ? `:${line}` : ''}: ${message}`);
}

function lines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').map((text, i) => ({ text: text.replace(/\s+$/, ''), n: i + 1 }))
    .filter(({ text }) => text.trim() !== '' && !text.trim().startsWith('#'));
}

/** "an..35" -> {type: an, min: 1, max: 35}; "n3" -> {type: n, min: 3, max: 3}. */
function representation(repr, file, n) {
  const m = /^(an|a|n)(\.\.)?(\d+)$/.exec(repr);
  if (!m) fail(file, n, `bad representation "${repr}"`);
  const max = Number(m[3]);
  return { type: m[1], min: m[2] ? 1 : max, max };
}

function readNames(file) {
  const names = {};
  for (const { text, n } of lines(file)) {
    const m = /^([A-Z]{3}|[CS]\d{3}|\d{4})\s+(.+)$/.exec(text);
    if (!m) fail(file, n, 'expected "ID name"');
    if (names[m[1]]) fail(file, n, `${m[1]} named twice`);
    names[m[1]] = m[2];
  }
  return names;
}

function readSegments(files, names) {
  const elements = {}; const composites = {}; const segments = {};
  const reprSeen = {};
  const element = (id, repr, file, n) => {
    const r = representation(repr, file, n);
    if (reprSeen[id] && reprSeen[id] !== repr) fail(file, n, `${id} is ${reprSeen[id]} elsewhere, ${repr} here`);
    reprSeen[id] = repr;
    if (!names[id]) fail(file, n, `no name for element ${id}`);
    elements[id] = { name: names[id], ...r };
  };
  for (const file of files) {
    let current;
    for (const { text, n } of lines(file)) {
      if (text.startsWith('=')) {
        const tag = text.slice(1);
        if (segments[tag]) fail(file, n, `segment ${tag} twice`);
        if (!names[tag]) fail(file, n, `no name for segment ${tag}`);
        current = segments[tag] = { name: names[tag], elements: [] };
        continue;
      }
      if (!current) fail(file, n, 'position before any "=TAG" line');
      const [id, req, ...rest] = text.trim().split(/\s+/);
      if (req !== 'M' && req !== 'C') fail(file, n, `bad status "${req}"`);
      if (/^[CS]\d{3}$/.test(id)) {
        const components = rest.map((c) => {
          const [cid, creq, crepr] = c.split(':');
          if (!/^\d{4}$/.test(cid) || (creq !== 'M' && creq !== 'C')) fail(file, n, `bad component "${c}"`);
          element(cid, crepr, file, n);
          return { ref: cid, req: creq };
        });
        if (components.length === 0) fail(file, n, `composite ${id} without components`);
        const def = { name: names[id], components };
        if (!names[id]) fail(file, n, `no name for composite ${id}`);
        if (composites[id] && JSON.stringify(composites[id]) !== JSON.stringify(def)) fail(file, n, `composite ${id} differs from its other uses`);
        composites[id] = def;
      } else if (/^\d{4}$/.test(id)) {
        if (rest.length !== 1) fail(file, n, 'a simple element takes one representation');
        element(id, rest[0], file, n);
      } else fail(file, n, `bad element id "${id}"`);
      current.elements.push({ ref: id, req });
    }
  }
  return { elements, composites, segments };
}

/** Indented "TAG MIN MAX" lines -> MessageNode[]; a line with deeper lines under it triggers a group. */
function readStructure(file, segments) {
  const rows = lines(file).map(({ text, n }) => {
    const indent = text.length - text.trimStart().length;
    const m = /^([A-Z]{3}) (\d+) (\d+)$/.exec(text.trim());
    if (!m || indent % 2) fail(file, n, 'expected "TAG MIN MAX" indented by twos');
    if (!ENVELOPE_TAGS.has(m[1]) && !segments[m[1]]) fail(file, n, `segment ${m[1]} is not in the directory`);
    return { depth: indent / 2, tag: m[1], min: Number(m[2]), max: Number(m[3]), n };
  });
  let groups = 0;
  let i = 0;
  function level(depth) {
    const nodes = [];
    while (i < rows.length && rows[i].depth >= depth) {
      const row = rows[i];
      if (row.depth > depth) fail(file, row.n, 'indented without a trigger line above');
      i += 1;
      const req = row.min > 0 ? 'M' : 'C';
      if (i < rows.length && rows[i].depth > depth) {
        const group = `SG${++groups}`; // numbered in order of appearance, as the directory does
        const children = level(depth + 1);
        nodes.push({ group, req, max: row.max, children: [{ segment: row.tag, req: 'M', max: 1 }, ...children] });
      } else {
        nodes.push({ segment: row.tag, req, max: row.max });
      }
    }
    return nodes;
  }
  return level(0);
}

/** "1001 a b c" lines (continued on following indented lines) -> {1001: [a, b, c]}. */
function readCodes(file, elements) {
  const codes = {};
  let current;
  for (const { text, n } of lines(file)) {
    const m = /^(\d{4}):?\s*(.*)$/.exec(text);
    if (m && !text.startsWith(' ')) {
      current = m[1];
      if (codes[current]) fail(file, n, `codes of ${current} twice`);
      if (!elements[current]) fail(file, n, `code list for ${current}, which no segment here uses`);
      codes[current] = [];
      text.slice(m[0].length - m[2].length).split(/\s+/).filter(Boolean).forEach((c) => codes[current].push(c));
    } else {
      if (!current) fail(file, n, 'codes before an element id');
      text.trim().split(/\s+/).forEach((c) => codes[current].push(c));
    }
  }
  for (const [id, list] of Object.entries(codes)) {
    const dup = list.find((c, k) => list.indexOf(c) !== k);
    if (dup) fail(file, 0, `code ${dup} twice in ${id}`);
    const { max } = elements[id];
    const long = list.find((c) => c.length > max);
    if (long) fail(file, 0, `code ${long} longer than ${id} allows (${max})`);
  }
  return codes;
}

function sorted(record) {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

/** JSON with one dictionary entry a line, as the X12 definition files are laid out. */
function writeDictionary(file, record) {
  const body = Object.entries(record).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  fs.writeFileSync(file, `{\n${body}\n}\n`);
}

function writeMessage(file, def) {
  const nodes = (list, indent) => list.map((node) => {
    if ('segment' in node) return `${indent}${JSON.stringify(node)}`;
    const { children, ...head } = node;
    const open = JSON.stringify(head).slice(0, -1);
    return `${indent}${open},"children":[\n${nodes(children, `${indent}  `)}\n${indent}]}`;
  }).join(',\n');
  const { structure, ...head } = def;
  const headLines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join('\n');
  fs.writeFileSync(file, `{\n${headLines}\n  "structure": [\n${nodes(structure, '    ')}\n  ]\n}\n`);
}

const MESSAGE_NAMES = {
  ORDERS: 'Purchase order message',
  ORDRSP: 'Purchase order response message',
  DESADV: 'Despatch advice message',
  INVOIC: 'Invoice message',
  CONTRL: 'Syntax and service report message',
  APERAK: 'Application error and acknowledgement message',
};

function build(dir) {
  const names = readNames(path.join(SOURCE, 'names.txt'));
  const { elements, composites, segments } = readSegments(
    [path.join(SOURCE, dir, 'segments.txt'), path.join(SOURCE, 'service-segments.txt')], names);
  const codesFile = path.join(SOURCE, dir, 'codes.txt');
  const codes = fs.existsSync(codesFile) ? readCodes(codesFile, elements) : {};
  const outDir = path.join(OUT, dir);
  fs.mkdirSync(path.join(outDir, 'messages'), { recursive: true });
  writeDictionary(path.join(outDir, 'elements.json'), sorted(elements));
  writeDictionary(path.join(outDir, 'composites.json'), sorted(composites));
  writeDictionary(path.join(outDir, 'segments.json'), sorted(segments));
  writeDictionary(path.join(outDir, 'codes.json'), sorted(codes));
  const messagesDir = path.join(SOURCE, dir, 'messages');
  for (const name of fs.readdirSync(messagesDir).filter((f) => f.endsWith('.txt')).sort()) {
    const [type, association] = name.replace(/\.txt$/, '').split('.');
    const def = { id: type, name: MESSAGE_NAMES[type], directory: dir };
    if (association) def.association = association;
    const overridesFile = path.join(messagesDir, name.replace(/\.txt$/, '.overrides.json'));
    if (fs.existsSync(overridesFile)) def.overrides = JSON.parse(fs.readFileSync(overridesFile, 'utf8'));
    def.structure = readStructure(path.join(messagesDir, name), segments);
    writeMessage(path.join(outDir, 'messages', `${type}${association ? `.${association}` : ''}.json`), def);
  }
  const count = (o) => Object.keys(o).length;
  console.log(`${dir}: ${count(segments)} segments, ${count(composites)} composites, ${count(elements)} elements, `
    + `${count(codes)} code lists (${Object.values(codes).reduce((s, l) => s + l.length, 0)} codes)`);
}

for (const dir of process.argv.slice(2).length ? process.argv.slice(2) : DIRECTORIES) build(dir);
