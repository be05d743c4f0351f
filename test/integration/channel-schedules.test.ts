import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { ChannelSchedules } from '../../src/marketplaces/channel-schedules';
import { forgetBuckets } from '../../src/marketplaces/shopify/graphql-client';
import { ClusterScheduler } from '../../src/schedule/cluster-scheduler';
import { listMessages } from '../../src/store/messages.repo';
import { listRuns } from '../../src/store/schedule-runs.repo';
import { CLIENT, FakeAmazon, fakeItem, fakeOrder } from '../amazon-fake';
import { BACKENDS, eventually, PROFILES, silentLog, tempDir, testRuntime } from '../helpers';
import { shopifyOrder, startFakeShopify, type FakeShopify } from '../shopify-fake';

const ENV: Record<string, string> = {
  SHOP_DEMO_ACCESS_TOKEN: 'shpat_channel_schedules',
  AMAZON_DEMO_LWA_CLIENT_ID: CLIENT.id, AMAZON_DEMO_LWA_CLIENT_SECRET: CLIENT.secret, AMAZON_DEMO_LWA_REFRESH_TOKEN: CLIENT.refresh,
};

/** shop-demo and amazon-demo as shipped, pointed at the stand-ins, their orders pulled every second. */
function profilesFor(shop: FakeShopify, amazon: FakeAmazon): string {
  const dir = tempDir('channel-profiles-');
  for (const id of ['shop-demo', 'amazon-demo']) fs.cpSync(path.join(PROFILES, id), path.join(dir, id), { recursive: true });
  const edit = (id: string, edits: [string | RegExp, string][]) => {
    const file = path.join(dir, id, 'profile.yaml');
    let yaml = fs.readFileSync(file, 'utf8');
    for (const [from, to] of edits) {
      const next = yaml.replace(from, to);
      expect(next).not.toBe(yaml);
      yaml = next;
    }
    fs.writeFileSync(file, yaml);
  };
  edit('shop-demo', [[/^ {2}# baseUrl: .*$/m, `  baseUrl: ${shop.url}`], ['  orders:\n    pollSeconds: 300\n', '  orders:\n    pollSeconds: 1\n'],
    ['$schema=../profile.schema.json', `$schema=${path.join(PROFILES, 'profile.schema.json')}`]]);
  edit('amazon-demo', [['endpoint: https://sellingpartnerapi-na.amazon.com', `endpoint: ${amazon.url}`],
    ['tokenUrl: https://api.amazon.com/auth/o2/token', `tokenUrl: ${amazon.url}/auth/o2/token`], ['  orders:\n    pollSeconds: 300\n', '  orders:\n    pollSeconds: 1\n'],
    ['$schema=../profile.schema.json', `$schema=${path.join(PROFILES, 'profile.schema.json')}`]]);
  return dir;
}

/**
 * Marketplace pulls as cluster schedules (README "Schedules"): two gateway processes, each with
 * the daemon's channel schedules and its own timers, make one pull per tick between them against
 * the Shopify and Amazon stand-ins, where each process used to pull on its own.
 */
describe.each(BACKENDS)('channel schedules on %s', (backend) => {
  let shop: FakeShopify;
  let amazon: FakeAmazon;
  const runtimes: Runtime[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    forgetBuckets();
    shop = await startFakeShopify({ token: ENV.SHOP_DEMO_ACCESS_TOKEN });
    shop.orders.push(shopifyOrder(2001, { updatedAt: '2026-12-02T15:10:00Z' }));
    amazon = await new FakeAmazon().start();
    const hourAgo = new Date(Math.floor((Date.now() - 3_600_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    amazon.orders = [fakeOrder('111-0000009-0000009', hourAgo)];
    amazon.items.set('111-0000009-0000009', [fakeItem('50091', 'AMZ-RW12', 1, '12.50')]);
  });
  afterAll(async () => {
    for (const rt of runtimes) await rt.close();
    await shop?.close();
    await amazon?.close();
    process.env = saved;
  });

  /** Two "processes": on PostgreSQL two runtimes, each with its own connections; on PGlite one store (one process holds it) and two schedulers. */
  async function two(): Promise<Runtime[]> {
    const profilesDir = profilesFor(shop, amazon);
    const first = await testRuntime(backend, { profilesDir });
    runtimes.push(first);
    if (backend === 'pglite') return [first, first];
    const second = await testRuntime(backend, { profilesDir, databaseUrl: first.config.databaseUrl, home: first.config.home });
    runtimes.push(second);
    return [first, second];
  }

  it('pulls each store once a tick however many processes keep the schedule: as many Orders / getOrders requests as runs in schedule_runs', async () => {
    const rts = await two();
    const schedulers = rts.map((rt) => new ClusterScheduler({ knex: rt.store.knex, log: silentLog }));
    // The daemon's own code: each channel task of each profile becomes a schedule, with its catch-up run at start.
    rts.forEach((rt, i) => new ChannelSchedules(rt, schedulers[i]).sync(rt.partners()));
    const names = ['channel:amazon-demo:orders', 'channel:shop-demo:orders'];
    for (const s of schedulers) expect(s.names().sort()).toEqual(names);
    const knex = rts[0].store.knex;
    const ran = async (name: string) => (await listRuns(knex, { name })).filter((r) => r.outcome !== 'skipped');
    try {
      await eventually(async () => {
        for (const name of names) if ((await ran(name)).filter((r) => r.outcome === 'ok').length < 4) return false;
        return true;
      }, 30_000, 'four pulls of each store');
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
    }

    const shopRuns = await ran('channel:shop-demo:orders');
    const amazonRuns = await ran('channel:amazon-demo:orders');
    // Every run ended (stop() waited), each in one of the two processes, each with its summary.
    for (const r of [...shopRuns, ...amazonRuns]) {
      expect(r.outcome).toBe('ok');
      expect(schedulers.map((s) => s.owner)).toContain(r.owner);
    }
    expect(shopRuns[0].detail).toMatch(/^0 order version\(s\) stored, 1 unchanged, 1 page\(s\)$/);
    expect(amazonRuns[0].detail).toMatch(/^0 order\(s\) stored, 1 already stored/);
    // One request per pull at each stand-in (one page each), not one per process.
    expect(shop.ops('Orders')).toHaveLength(shopRuns.length);
    expect(amazon.calls('getOrders')).toHaveLength(amazonRuns.length);
    // Each order stored once.
    const stored = async (partnerId: string) => (await listMessages(knex, { partnerId, direction: 'in' })).map((m) => m.filename);
    expect(await stored('shop-demo')).toEqual(['shopify-order-2001.json']);
    expect(await stored('amazon-demo')).toEqual(['amazon-order-111-0000009-0000009.json']);
  });
});
