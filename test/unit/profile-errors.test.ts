import fs from 'node:fs';
import path from 'node:path';
import { closestWord, editDistance } from '../../src/lib/closest-word';
import { formatIssue, loadProfiles, parseProfile } from '../../src/partners/load-profiles';
import { withDescriptions } from '../../src/partners/with-descriptions';
import { SftpTransportSchema } from '../../src/transports/sftp/sftp.schema';
import { REPO, tempDir } from '../helpers';

/** A profile that loads, comments first (so that nothing sits at line 1 by chance), then `rest`. */
const HEAD = [
  '# yaml-language-server: $schema=../profile.schema.json',
  '# Acme: a test partner.',
  'id: acme',
  'name: Acme',
  'mode: test',
  'identifiers:',
  '  x12: [{ qualifier: ZZ, id: ACME, gsId: ACME }]',
].join('\n');
const DOCS = "documents:\n  inbound:\n    - { standard: X12, type: '850', version: '004010' }\n";
const lint = (rest: string, head = `${HEAD}\n${DOCS}`) => parseProfile('p.yaml', `${head}${rest}`).issues.map(formatIssue);

describe('profile errors: an unknown key', () => {
  it('is reported at its own line and column with the closest known key of its level', () => {
    // The top level: acknowledgements on line 11, not at its section's (the document's) first line.
    expect(lint("acknowledgements:\n  send: ['997']\n")).toEqual([
      'p.yaml:11:1 acknowledgements: unknown key "acknowledgements" — did you mean "acknowledgments"?',
    ]);
    // A nested level: the key, not the map it is in.
    expect(lint("acknowledgments:\n  send: ['997']\n  expectWithinHour: 12\n")).toEqual([
      'p.yaml:13:3 acknowledgments.expectWithinHour: unknown key "expectWithinHour" — did you mean "expectWithinHours"?',
    ]);
  });

  it('gives each unknown key of one map its own line, in a flow map too', () => {
    expect(lint('odoo:\n  custmer: ACME\n  warehouse: WH\n  autoconfirm: true\noutbound:\n  x12: { elementSeparator: "*", lineEndings: lf }\n')).toEqual([
      'p.yaml:12:3 odoo.custmer: unknown key "custmer" — did you mean "customer"?',
      'p.yaml:14:3 odoo.autoconfirm: unknown key "autoconfirm" — did you mean "autoConfirm"?',
      'p.yaml:16:33 outbound.x12.lineEndings: unknown key "lineEndings" — did you mean "lineEnding"?',
    ]);
  });

  it('suggests from the branch of a document list entry its standard picks, and lists the keys when none is close', () => {
    const edifact = `${HEAD}\n  edifact: [{ id: '5412345000013', qualifier: '14' }]\ndocuments:\n  inbound:\n    - { standard: EDIFACT, type: ORDERS, version: D96A, asociation: EAN008 }\n`;
    expect(lint('', edifact)).toEqual(['p.yaml:11:57 documents.inbound.0.asociation: unknown key "asociation" — did you mean "association"?']);
    expect(lint('colour: blue\n')).toEqual([
      'p.yaml:11:1 colour: unknown key "colour" (keys here: $schema, id, name, kind, mode, identifiers, cxml, shopify, amazon, documents, acknowledgments, validation, mapping, crossReferences, outbound, odoo, schedules, reconciliation, alerts, transports)',
    ]);
  });

  it('closest words: edit distance with swaps, case ignored, nothing when far', () => {
    expect(editDistance('acknowledgements', 'acknowledgments')).toBe(1);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(closestWord('ExpectWithinHours', ['expect', 'expectWithinHours'])).toBe('expectWithinHours');
    expect(closestWord('documnets', ['id', 'documents', 'odoo'])).toBe('documents');
    expect(closestWord('sftpp', ['as2', 'folder', 'sftp', 'primary'])).toBe('sftp');
    expect(closestWord('colour', ['id', 'name', 'mode'])).toBeUndefined();
  });
});

