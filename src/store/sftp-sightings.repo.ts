import type { Knex } from 'knex';

/** One file of a listing, as the size-mtime rule remembers it. */
export type Sighting = { size: number; mtimeMs: number };

/** The last listing of a partner's SFTP folder (`source`: server and folder), name -> size and mtime; empty before the first. */
export async function loadSightings(db: Knex, partnerId: string, source: string): Promise<Map<string, Sighting>> {
  const rows: { name: string; size: string | number; mtime_ms: string | number }[] = await db('sftp_sightings')
    .where({ partner_id: partnerId, source }).select('name', 'size', 'mtime_ms');
  return new Map(rows.map((r) => [r.name, { size: Number(r.size), mtimeMs: Number(r.mtime_ms) }]));
}

/**
 * Replaces the partner's last listing with this one, in one transaction. The partner's rows under
 * another source go too: its profile now names another server or folder.
 */
export async function saveSightings(db: Knex, partnerId: string, source: string, seen: Map<string, Sighting>): Promise<void> {
  await db.transaction(async (trx) => {
    const rows = [...seen].map(([name, s]) => ({ partner_id: partnerId, source, name, size: s.size, mtime_ms: Math.trunc(s.mtimeMs), seen_at: trx.fn.now() }));
    await trx('sftp_sightings').where({ partner_id: partnerId }).delete();
    // A poll asked for by hand in another process may save beside a tick's: the later listing wins, row by row.
    for (let i = 0; i < rows.length; i += 1000) {
      await trx('sftp_sightings').insert(rows.slice(i, i + 1000)).onConflict(['partner_id', 'source', 'name']).merge();
    }
  });
}
