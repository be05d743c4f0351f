import fs from 'node:fs';
import path from 'node:path';
import { formatIssue, loadProfiles, parseProfile } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { PROFILES, tempDir } from '../helpers';

describe('partner profiles', () => {
  it('loads the example partners of CONTRACTS.md and resolves their identifiers', () => {
    const { profiles, issues } = loadProfiles(PROFILES);
    expect(issues).toEqual([]);
    expect(profiles.map((p) => p.id).sort()).toEqual(['acme-retail', 'amazon-demo', 'coupa-buyer', 'nordmart', 'shop-demo', 'summit-grocers', 'swift-3pl']);
    const reg = new PartnerRegistry(profiles);
    expect(reg.byX12('ZZ', 'ACMERETAIL')?.id).toBe('acme-retail');
    expect(reg.byX12('ZZ', 'SWIFT3PL')?.acknowledgments.send).toEqual(['997']);
    expect(reg.get('summit-grocers')?.acknowledgments.send).toEqual(['999']);
    expect(reg.byEdifact('5412345000013', '14')?.id).toBe('nordmart');
    expect(reg.byEdifact('5412345000013', 'ZZ')).toBeUndefined();
    expect(reg.byX12('01', 'ACMERETAIL')).toBeUndefined();
  });

  it('reports a bad field with its file, line and column', () => {
    const text = 'id: acme\nname: Acme\nmode: live\nidentifiers:\n  x12:\n    - { qualifier: ZZ, id: ACME, gsId: ACME }\ndocuments: {}\n';
    const { issues } = parseProfile('p.yaml', text);
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0])).toMatch(/^p\.yaml:3:7 mode: /);
  });

  it('refuses an outbound.timeZone that is not an IANA zone, naming file and line; UTC by default', () => {
    const base = 'id: acme\nname: Acme\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: A, gsId: AA }]\ndocuments: {}\n';
    const [issue] = parseProfile('p.yaml', `${base}outbound:\n  timeZone: America/NewYork\n`).issues;
    expect(formatIssue(issue)).toBe("p.yaml:8:13 outbound.timeZone: 'America/NewYork' is not an IANA time zone (e.g. America/New_York, America/Chicago, Europe/Stockholm, UTC)");
    expect(parseProfile('p.yaml', `${base}outbound:\n  timeZone: America/Chicago\n`).profile?.outbound.timeZone).toBe('America/Chicago');
    expect(parseProfile('p.yaml', base).profile?.outbound.timeZone).toBe('UTC');
  });

  it('points at a wrong element inside a list', () => {
    const text = 'id: acme\nname: Acme\nmode: test\nidentifiers:\n  x12:\n    - qualifier: Z\n      id: ACME\n      gsId: ACME\ndocuments: {}\n';
    const [issue] = parseProfile('p.yaml', text).issues;
    expect(issue).toMatchObject({ line: 6, col: 18, path: 'identifiers.x12.0.qualifier' });
  });

  it('refuses two profiles that claim the same interchange id', () => {
    const dir = tempDir();
    for (const id of ['first', 'second']) {
      fs.mkdirSync(path.join(dir, id));
      fs.writeFileSync(path.join(dir, id, 'profile.yaml'),
        `id: ${id}\nname: ${id}\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: SAME, gsId: SAME }]\ndocuments: {}\n`);
    }
    const { profiles, issues } = loadProfiles(dir);
    expect(issues.map((i) => i.message)).toEqual([expect.stringContaining("X12 ZZ:SAME is also claimed by partner 'first'")]);
    expect(profiles.map((p) => p.id)).toEqual(['first']);
  });

  it('requires the id to match the folder name', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'acme'));
    fs.writeFileSync(path.join(dir, 'acme', 'profile.yaml'),
      'id: other\nname: x\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: A, gsId: AA }]\ndocuments: {}\n');
    expect(loadProfiles(dir).issues[0].message).toContain("must match its folder or file name 'acme'");
  });
});

describe('partner profile transports', () => {
  it('refuses an include pattern that is not a regular expression', () => {
    const text = 'id: acme\nname: Acme\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: A, gsId: AA }]\ndocuments: {}\ntransports:\n  folder:\n    include: "*.edi"\n';
    const [issue] = parseProfile('p.yaml', text).issues;
    expect(issue).toMatchObject({ line: 9, col: 14, path: 'transports.folder.include', message: 'not a valid regular expression' });
  });
});
