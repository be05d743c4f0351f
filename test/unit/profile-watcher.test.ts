import fs from 'node:fs';
import path from 'node:path';
import type { PartnerRegistry } from '../../src/partners/partner-registry';
import { ProfileWatcher } from '../../src/partners/profile-watcher';
import { loadPartnerSet, requireProfiles } from '../../src/partners/require-profiles';
import { PROFILES, silentLog, tempDir } from '../helpers';

function copyProfiles(): string {
  const dir = path.join(tempDir(), 'partner-profiles');
  fs.cpSync(PROFILES, dir, { recursive: true });
  return dir;
}

/** Changes a file so its size differs (mtime alone may not tick within one test). */
function edit(file: string, change: (text: string) => string): void {
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

describe('profile reload', () => {
  it('reloads a changed profile, a new partner and a changed cross-reference table', () => {
    const dir = copyProfiles();
    const seen: PartnerRegistry[] = [];
    const w = new ProfileWatcher(dir, silentLog, (r) => seen.push(r));
    expect(w.check()).toBe('unchanged');

    edit(path.join(dir, 'acme-retail', 'profile.yaml'), (t) => t.replace('name: ACME Retail', 'name: ACME Retail Stores'));
    expect(w.check()).toBe('reloaded');
    expect(seen.at(-1)!.get('acme-retail')!.name).toBe('ACME Retail Stores');

    fs.mkdirSync(path.join(dir, 'new-one'));
    fs.writeFileSync(path.join(dir, 'new-one', 'profile.yaml'), 'id: new-one\nname: New\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: NEWONE, gsId: NEWONE }]\ndocuments: {}\n');
    expect(w.check()).toBe('reloaded');
    expect(seen.at(-1)!.byX12('ZZ', 'NEWONE')?.id).toBe('new-one');

    fs.appendFileSync(path.join(dir, 'acme-retail', 'items.csv'), 'ODW-1004,012345678936,A100237,ODW-1004\n');
    expect(w.check()).toBe('reloaded');
    expect(seen.at(-1)!.get('acme-retail')!.xref!.items!.get('upc')!.get('012345678936')).toEqual({ productCode: 'ODW-1004' });
  });

  it('keeps a broken partner\'s last good profile while the others reload, and takes the fix', () => {
    const dir = copyProfiles();
    let current = requireProfiles(dir);
    const w = new ProfileWatcher(dir, silentLog, (r) => { current = r; }, () => current);
    const file = path.join(dir, 'swift-3pl', 'profile.yaml');
    edit(file, (t) => t.replace('mode: production', 'mode: live'));
    edit(path.join(dir, 'acme-retail', 'profile.yaml'), (t) => t.replace('name: ACME Retail', 'name: ACME Retail Stores'));
    expect(w.check()).toBe('reloaded');
    expect(current.get('swift-3pl')!.mode).toBe('production'); // its last good profile
    expect(current.get('acme-retail')!.name).toBe('ACME Retail Stores');
    expect(w.check()).toBe('unchanged'); // the same bad state is not reported again and again
    edit(file, (t) => t.replace('mode: live', 'mode: test'));
    expect(w.check()).toBe('reloaded');
    expect(current.get('swift-3pl')!.mode).toBe('test');
  });

  it('leaves out a partner whose table breaks and that never loaded, keeping the others', () => {
    const dir = copyProfiles();
    fs.writeFileSync(path.join(dir, 'acme-retail', 'items.csv'), 'this,is\nnot,"the table\n');
    const { registry, broken } = loadPartnerSet(dir);
    expect(registry.profiles.map((p) => p.id).sort()).toEqual(['amazon-demo', 'coupa-buyer', 'nordmart', 'shop-demo', 'summit-grocers', 'swift-3pl']);
    expect(broken.map((b) => b.id)).toEqual(['acme-retail']);
    expect(broken[0].reason).toMatch(/items\.csv/);
    expect(() => requireProfiles(dir, { need: 'acme-retail' })).toThrow(/items\.csv/);
    const told: string[] = [];
    expect(requireProfiles(dir, { need: 'nordmart', onBroken: (b) => told.push(b.id) }).get('nordmart')).toBeDefined();
    expect(told).toEqual(['acme-retail']);
  });

  it('does not reload for an edited sample file', () => {
    const dir = copyProfiles();
    const w = new ProfileWatcher(dir, silentLog, () => undefined);
    fs.appendFileSync(path.join(dir, 'acme-retail', 'samples', 'inbound', '850-store-order.edi'), '\n');
    expect(w.check()).toBe('unchanged');
  });
});
