import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { requireProfiles } from '../../src/partners/require-profiles';
import { getEvents, getMessage } from '../../src/store/messages.repo';
import { createToken, revokeToken } from '../../src/store/api-tokens.repo';
import { bigFileInProgress, eventually, PROFILES, REPO, tempDir, testRuntime, x12Interchange } from '../helpers';
import { acme850, ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

const CHROMIUM = '/usr/bin/chromium';
/** DASHBOARD_SCREENSHOTS=docs writes the pages' screenshots to docs/ (scripts/dashboard-screenshots.js); else to a temporary folder. */
const SHOTS = process.env.DASHBOARD_SCREENSHOTS === 'docs' ? path.join(REPO, 'docs') : tempDir('edi-gw-shots-');

/**
 * The dashboard in Debian's chromium, as an operations lead uses it: sign in, find an order the
 * cross-reference refused by its PO number, see the refused item marked in the raw EDI, fix the
 * items table, replay, and see the order reach Odoo.
 */
describe('dashboard in headless Chromium', () => {
  const token = 'dashboard-test-token-0123456789';
  let sb: SandboxOdoo;
  let rt: Runtime;
  let http: HttpServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let profilesDir: string;
  let itemsCsv: string;
  let original: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Debian's chromium is not installed (${CHROMIUM}): as root, apt-get install -y chromium`);
    profilesDir = tempDir('edi-gw-dash-profiles-');
    fs.cpSync(PROFILES, profilesDir, { recursive: true });
    itemsCsv = path.join(profilesDir, 'acme-retail', 'items.csv');
    original = fs.readFileSync(itemsCsv, 'utf8');
    // A new item ACME starts ordering (our ODW-1003) is not in its cross-reference yet: orders naming it are refused.
    fs.writeFileSync(itemsCsv, original.split('\n').filter((l) => !l.startsWith('ODW-1003,')).join('\n'));
    sb = await startSandbox();
    rt = await testRuntime('pglite', {
      profilesDir, http: { apiToken: token }, sandboxOdoo: { port: sb.port },
      odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 },
      queue: { retryLimit: 40, retryDelaySeconds: 0 },
    });
    rt.workInbound();
    http = await startHttpServer(rt, { port: 0 });
    base = `http://127.0.0.1:${http.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await rt?.close();
    await sb?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `dashboard-${name}.png`), fullPage: true });

  it('refuses a page without a session and a wrong token; a POST from another origin is refused', async () => {
    const bare = await fetch(`${base}/dashboard/messages`, { redirect: 'manual' });
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/dashboard/signin');
    const forged = await fetch(`${base}/dashboard/signin`, { method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: `token=${token}` });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    // The API still wants its bearer header: the dashboard's opening does not open /api.
    expect((await fetch(`${base}/api/messages`)).status).toBe(401);

    await page.goto(`${base}/dashboard/exceptions`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
    expect(await page.context().cookies()).toEqual([]);
  });

  it('a viewer token made by the CLI\'s store signs in, reads, is shown no Replay, and its POST is refused; revoked, its session ends', async () => {
    const { token: viewer } = await createToken(rt.store.knex, 'dash-viewer', 'viewer');
    await new Promise((res) => setTimeout(res, 1100)); // made as another process would: the stored tokens are re-read once a second
    const signin = await fetch(`${base}/dashboard/signin`, { method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: `token=${encodeURIComponent(viewer)}` });
    expect(signin.status).toBe(303);
    const cookie = signin.headers.get('set-cookie')!.split(';')[0];
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000731', 'VIEW-1'), transport: 'test', partnerId: 'acme-retail', filename: 'view.edi' });
    const detail = await fetch(`${base}/dashboard/messages/${r.messageId}`, { headers: { cookie } });
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain('view.edi');
    expect(html).not.toMatch(/<button[^>]*>\s*Replay/);
    const replay = await fetch(`${base}/dashboard/messages/${r.messageId}/replay`, { method: 'POST', redirect: 'manual',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(replay.status).toBe(403);
    await revokeToken(rt.store.knex, 'dash-viewer');
    await new Promise((res) => setTimeout(res, 1100)); // the stored tokens are re-read once a second
    const after = await fetch(`${base}/dashboard/messages/${r.messageId}`, { headers: { cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);
  });

  it('signs in, finds a refused 850 by PO, shows the unknown item marked, replays it after the fix, and the order is in Odoo', async () => {
    const good = await rt.receive({ content: acme850('000004101', 'PO-DASH-OK'), transport: 'test', partnerId: 'acme-retail', filename: 'ok.edi' });
    const newItem = Buffer.from(acme850('000004102', 'PO-DASH-77').toString('latin1')
      .replace('UP*012345678912*VN*ODW-1002*IN*A100235', 'UP*012345678929*VN*ODW-1003*IN*A100236'), 'latin1');
    const bad = await rt.receive({ content: newItem, transport: 'test', partnerId: 'acme-retail', filename: 'po-dash-77.edi' });
    expect(await settled(rt, good.messageId)).toMatchObject({ status: 'done' });
    expect(await settled(rt, bad.messageId)).toMatchObject({ status: 'exception', errorCode: 'TRANSLATION_FAILED' });
    expect(ordersFor(sb, 'PO-DASH-77')).toEqual([]);

    await page.goto(`${base}/dashboard/signin`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    const [session] = await page.context().cookies();
    expect(session).toMatchObject({ name: 'edi_gw_session', httpOnly: true, sameSite: 'Strict' });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    await expect(page.getByRole('table', { name: /Messages waiting for a person/ }).textContent()).resolves.toContain('TRANSLATION_FAILED');
    // A refused order has no document: the overview names it by its X12 set.
    await expect(page.getByRole('table', { name: /Messages since 00:00 UTC/ }).textContent()).resolves.toContain('X12 850');
    await shot('overview');

    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await page.getByLabel('PO, shipment or invoice number').fill('PO-DASH-77');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('table', { name: /message\(s\)/ });
    await expect(results.locator('tbody tr').count()).resolves.toBe(1);
    await expect(results.textContent()).resolves.toContain('TRANSLATION_FAILED');
    await shot('messages');

    await results.getByRole('link', { name: `#${bad.messageId}` }).click();
    await page.waitForURL(`${base}/dashboard/messages/${bad.messageId}`);
    // The refused item is marked at its element of the second PO1 line, and named.
    const marked = page.locator('pre.edi mark');
    await expect(marked.count()).resolves.toBe(1);
    const title = await marked.getAttribute('title');
    expect(title).toMatch(/^PO1(07|09): UNKNOWN_ITEM: line 2: item .*not in acme-retail's item cross-reference/);
    expect(['012345678929', 'ODW-1003', 'A100236']).toContain(await marked.textContent());
    const markedLine = await marked.evaluate((m) => m.parentElement!.textContent);
    expect(markedLine).toContain('PO1*2*6*CA');
    await expect(page.locator('pre.edi').textContent()).resolves.toMatch(/\nISA\*|^\s*1ISA\*/); // one segment a line
    await shot('message-detail');

    await page.getByRole('link', { name: 'Exceptions', exact: true }).click();
    await expect(page.getByRole('button', { name: `Replay message ${bad.messageId}` }).isVisible()).resolves.toBe(true);
    await shot('exceptions');

    // "This week, not invoiced, and why": the refused order is there, with its reason, though it never became an order row.
    await page.getByRole('link', { name: 'Reconciliation', exact: true }).click();
    await page.getByRole('link', { name: "This week's orders not yet invoiced" }).click();
    const unread = page.getByRole('table', { name: /never became a document/ });
    await expect(unread.textContent()).resolves.toMatch(new RegExp(`#${bad.messageId}.*TRANSLATION_FAILED.*ODW-1003`, 's'));
    await shot('reconciliation');

    // Replayed before the fix, it fails the same way.
    await page.goto(`${base}/dashboard/messages/${bad.messageId}`);
    await page.getByRole('button', { name: `Replay message #${bad.messageId}` }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/queued for replay \(1\)/);
    await eventually(async () => { const m = await getMessage(rt.store.knex, bad.messageId); return m?.status === 'exception' && m.attempts >= 2; }, 45_000, 'the first replay to fail again');

    fs.writeFileSync(itemsCsv, original);
    rt.setPartners(requireProfiles(profilesDir));
    await page.reload();
    await page.getByRole('button', { name: `Replay message #${bad.messageId}` }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/queued for replay \(2\)/);
    await eventually(async () => (await getMessage(rt.store.knex, bad.messageId))?.status === 'done', 45_000, 'the replay after the fix');
    expect(ordersFor(sb, 'PO-DASH-77')).toHaveLength(1);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/done/);
    await expect(page.locator('pre.edi mark').count()).resolves.toBe(0);
    await expect(page.getByRole('table', { name: /Canonical documents/ }).textContent()).resolves.toMatch(/order\s*PO-DASH-77.*sale\.order \d+/s);

    await page.getByRole('link', { name: 'Partners', exact: true }).click();
    await expect(page.getByRole('table', { name: /Each partner's traffic/ }).textContent()).resolves.toContain('acme-retail');
    await shot('partners');

    await page.getByRole('link', { name: 'Reconciliation', exact: true }).click();
    await page.getByRole('link', { name: "This week's orders not yet invoiced" }).click();
    const recon = page.getByRole('table', { name: /order\(s\) received/ });
    await expect(recon.textContent()).resolves.toContain('PO-DASH-77');
    await expect(recon.getByRole('rowheader', { name: 'PO-DASH-77' }).count()).resolves.toBe(1);
    await expect(page.getByRole('table', { name: /never became a document/ }).textContent()).resolves.toContain('None.');

    // A set the validator rejects: its error is found again in the bytes and marked at the element.
    const badDate = Buffer.from(acme850('000004103', 'PO-DASH-88').toString('latin1').replace('BEG*00*SA*PO-DASH-88**20261120', 'BEG*00*SA*PO-DASH-88**20261340'), 'latin1');
    const rejected = await rt.receive({ content: badDate, transport: 'test', partnerId: 'acme-retail', filename: 'bad-date.edi' });
    expect(await settled(rt, rejected.messageId)).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
    const viaCookie = await fetch(`${base}/dashboard/messages/${rejected.messageId}`, { headers: { cookie: `edi_gw_session=${token}` } });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.text()).toMatch(/<mark title="BEG05: 8: [^"]*not a valid date[^"]*"[^>]*>20261340<\/mark>/);

    // Resolved from the queue with a note; then the queue is empty; sign-out ends the session.
    await page.goto(`${base}/dashboard/exceptions`);
    await page.getByRole('button', { name: `Resolve message ${rejected.messageId}` }).click(); // the note is required: the browser keeps the form
    expect((await getMessage(rt.store.knex, rejected.messageId))?.status).toBe('exception');
    await page.getByLabel('Note').fill('partner resends with a real date');
    await page.getByRole('button', { name: `Resolve message ${rejected.messageId}` }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Message ${rejected.messageId} resolved.`);
    expect((await getMessage(rt.store.knex, rejected.messageId))?.status).toBe('resolved');
    await page.goto(`${base}/dashboard/exceptions`);
    await expect(page.getByRole('table', { name: /open exception/ }).textContent()).resolves.toContain('Nothing waiting');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/dashboard/signin`);
    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/signin');
  });

  it('replays two selected exceptions at once; shows a big file\'s progress on the partners page, the overview and the message', async () => {
    const memos: number[] = [];
    for (const n of [1, 2]) memos.push((await rt.receive({ content: Buffer.from(`not EDI ${n}`), transport: 'test', partnerId: 'summit-grocers', filename: `memo-${n}.txt` })).messageId);
    for (const id of memos) expect(await settled(rt, id)).toMatchObject({ status: 'exception', errorCode: 'FORMAT_UNKNOWN' });
    const big = await bigFileInProgress(rt.store.knex, 'acme-retail');

    await page.goto(`${base}/dashboard/signin`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    await expect(page.getByRole('progressbar', { name: `Message ${big.messageId}, translate: 12000 of 87968 sets translated` }).isVisible()).resolves.toBe(true);

    await page.goto(`${base}/dashboard/exceptions?partner=summit-grocers`);
    await expect(page.getByRole('button', { name: 'Replay all 2 shown' }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Replay selected' }).click(); // nothing ticked yet
    await expect(page.getByRole('status').textContent()).resolves.toBe('Select at least one message to replay.');
    for (const id of memos) await page.getByRole('checkbox', { name: `Select message ${id}` }).check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe(`2 message(s) queued for replay (#${memos[1]}, #${memos[0]}).`);
    expect(new URL(page.url()).search).toBe('?partner=summit-grocers');
    for (const id of memos) {
      expect((await getEvents(rt.store.knex, id)).filter((e) => e.stage === 'replay').map((e) => e.detail)).toEqual([expect.stringMatching(/^bulk replay requested on the dashboard by .* \(replay 1\)$/)]);
    }

    await page.getByRole('link', { name: 'Partners', exact: true }).click();
    const files = page.getByRole('table', { name: /Big files being worked through/ });
    await expect(files.textContent()).resolves.toMatch(new RegExp(`#${big.messageId}.*acme-retail.*translate.*12000 of 87968 sets translated, 14%, since`, 's'));
    await shot('partners'); // again, now with a file in progress
    await page.goto(`${base}/dashboard/messages/${big.messageId}`);
    await expect(page.getByRole('progressbar', { name: /12000 of 87968 sets translated/ }).getAttribute('max')).resolves.toBe('87968');
  });
});
