import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { listRuns } from '../store/schedule-runs.repo';

/** GET /api/schedules: the cluster's scheduled runs, newest first (which process ran each tick, how it ended). */
export function registerScheduleRoutes(app: FastifyInstance, knex: Knex): void {
  app.get('/api/schedules', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    return { runs: await listRuns(knex, { name: q.name || undefined, limit }) };
  });
}
