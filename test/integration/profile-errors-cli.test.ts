import fs from 'node:fs';
import path from 'node:path';
import { cli, workspace } from '../cli-helpers';
import { tempDir } from '../helpers';

const HEAD = (id: string) => `# yaml-language-server: $schema=../profile.schema.json\nid: ${id}\nname: ${id}\nmode: test\n`
  + `identifiers:\n  x12: [{ qualifier: ZZ, id: ${id.toUpperCase()}, gsId: ${id.toUpperCase()} }]\n`;

describe('partners lint DIR: profile errors an analyst can act on', () => {
  it('prints each problem as file:line:col at its own key, with a did-you-mean or a quoting hint, and exits 1', () => {
    const dir = tempDir('edi-gw-lint-');
    const profiles = {
      // An unknown key at the top level and one nested, and an unquoted version and type.
      alpha: `${HEAD('alpha')}documents:\n  inbound:\n    - { standard: X12, type: 850, version: 004010 }\n`
        + "acknowledgements:\n  send: ['997']\nvalidation:\n  duplicateWindowDay: 30\n",
      // An id that is not its folder's name.
      beta: `${HEAD('bravo')}documents: {}\n`,
      // A cross-reference table that is not there.
      gamma: `${HEAD('gamma')}documents: {}\ncrossReferences:\n  items: items.csv\n`,
    };
    for (const [id, text] of Object.entries(profiles)) {
      fs.mkdirSync(path.join(dir, id));
      fs.writeFileSync(path.join(dir, id, 'profile.yaml'), text);
    }
    const file = (id: string) => path.join(dir, id, 'profile.yaml');
    const r = cli(workspace(), ['partners', 'lint', dir]);
    expect(r.stdout.split('\n')).toEqual([
      `${file('alpha')}:9:30 documents.inbound.0.type: type: 850 is read by YAML as the number 850; quote it: type: '850'`,
      `${file('alpha')}:9:44 documents.inbound.0.version: version: 004010 is read by YAML as the number 4010; quote it: version: '004010'`,
      `${file('alpha')}:10:1 acknowledgements: unknown key "acknowledgements" — did you mean "acknowledgments"?`,
      `${file('alpha')}:13:3 validation.duplicateWindowDay: unknown key "duplicateWindowDay" — did you mean "duplicateWindowDays"?`,
      `${file('beta')}:2:5 id: id 'bravo' must match its folder or file name 'beta'`,
      `${file('gamma')}:9:10 crossReferences.items: cross-reference table items.csv: no such file`,
      '',
    ]);
    expect(r.stderr).toBe(`0 profile(s) OK, 6 problem(s) in ${dir}\n`);
    expect(r.status).toBe(1);
  });
});
