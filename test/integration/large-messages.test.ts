import type { Runtime } from '../../src/daemon/runtime';
import { inboundProcessor } from '../../src/pipeline/inbound-processor';
import type { InboundStage } from '../../src/pipeline/inbound-stages';
import type { JobContext } from '../../src/queue/queue-worker';
import { CONTENT_PART_BYTES } from '../../src/store/message-content';
import { getMessage } from '../../src/store/messages.repo';
import { silentLog, testRuntime, x12Interchange } from '../helpers';

const job = (): JobContext => ({ jobId: 'test', attempt: 0, lastAttempt: false });

describe('large messages take turns, small ones do not wait for them', () => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime('pglite'); });
  afterAll(async () => { await rt?.close(); });

  it('runs at most 4 messages stored in parts at once, while one-order files go straight through', async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    // A stage that holds every large message until the test lets it go, and lets small ones pass.
    const hold: InboundStage = {
      name: 'hold',
      async run(ctx) {
        if (ctx.content.length <= CONTENT_PART_BYTES) return 'small';
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return 'large';
      },
    };
    const processor = inboundProcessor({ knex: rt.store.knex, partners: rt.partners, log: silentLog, stages: [hold] });
    const big = (i: number) => Buffer.concat([x12Interchange('ACMERETAIL', String(90000 + i).padStart(9, '0')), Buffer.alloc(CONTENT_PART_BYTES + 10, 0x20)]);
    const larges = await Promise.all(Array.from({ length: 6 }, (_, i) => rt.receive({ content: big(i), transport: 'test', transportRef: `large-${i}` })));
    let settled = 0;
    const runs = larges.map((r) => processor.handle({ messageId: r.messageId }, job()).finally(() => { settled++; }));
    const until = async (cond: () => boolean) => { for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25)); };
    await until(() => running === 4);
    expect(running).toBe(4);
    // A one-order file is done while four large ones hold their turns and two wait for one.
    const small = await rt.receive({ content: x12Interchange('ACMERETAIL', '000091000'), transport: 'test' });
    await processor.handle({ messageId: small.messageId }, job());
    expect((await getMessage(rt.store.knex, small.messageId))!.status).toBe('done');
    expect(running).toBe(4);
    // Until every run has ended: one let go, a waiting one takes its turn and is held in its place
    // (a moment without any held does not mean the waiting ones are through).
    while (settled < runs.length) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all(runs);
    expect(most).toBe(4);
    for (const r of larges) expect((await getMessage(rt.store.knex, r.messageId))!.status).toBe('done');
  });
});
