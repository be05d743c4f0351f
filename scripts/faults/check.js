'use strict';
// The inputs of a fault run and the promises checked at its end (README "How a message travels"):
// every file stored once, every order once in Odoo and confirmed, one 997 per interchange, no file
// left in the partner's in/ or error/, every inbound message done.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const pg = require('pg');
const { ROOT } = require('./procs');

const PARTNER = 'acme-retail';
const SAMPLE = path.join(ROOT, 'partner-profiles', PARTNER, 'samples', 'inbound', '850-store-order.edi');

/**
 * `n` one-order 850 interchanges from acme-retail's sample: each its own ISA13 and GS06 (the same
 * number, from `base`), its own PO number `<prefix><k>`, so its own bytes (sha256).
 */
function makeOrders(n, { prefix, base }) {
  const sample = fs.readFileSync(SAMPLE, 'latin1');
  const lines = (sample.match(/(^|~\s*)PO1\*/g) ?? []).length;
  return Array.from({ length: n }, (_, i) => {
    const control = base + i;
    const ctl = String(control).padStart(9, '0');
    const po = `${prefix}${String(i + 1).padStart(6, '0')}`;
    const text = sample
      .replace('*000001001*', `*${ctl}*`).replace('IEA*1*000001001', `IEA*1*${ctl}`)
      .replace(/^(GS\*(?:[^*]*\*){5})1001\*/m, `$1${control}*`).replace('GE*1*1001~', `GE*1*${control}~`)
      .replace('BEG*00*SA*4500012345', `BEG*00*SA*${po}`);
    const content = Buffer.from(text, 'latin1');
    return { name: `po-${ctl}.edi`, content, po, control: String(control), lines, sha256: crypto.createHash('sha256').update(content).digest('hex') };
  });
}

/** Writes files into in/ as a partner's upload would land: a dot-name first (never taken), then renamed. */
function dropFiles(inDir, files, own = () => undefined) {
  fs.mkdirSync(inDir, { recursive: true });
  for (const f of files) {
    const tmp = path.join(inDir, `.${f.name}.part`);
    fs.writeFileSync(tmp, f.content);
    own(tmp);
    fs.renameSync(tmp, path.join(inDir, f.name));
  }
}

function partnerDirs(home) {
  const base = path.join(home, 'partners', PARTNER);
  return { inDir: path.join(base, 'in'), outDir: path.join(base, 'out'), archiveDir: path.join(base, 'archive'), errorDir: path.join(base, 'error') };
}

const list = (dir) => { try { return fs.readdirSync(dir); } catch { return []; } };

/** The 997s in out/: the functional groups each acknowledges (AK1 GS06), and whether it accepts them (AK9 A). */
function read997s(outDir) {
  return list(outDir).filter((f) => /^997-.*\.edi$/.test(f)).map((file) => {
    const text = fs.readFileSync(path.join(outDir, file), 'latin1');
    const groups = [...text.matchAll(/(?:^|~)\s*AK1\*[^*~]*\*(\d+)/g)].map((m) => String(Number(m[1])));
    const accepted = [...text.matchAll(/(?:^|~)\s*AK9\*([A-Z])/g)].every((m) => m[1] === 'A');
    return { file, groups, accepted };
  });
}

/** The 855s in out/ and the PO each answers (BAK03). */
function read855s(outDir) {
  return list(outDir).filter((f) => /^855-.*\.edi$/.test(f)).map((file) => {
    const m = /(?:^|~)\s*BAK\*[^*~]*\*[^*~]*\*([^*~]+)/.exec(fs.readFileSync(path.join(outDir, file), 'latin1'));
    return { file, po: m?.[1] };
  });
}

/** Cheap progress figures from the folders: files waiting, archived, 997s written. */
function folderCounts(d) {
  return { in: waiting(d.inDir).length, archived: list(d.archiveDir).length, acks: list(d.outDir).filter((f) => f.startsWith('997-')).length };
}

/** Files in the inbound folder (the SFTP outbox holds its archive/ and failed/ folders too). */
const waiting = (dir) => list(dir).filter((f) => { try { return !fs.statSync(path.join(dir, f)).isDirectory(); } catch { return false; } });

/** How a live daemon's store is reached: PostgreSQL's URL, or the embedded store's socket (owner.json), as test/integration/recovery.test.ts does. */
function liveStoreConfig(home, databaseUrl) {
  if (databaseUrl) return { connectionString: databaseUrl };
  const owner = JSON.parse(fs.readFileSync(path.join(home, 'store', 'owner.json'), 'utf8'));
  return { host: owner.socketDir, port: 5432, user: 'postgres', database: 'postgres' };
}

