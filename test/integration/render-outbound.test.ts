import type { Runtime } from '../../src/daemon/runtime';
import { enqueueRendered, type RenderedOutbound } from '../../src/pipeline/render-outbound';
import { isValidSscc } from '../../src/translators/sscc';
import { BACKENDS, testRuntime } from '../helpers';
import { invoice, NOW, shipment } from '../render-fixtures';

/** The ISA13 an X12 rendering used. */
function x12Control(r: RenderedOutbound): number {
  if (r.rendered?.standard !== 'X12') throw new Error('not an X12 rendering');
  return r.rendered.spec.controlNumber;
}

describe.each(BACKENDS)('rendered outbound documents on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime(backend, {}, 'cli'); });
  afterAll(async () => { await rt?.close(); });

  it('takes control numbers from the store, queues the interchange and records the 997 it expects', async () => {
    const acme = rt.partners().get('acme-retail')!;
    const first = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice()], { key: 'invoice:INV-9001', now: NOW }));
    const second = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice({ invoiceNumber: 'INV-9002' })], { now: NOW }));
    expect(first.created && second.created).toBe(true);
    expect([x12Control(first), x12Control(second)]).toEqual([1, 2]);
    expect(second.rendered!.text).toContain('ST*810*0002~');

    const message = await rt.store.knex('messages').where({ id: first.messageId }).first('direction', 'partner_id', 'filename');
    expect(message).toEqual({ direction: 'out', partner_id: 'acme-retail', filename: `810-000000001-m${first.messageId}.edi` });
    const group = await rt.store.knex('outbound_groups').where({ message_id: first.messageId }).first('functional_id', 'control_number', 'ack_expected', 'ack_due_at');
    expect(group).toMatchObject({ functional_id: 'IN', control_number: '1', ack_expected: '997' });
    expect(new Date(group.ack_due_at).getTime()).toBe(NOW.getTime() + 24 * 3_600_000);

    // The same key again: the queued message, no number used up.
    const again = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice()], { key: 'invoice:INV-9001', now: NOW }));
    expect(again).toEqual({ messageId: first.messageId, created: false });
    const third = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice({ invoiceNumber: 'INV-9003' })], { now: NOW }));
    expect(x12Control(third)).toBe(3);
  });

  it('queues an EDIFACT partner\'s invoice as INVOIC in its character set and records the CONTRL it expects', async () => {
    const nordmart = rt.partners().get('nordmart')!;
    const doc = invoice({ partnerId: 'nordmart', currency: 'EUR', shipTo: { name: 'Nordmart DC Göteborg', gln: '5412345000020', code: '5412345000020', codeQualifier: '9' } });
    const r = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, nordmart, [doc], { key: 'invoice:nordmart:1', now: NOW }));
    expect(r.rendered?.standard).toBe('EDIFACT');
    const stored = await rt.store.knex('messages').where({ id: r.messageId }).first('filename', 'content');
    expect(stored.filename).toBe(`INVOIC-1-m${r.messageId}.edi`);
    // UNOC is ISO 8859-1: the ö is one byte, 0xF6.
    expect(Buffer.from(stored.content).includes(Buffer.from('G\xf6teborg', 'latin1'))).toBe(true);
    const group = await rt.store.knex('outbound_groups').where({ message_id: r.messageId }).first('functional_id', 'ack_expected');
    expect(group).toMatchObject({ ack_expected: 'CONTRL' });
  });

  it('gives packs SSCCs from one store sequence per GS1 company prefix, never the same twice', async () => {
    const acme = rt.partners().get('acme-retail')!;
    const ssccs: string[] = [];
    for (const id of ['SH-1', 'SH-2']) {
      const r = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [shipment({ shipmentId: id })], { now: NOW }));
      ssccs.push(...r.rendered!.text.split('\n').filter((l) => l.startsWith('MAN*GM*')).map((l) => l.slice(7, 25)));
    }
    // Each shipment has one pack with its own SSCC and one made here.
    expect(ssccs.filter((s) => s !== '106141411234567897')).toEqual(['006141410000000012', '006141410000000029']);
    expect(ssccs.every(isValidSscc)).toBe(true);
  });

  it('uses up no control number when a document cannot be rendered', async () => {
    const acme = rt.partners().get('acme-retail')!;
    const before = await rt.store.knex('control_numbers').where({ partner_id: 'acme-retail' }).select('kind', 'last_value').orderBy('kind');
    await expect(rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice({ poNumber: 'PO~1' })], { now: NOW })))
      .rejects.toMatchObject({ code: 'DOCUMENT_UNRENDERABLE' });
    expect(await rt.store.knex('control_numbers').where({ partner_id: 'acme-retail' }).select('kind', 'last_value').orderBy('kind')).toEqual(before);
  });

  it('refuses, and does not queue, an interchange our own validator rejects', async () => {
    const acme = rt.partners().get('acme-retail')!;
    const before = await rt.store.knex('messages').count({ n: '*' }).first();
    await expect(rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, acme, [invoice({ billTo: { name: 'N'.repeat(61) } })], { now: NOW })))
      .rejects.toMatchObject({ code: 'DOCUMENT_UNRENDERABLE', message: expect.stringMatching(/fails validation: 810 \d{4} N1@\d+ N102: /) });
    expect(await rt.store.knex('messages').count({ n: '*' }).first()).toEqual(before);
  });
});
