import fs from 'node:fs';
import { loadConfig } from '../../src/config/load-config';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { profileJsonSchemaText } from '../../src/partners/profile-json-schema';
import { runPartnerSamples } from '../../src/partners/sample-runner';
import { PROFILES, REPO } from '../helpers';
import path from 'node:path';

const { profiles, issues } = loadProfiles(PROFILES);
const partners = new PartnerRegistry(profiles);
const config = loadConfig({ profilesDir: PROFILES, env: {} });

// The golden tests: every shipped partner's samples give exactly their expected documents and acks.
describe.each(profiles.filter((p) => fs.existsSync(path.join(p.files!.dir, 'samples', 'inbound'))).map((p) => [p.id, p]))('partner %s', (_id, profile) => {
  const outcomes = runPartnerSamples(profile, { config, partners });
  it('has samples', () => expect(outcomes.length).toBeGreaterThan(0));
  it.each(outcomes.map((o) => [`${o.sample} -> ${o.expected}`, o]))('%s', (_name, o) => {
    expect({ status: o.status, problems: o.problems, diff: o.diff }).toEqual({ status: 'pass', problems: [], diff: undefined });
  });
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