/** One query on the live store; undefined while it cannot be reached (the daemon starting, PostgreSQL restarting). */
async function liveQuery(home, databaseUrl, text, values = []) {
  let client;
  try {
    client = new pg.Client({ ...liveStoreConfig(home, databaseUrl), connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    await client.connect();
    return (await client.query(text, values)).rows;
  } catch {
    return undefined;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Whether everything the store holds has settled: every inbound message and every 997 done or parked. */
async function storeSettled(home, databaseUrl, expected) {
  const rows = await liveQuery(home, databaseUrl, `
    SELECT count(*) FILTER (WHERE m.direction = 'in' AND m.duplicate_of IS NULL)::int AS inbound,
           count(*) FILTER (WHERE m.direction = 'in' AND s.status IN ('received', 'processing', 'retrying'))::int AS in_open,
           count(*) FILTER (WHERE m.direction = 'out' AND m.transport_ref LIKE 'ack:%' AND s.status IN ('received', 'processing', 'retrying'))::int AS acks_open,
           count(*) FILTER (WHERE m.direction = 'in' AND s.status = 'done')::int AS done
      FROM messages m JOIN message_state s ON s.message_id = m.id`);
  if (!rows) return undefined;
  const r = rows[0];
  return { ...r, settled: r.inbound >= expected && r.in_open === 0 && r.acks_open === 0 };
}

/**
 * The promises, once the daemon has stopped: `store` is an open store (dist/store/store.js
 * openStore), `sandbox` the running sandbox Odoo. Returns the figures and the broken promises.
 */
async function checkPromises({ files, dirs, store, sandbox, prefix }) {
  const knex = store.knex;
  const problems = [];
  const broken = (what, items) => { if (items.length) problems.push(`${what}: ${items.slice(0, 5).join(', ')}${items.length > 5 ? ` (+${items.length - 5})` : ''}`); };
  const bySha = new Map(files.map((f) => [f.sha256, f]));

  // (a) stored once: one original inbound message per file's bytes; a second receipt only as a recorded duplicate.
  const inbound = await knex('messages as m').join('message_state as s', 's.message_id', 'm.id').where('m.direction', 'in')
    .select('m.id', 'm.sha256', 'm.filename', 'm.duplicate_of', 's.status');
  const originals = new Map();
  let duplicateReceipts = 0;
  const stray = [];
  const dupNotRecorded = [];
  for (const m of inbound) {
    if (!bySha.has(m.sha256)) { stray.push(`message ${m.id} (${m.filename})`); continue; }
    if (m.duplicate_of !== null) {
      duplicateReceipts++;
      if (m.status !== 'duplicate') dupNotRecorded.push(`message ${m.id} (${m.status})`);
      continue;
    }
    originals.set(m.sha256, [...(originals.get(m.sha256) ?? []), m]);
  }
  const notStored = files.filter((f) => !originals.has(f.sha256)).map((f) => f.name);
  const storedTwice = files.filter((f) => (originals.get(f.sha256)?.length ?? 0) > 1).map((f) => `${f.name} x${originals.get(f.sha256).length}`);
  broken('files never stored', notStored);
  broken('files stored twice as originals', storedTwice);
  broken('inbound messages that are no input', stray);
  broken('second receipts not recorded as duplicates', dupNotRecorded);
  // (e) every inbound original done.
  const notDone = [...originals.values()].flat().filter((m) => m.status !== 'done').map((m) => `message ${m.id} ${m.filename} ${m.status}`);
  broken('inbound messages not done', notDone);
  if (notDone.length) {
    const events = await knex('message_events').whereIn('message_id', [...originals.values()].flat().filter((m) => m.status !== 'done').slice(0, 3).map((m) => m.id))
      .whereIn('outcome', ['failed', 'retrying']).orderBy('id', 'desc').limit(3).select('message_id', 'stage', 'code', 'detail');
    for (const e of events) problems.push(`  message ${e.message_id}: ${e.stage} ${e.code}: ${String(e.detail).slice(0, 200)}`);
  }

  // (c) one 997 per interchange: in out/, matched by AK1's group control number; and in the store, one per ack key, sent.
  const { inDir, outDir, errorDir, archiveDir } = dirs;
  const byGroup = new Map(files.map((f) => [f.control, f]));
  const ackFiles = read997s(outDir);
  const acksPer = new Map();
  const acksStray = [];
  const acksRejecting = ackFiles.filter((a) => !a.accepted).map((a) => a.file);
  for (const a of ackFiles) {
    if (!a.groups.length) acksStray.push(`${a.file} (no AK1)`);
    for (const g of a.groups) {
      if (!byGroup.has(g)) acksStray.push(`${a.file} (group ${g})`);
      else acksPer.set(g, [...(acksPer.get(g) ?? []), a.file]);
    }
  }
  const acksMissing = files.filter((f) => !acksPer.has(f.control)).map((f) => f.name);
  const acksTwice = files.filter((f) => (acksPer.get(f.control)?.length ?? 0) > 1).map((f) => `${f.name}: ${acksPer.get(f.control).join(' ')}`);
  broken('interchanges without a 997 in out/', acksMissing);
  broken('interchanges with more than one 997 in out/', acksTwice);
  broken('997s in out/ for no input', acksStray);
  broken('997s that do not accept the group', acksRejecting);
  const ackRows = await knex('messages as m').join('message_state as s', 's.message_id', 'm.id')
    .where('m.direction', 'out').where('m.transport_ref', 'like', 'ack:%').select('m.id', 'm.transport_ref', 'm.filename', 's.status');
  const keys = new Map();
  for (const r of ackRows) keys.set(r.transport_ref, (keys.get(r.transport_ref) ?? 0) + 1);
  broken('ack keys stored twice', [...keys].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`));
  broken('997 messages not sent', ackRows.filter((r) => r.status !== 'done').map((r) => `message ${r.id} ${r.status}`));
  const outNames = new Set(fs.readdirSync(outDir));
  broken('997 messages sent but not in out/', ackRows.filter((r) => r.status === 'done' && !outNames.has(r.filename)).map((r) => r.filename));
  const tmpLeft = [...outNames].filter((f) => f.startsWith('.'));

  // (b) one sale order per PO, confirmed, with the file's lines (a load() run twice would double them).
  const orders = await sandbox.rpc('sale.order', 'search_read', [[['client_order_ref', '=like', `${prefix}%`]]], { fields: ['client_order_ref', 'state', 'order_line'] }, 60_000);
  const byPo = new Map();
  for (const o of orders) byPo.set(o.client_order_ref, [...(byPo.get(o.client_order_ref) ?? []), o]);
  const pos = new Set(files.map((f) => f.po));
  const ordersMissing = files.filter((f) => !byPo.has(f.po)).map((f) => f.po);
  const ordersTwice = files.filter((f) => (byPo.get(f.po)?.length ?? 0) > 1).map((f) => `${f.po} x${byPo.get(f.po).length}`);
  const unconfirmed = orders.filter((o) => o.state !== 'sale').map((o) => `${o.client_order_ref} ${o.state}`);
  const linesWrong = orders.filter((o) => o.order_line.length !== files[0].lines).map((o) => `${o.client_order_ref} ${o.order_line.length} lines`);
  broken('POs without a sale order', ordersMissing);
  broken('POs with more than one sale order', ordersTwice);
  broken('sale orders not confirmed', unconfirmed);
  broken(`sale orders without exactly ${files[0].lines} lines`, linesWrong);
  broken('sale orders for no input', orders.filter((o) => !pos.has(o.client_order_ref)).map((o) => o.client_order_ref));

  // (d) nothing left behind: in/ and error/ empty, every file archived.
  const leftIn = waiting(inDir);
  const leftError = list(errorDir);
  broken('files left in in/', leftIn);
  broken('files in error/', leftError);
  // One per input, and one per second receipt (recorded as a duplicate, then archived like any other).
  const archived = list(archiveDir).length;
  if (archived !== files.length + duplicateReceipts) problems.push(`archive/ holds ${archived} files, not ${files.length + duplicateReceipts}`);

  // Beyond the inbound promises: the 855 each confirmed order gets (the Odoo event scan) is sent once too.
  const x855 = read855s(outDir);
  const per855 = new Map();
  for (const a of x855) per855.set(a.po, (per855.get(a.po) ?? 0) + 1);
  broken('POs with more than one 855 in out/', [...per855].filter(([, n]) => n > 1).map(([po, n]) => `${po} x${n}`));

  const exactlyOnce = (m) => files.filter((f) => (m.get(f.sha256 ?? '')?.length ?? 0) === 1).length;
  return {
    figures: {
      stored: exactlyOnce(originals),
      duplicates: storedTwice.length,
      duplicate_receipts: duplicateReceipts,
      orders: files.filter((f) => byPo.get(f.po)?.length === 1 && byPo.get(f.po)[0].state === 'sale').length,
      orders_doubled: ordersTwice.length,
      acks: files.filter((f) => acksPer.get(f.control)?.length === 1).length,
      acks_doubled: acksTwice.length,
      left_in_folder: leftIn.length + leftError.length,
      not_done: notDone.length,
      x855: x855.length,
      tmp_left_in_out: tmpLeft.length,
    },
    problems,
  };
}

module.exports = { PARTNER, makeOrders, dropFiles, partnerDirs, folderCounts, liveQuery, storeSettled, checkPromises };
