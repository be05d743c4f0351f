import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { rangeOf, reconciliationCsv, runReconciliation, type ReconciliationRow } from '../reconciliation';
import { partnerActivity } from '../store/partner-activity.repo';
import { messagesInProgress } from '../store/progress.repo';

type Deps = Pick<Runtime, 'config' | 'partners' | 'store'>;

/**
 * /api/reconciliation (the same rows as `reconcile --json`), its CSV, and /api/partners: each
 * partner's mode, last traffic both ways, volumes, error rate, open exceptions,
 * acknowledgments owed and the big files in progress. Reads only.
 */
export function registerReconciliationRoutes(app: FastifyInstance, rt: Deps): void {
  /** The rows a query asks for, or the 400 already sent. */
  const rowsFor = async (query: unknown, reply: FastifyReply): Promise<{ from: Date; to: Date; rows: ReconciliationRow[] } | undefined> => {
    const q = query as Record<string, string | undefined>;
    if (q.flagged !== undefined && !['true', 'false', '1', '0', ''].includes(q.flagged)) {
      void reply.code(400).send({ error: 'flagged is true or false' });
      return undefined;
    }
    const now = new Date();
    const range = rangeOf(q.from || undefined, q.to || undefined, now, rt.config.reconciliation.reportDays);
    if ('error' in range) {
      void reply.code(400).send({ error: range.error });
      return undefined;
    }
    const rows = await runReconciliation(rt.store.knex, rt.partners(), rt.config.odoo.enabled,
      { ...range, partnerId: q.partner || undefined, flagged: q.flagged === 'true' || q.flagged === '1', now });
    return { ...range, rows };
  };

  app.get('/api/reconciliation', async (req, reply) => {
    const r = await rowsFor(req.query, reply);
    if (!r) return reply;
    return { from: r.from.toISOString(), to: r.to.toISOString(), rows: r.rows };
  });

  app.get('/api/reconciliation.csv', async (req, reply) => {
    const r = await rowsFor(req.query, reply);
    if (!r) return reply;
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="reconciliation-${r.to.toISOString().slice(0, 10)}.csv"`)
      .send(reconciliationCsv(r.rows));
  });

  app.get('/api/partners', async () => {
    const [activity, inProgress] = await Promise.all([partnerActivity(rt.store.knex), messagesInProgress(rt.store.knex)]);
    const profiles = rt.partners().profiles;
    // A partner the store knows whose profile is gone is still listed: its messages are still there.
    const ids = [...new Set([...profiles.map((p) => p.id), ...activity.keys()])].sort();
    return {
      partners: ids.map((id) => {
        const p = profiles.find((x) => x.id === id);
        const a = activity.get(id);
        return {
          id, name: p?.name ?? null, kind: p?.kind ?? null, mode: p?.mode ?? null, profile: !!p,
          lastInboundAt: a?.lastInboundAt ?? null, lastOutboundAt: a?.lastOutboundAt ?? null,
          messages24h: a?.messages24h ?? 0, messages7d: a?.messages7d ?? 0,
          errorRate7d: a && a.messages7d ? Math.round((a.errors7d / a.messages7d) * 10_000) / 10_000 : null,
          exceptionsOpen: a?.exceptionsOpen ?? 0, acksExpected: a?.acksExpected ?? 0, acksOverdue: a?.acksOverdue ?? 0,
          // Big files being worked through now, with how far each has gone.
          inProgress: inProgress.filter((x) => x.partnerId === id).map(({ partnerId: _, ...x }) => x),
        };
      }),
    };
  });
}