describe('profile errors: a number or boolean where text is wanted', () => {
  it('an unquoted version or document type is told to be quoted, with its source text', () => {
    expect(lint('', `${HEAD}\ndocuments:\n  inbound:\n    - { standard: X12, type: 850, version: 004010 }\n`)).toEqual([
      "p.yaml:10:30 documents.inbound.0.type: type: 850 is read by YAML as the number 850; quote it: type: '850'",
      "p.yaml:10:44 documents.inbound.0.version: version: 004010 is read by YAML as the number 4010; quote it: version: '004010'",
    ]);
    // Block style, and a number that quoting alone would not make a version.
    expect(lint('', `${HEAD}\ndocuments:\n  outbound:\n    - standard: X12\n      type: '855'\n      version: 4010\n`)).toEqual([
      "p.yaml:12:16 documents.outbound.0.version: version: 4010 is read by YAML as the number 4010; write one of '004010', '005010' (quoted)",
    ]);
  });

  it('codes anywhere: added codes, store number qualifiers, syntax versions, Odoo references', () => {
    expect(lint("validation:\n  addCodes:\n    '850': { '355': [XQ, 12] }\nmapping:\n  storeNumberQualifiers: [UL, 92]\n"
      + 'outbound:\n  edifact: { syntaxVersion: 4 }\nodoo:\n  customer: 10042\n  warehouse: true\n')).toEqual([
      "p.yaml:13:26 validation.addCodes.850.355.1: 12 is read by YAML as the number 12; quote it: '12'",
      "p.yaml:15:31 mapping.storeNumberQualifiers.1: 92 is read by YAML as the number 92; quote it: '92'",
      "p.yaml:17:29 outbound.edifact.syntaxVersion: syntaxVersion: 4 is read by YAML as the number 4; quote it: syntaxVersion: '4'",
      "p.yaml:19:13 odoo.customer: customer: 10042 is read by YAML as the number 10042; quote it: customer: '10042'",
      "p.yaml:20:14 odoo.warehouse: warehouse: true is read by YAML as the boolean true; quote it: warehouse: 'true'",
    ]);
  });

  it('and the other way round: yes/no or a quoted value where a boolean or number is wanted', () => {
    expect(lint("odoo:\n  autoConfirm: yes\nacknowledgments:\n  expectWithinHours: '48'\n")).toEqual([
      'p.yaml:12:16 odoo.autoConfirm: autoConfirm: yes is read by YAML as the string "yes"; write autoConfirm: true or autoConfirm: false',
      "p.yaml:14:22 acknowledgments.expectWithinHours: expectWithinHours: '48' is read by YAML as the string \"48\"; write the number without quotes: expectWithinHours: 48",
    ]);
  });

  it('a mistyped choice gets the closest one', () => {
    expect(lint('outbound:\n  x12: { lineEnding: CRLF }\n  shipmentStructure: SOIP\n', `${HEAD.replace('mode: test', 'mode: tset')}\n${DOCS}`)).toEqual([
      'p.yaml:5:7 mode: Invalid option: expected one of "test"|"production" — did you mean "test"?',
      'p.yaml:12:22 outbound.x12.lineEnding: Invalid option: expected one of "none"|"lf"|"crlf" — did you mean "crlf"?',
      'p.yaml:13:22 outbound.shipmentStructure: Invalid option: expected one of "SOPI"|"SOI" — did you mean "SOPI"?',
    ]);
  });

  it('leaves other messages alone: a number where a secret must never be, text where a number is wanted', () => {
    const sftp = 'transports:\n  sftp:\n    host: h\n    username: u\n    passwordEnv: ACME_PW\n    hostKeyFingerprint: SHA256:PLACEHOLDERxACMExRETAILxHOSTxKEYxFINGERPRIN\n    password: 12345\n';
    expect(lint(sftp)).toEqual([
      'p.yaml:17:15 transports.sftp.password: secrets are never written in a profile: put it in an environment variable and name that variable in passwordEnv',
    ]);
    expect(lint('acknowledgments:\n  expectWithinHours: a day\n')).toEqual([
      'p.yaml:12:22 acknowledgments.expectWithinHours: Invalid input: expected number, received string',
    ]);
  });
});

