import fs from 'node:fs';
import { loadConfig } from '../../src/config/load-config';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { profileJsonSchemaText } from '../../src/partners/profile-json-schema';
import { listSamples, runSample } from '../../src/partners/sample-runner';
import { PROFILES, REPO } from '../helpers';
import path from 'node:path';

const { profiles, issues } = loadProfiles(PROFILES);
const partners = new PartnerRegistry(profiles);
const config = loadConfig({ profilesDir: PROFILES, env: {} });

// The golden tests: every shipped partner's samples give exactly their expected documents and acks.
describe.each(profiles.filter((p) => listSamples(p).length).map((p) => [p.id, p]))('partner %s', (_id, profile) => {
  it.each(listSamples(profile).map((s) => [`${s.direction}/${path.basename(s.file)}`, s]))('%s', async (_name, sample) => {
    const outcomes = await runSample(sample, profile, { config, partners });
    expect(outcomes.length).toBeGreaterThan(0);
    for (const o of outcomes) {
      expect({ expected: o.expected, status: o.status, problems: o.problems, diff: o.diff }).toEqual({ expected: o.expected, status: 'pass', problems: [], diff: undefined });
    }
  });
});

it('every example partner has samples for each document it exchanges', () => {
  for (const p of profiles.filter((x) => x.identifiers.x12.length)) {
    const names = listSamples(p).map((s) => path.basename(s.file));
    for (const d of [...p.documents.inbound, ...p.documents.outbound].filter((x) => !['997', '999'].includes(x.type))) {
      expect({ partner: p.id, type: d.type, found: names.some((n) => n.startsWith(`${d.type}-`)) }).toEqual({ partner: p.id, type: d.type, found: true });
    }
  }
});

describe('example profiles', () => {
  it('load with no issues', () => expect(issues).toEqual([]));

  it('profile.schema.json is generated from the current zod schema (npm run schema rewrites it)', () => {
    expect(fs.readFileSync(path.join(REPO, 'partner-profiles', 'profile.schema.json'), 'utf8')).toBe(profileJsonSchemaText());
  });

  it('every example profile names the JSON Schema so editors check it', () => {
    for (const p of profiles) expect(fs.readFileSync(p.files!.profile, 'utf8')).toMatch(/yaml-language-server: \$schema=\.\.\/profile\.schema\.json/);
  });
});
