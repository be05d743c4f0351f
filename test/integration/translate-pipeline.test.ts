import type { Runtime } from '../../src/daemon/runtime';
import { requestReplay } from '../../src/pipeline/replay';
import { listDocuments } from '../../src/store/documents.repo';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, testRuntime } from '../helpers';

async function settled(rt: Runtime, id: number) {
  return eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && ['done', 'exception', 'duplicate'].includes(m.status) ? m : undefined;
  }, 30_000, `message ${id}`);
}

/** An acme-retail 850 interchange holding the given sets (each a list of body segments). */
function acme850(control: string, sets: string[][]): Buffer {
  const isa = `ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*${control}*0*P*>~`;
  const body = sets.map((segs, i) => {
    const st = String(i + 1).padStart(4, '0');
    return [`ST*850*${st}`, ...segs, `SE*${segs.length + 2}*${st}`].join('~');
  }).join('~');
  return Buffer.from(`${isa}GS*PO*ACMERETAIL*ODOODIST*20261127*1200*${Number(control)}*X*004010~${body}~GE*${sets.length}*${Number(control)}~IEA*1*${control}~`, 'latin1');
}
const po = (n: string, line = 'PO1*1*10*EA*12.5*PE*VN*ODW-1001', date = '20261205') => [`BEG*00*SA*${n}**20261127`, `DTM*002*${date}`, 'N1*ST*STORE 42*92*0042', line, 'CTT*1'];

describe.each(BACKENDS)('translation in the inbound pipeline on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await testRuntime(backend);
    rt.workInbound();
  });
  afterAll(async () => { await rt?.close(); });

  it('stores the canonical document of every accepted set with its business key', async () => {
    const r = await rt.receive({ content: acme850('000007001', [po('PO-71'), po('PO-72')]), transport: 'test' });
    expect((await settled(rt, r.messageId)).status).toBe('done');
    const docs = await listDocuments(rt.store.knex, r.messageId);
    expect(docs.map((d) => [d.type, d.businessKey, d.sourceControl])).toEqual([['order', 'PO-71', '000007001/7001/0001'], ['order', 'PO-72', '000007001/7001/0002']]);
    expect(docs[0].body).toMatchObject({ shipTo: { resolved: 'ACME-ST-0042' }, lines: [{ productCode: 'ODW-1001', quantity: 10 }] });
  });

  it('translates the accepted set of a partly rejected group and leaves the message as an exception naming the rejected one', async () => {
    const r = await rt.receive({ content: acme850('000007002', [po('PO-73', undefined, '20261340'), po('PO-74')]), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
    expect(m.errorMessage).toMatch(/850 0001 DTM@3: DTM02/);
    expect((await listDocuments(rt.store.knex, r.messageId)).map((d) => d.businessKey)).toEqual(['PO-74']);
  });

  it('names an unknown item as the exception, keeps the good sets, and a replay after the fix rewrites without doubling', async () => {
    const r = await rt.receive({ content: acme850('000007003', [po('PO-75', 'PO1*1*1*EA*1**VN*NOPE-9'), po('PO-76')]), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'TRANSLATION_FAILED' });
    expect(m.errorMessage).toMatch(/850 0001: line 1: item vendorItem NOPE-9 is not in acme-retail's item cross-reference/);
    expect((await listDocuments(rt.store.knex, r.messageId)).map((d) => d.businessKey)).toEqual(['PO-76']);

    // The analyst adds the item; a replay translates both, and the good one is not stored twice.
    const acme = rt.partners().get('acme-retail')!;
    acme.xref!.items!.get('vendorItem')!.set('NOPE-9', { productCode: 'ODW-1009' });
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    await eventually(async () => (await getMessage(rt.store.knex, r.messageId))?.status === 'done', 30_000, 'the replay');
    const docs = await listDocuments(rt.store.knex, r.messageId);
    expect(docs.map((d) => d.businessKey).sort()).toEqual(['PO-75', 'PO-76']);
    expect(docs.find((d) => d.businessKey === 'PO-75')!.body).toMatchObject({ lines: [{ productCode: 'ODW-1009' }] });
  });
});