describe('profile errors found after parsing: placed at their key', () => {
  const write = (id: string, text: string) => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'profile.yaml'), text);
    return { dir, file: path.join(dir, id, 'profile.yaml') };
  };

  it('a cross-reference table that does not exist, at its name', () => {
    const { dir, file } = write('acme', `${HEAD}\n${DOCS}crossReferences:\n  items: items.csv\n  locations:   stores.csv\n`);
    fs.writeFileSync(path.join(dir, 'acme', 'items.csv'), 'product_code,upc\nP1,012345678905\n');
    expect(loadProfiles(dir).issues.map(formatIssue)).toEqual([
      `${file}:13:16 crossReferences.locations: cross-reference table stores.csv: no such file`,
    ]);
    fs.rmSync(path.join(dir, 'acme', 'items.csv'));
    expect(loadProfiles(dir).issues.map(formatIssue)).toEqual([
      `${file}:12:10 crossReferences.items: cross-reference table items.csv: no such file`,
      `${file}:13:16 crossReferences.locations: cross-reference table stores.csv: no such file`,
    ]);
  });

  it('an id that does not match its folder, at the id', () => {
    const { dir, file } = write('acme', `${HEAD.replace('id: acme', 'id: acme-retail')}\n${DOCS}`);
    expect(loadProfiles(dir).issues.map(formatIssue)).toEqual([`${file}:3:5 id: id 'acme-retail' must match its folder or file name 'acme'`]);
  });

  it('an interchange id another profile claims, at the identifier', () => {
    const dir = tempDir();
    for (const id of ['first', 'second']) {
      const head = HEAD.replace('id: acme', `id: ${id}`).replace('  x12: [{ qualifier: ZZ, id: ACME, gsId: ACME }]',
        `  x12:\n    - { qualifier: ZZ, id: ${id.toUpperCase()}, gsId: ${id.toUpperCase()} }\n    - { qualifier: ZZ, id: ACME, gsId: ACME }`);
      fs.mkdirSync(path.join(dir, id));
      fs.writeFileSync(path.join(dir, id, 'profile.yaml'), `${head}\n${DOCS}`);
    }
    expect(loadProfiles(dir).issues.map(formatIssue)).toEqual([
      `${path.join(dir, 'second', 'profile.yaml')}:9:7 identifiers: X12 ZZ:ACME is also claimed by partner 'first' (${path.join(dir, 'first', 'profile.yaml')})`,
    ]);
  });
});

describe('the generated JSON Schema (what editors show while an analyst types)', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'partner-profiles', 'profile.schema.json'), 'utf8')) as unknown;

  /** Every property of every object in the schema, wherever it sits (items, oneOf, additionalProperties...), by its path. */
  function properties(node: unknown, at: string, out: [string, Record<string, unknown>][] = []): [string, Record<string, unknown>][] {
    if (Array.isArray(node)) node.forEach((n, i) => properties(n, `${at}[${i}]`, out));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [name, property] of Object.entries(value as Record<string, Record<string, unknown>>)) {
            out.push([`${at}.${name}`.replace(/^\./, ''), property]);
            properties(property, `${at}.${name}`, out);
          }
        } else {
          properties(value, `${at}/${key}`, out);
        }
      }
    }
    return out;
  }

  it('describes every property of the profile', () => {
    const all = properties(schema, '');
    expect(all.length).toBeGreaterThan(100);
    expect(all.map(([p]) => p)).toEqual(expect.arrayContaining(['acknowledgments.expectWithinHours', 'transports.sftp.inbound.dir', 'transports.as2.mdn.mode']));
    const undescribed = all.filter(([, p]) => typeof p.description !== 'string' || p.description.trim().length < 10).map(([p]) => p);
    expect(undescribed).toEqual([]);
  });

  it('describes a schema owned elsewhere on a copy that validates the same, leaving the original as it was', () => {
    const described = withDescriptions(SftpTransportSchema, { description: 'SFTP', fields: { host: 'The host.', reconnect: { fields: { maxSeconds: 'Seconds.' } } } });
    expect(described.description).toBe('SFTP');
    expect(described.shape.host.description).toBe('The host.');
    expect(SftpTransportSchema.description).toBeUndefined();
    expect(SftpTransportSchema.shape.host.description).toBeUndefined();
    const bad = { host: 'h', username: 'u', hostKeyFingerprint: 'SHA256:PLACEHOLDERxACMExRETAILxHOSTxKEYxFINGERPRIN', reconnect: { initialSeconds: 9, maxSeconds: 3 }, colour: 1 };
    const issues = (s: typeof SftpTransportSchema) => s.safeParse(bad).error?.issues.map((i) => [i.code, i.path.join('.'), i.message]);
    expect(issues(described)).toEqual(issues(SftpTransportSchema));
    expect(issues(described)).toHaveLength(3); // the unknown key, no credentials named, maxSeconds below initialSeconds
    const good = { host: 'h', username: 'u', hostKeyFingerprint: bad.hostKeyFingerprint, passwordEnv: 'PW' };
    expect(described.parse(good)).toEqual(SftpTransportSchema.parse(good));
  });

  it('says what a field does for the analyst, with its unit and default', () => {
    const props = Object.fromEntries(properties(schema, ''));
    expect(props['acknowledgments.expectWithinHours'].description).toBe('Hours the partner has to send the acknowledgments in expect. Default 24.');
    expect(props['transports.sftp.inbound.maxFileSize'].description).toMatch(/in bytes.*Default 67108864/);
    expect(props['documents.inbound/items/oneOf[0].version'].description).toMatch(/quoted: '004010' or '005010'/);
  });
});
