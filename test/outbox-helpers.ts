import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Runtime } from '../src/daemon/runtime';
import { eventually } from './helpers';

/** The acknowledgments queued for an inbound message, oldest first (one per run of it). */
export async function acksOf(knex: Knex, inboundId: number): Promise<{ id: number; filename: string; key: string }[]> {
  const rows = await knex('messages').where({ direction: 'out', transport: 'outbox' }).where('transport_ref', 'like', `ack:${inboundId}:%`)
    .orderBy('id').select('id', 'filename', 'transport_ref');
  return rows.map((r) => ({ id: Number(r.id), filename: r.filename, key: r.transport_ref }));
}

/** Waits for the (first) acknowledgment of an inbound message to be in the partner's out/; its file name. */
export function ackFileFor(rt: Runtime, partnerId: string, inboundId: number, what = 'the acknowledgment'): Promise<string> {
  const out = path.join(rt.config.home, 'partners', partnerId, 'out');
  return eventually(async () => {
    const [ack] = await acksOf(rt.store.knex, inboundId);
    return ack && fs.existsSync(path.join(out, ack.filename)) ? ack.filename : undefined;
  }, 20_000, what);
}
