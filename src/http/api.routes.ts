import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { GatewayError } from '../errors/gateway-error';
import { readMessageDetail } from '../operations/message-detail';
import { messageDetailJson } from '../operations/message-detail-json';
import { requestReplay } from '../pipeline/replay';
import { searchMessages } from '../store/message-search';
import { listMessages, resolveException, type MessageStatus } from '../store/messages.repo';

const STATUSES = new Set(['received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved']);

/** An error of ours as an HTTP answer: not found 404, a state that does not allow it 409, bad input 400. */
function fail(reply: FastifyReply, err: unknown) {
  if (!(err instanceof GatewayError)) throw err;
  const status = err.code === 'MESSAGE_NOT_FOUND' ? 404 : ['MESSAGE_NOT_EXCEPTION', 'MESSAGE_IN_PROGRESS'].includes(err.code) ? 409 : 400;
  return reply.code(status).send({ error: err.message, code: err.code });
}

function messageId(raw: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * /api: the message log (the same rows as `messages list --json`), one message in full (its trail,
 * bytes, segments with their problems, documents, acknowledgments, progress), and the two things
 * an operations lead does to an exception: replay it, or resolve it with a note.
 */
export function registerApiRoutes(app: FastifyInstance, rt: Pick<Runtime, 'config' | 'partners' | 'store' | 'queue'>): void {
  const { knex } = rt.store;
  const { queue } = rt;
  app.get('/api/messages', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.status && !STATUSES.has(q.status)) return reply.code(400).send({ error: `status must be one of ${[...STATUSES].join(', ')}` });
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    if (q.po || q.control || q.type || q.from || q.to) {
      // A business search: by PO / shipment / invoice number, control number, document type and date range.
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime()))) {
        return reply.code(400).send({ error: 'from and to are dates (YYYY-MM-DD) or ISO times' });
      }
      return { messages: await searchMessages(knex, {
        po: q.po || undefined, control: q.control?.trim() || undefined, type: q.type || undefined, from, to, status: q.status as MessageStatus | undefined, partnerId: q.partner,
        direction: q.direction === 'in' || q.direction === 'out' ? q.direction : undefined, beforeId: q.before ? Number(q.before) : undefined,
        limit: Math.min(limit, 500),
      }) };
    }
    const rows = await listMessages(knex, {
      status: q.status as MessageStatus | undefined, partnerId: q.partner, limit,
      direction: q.direction === 'in' || q.direction === 'out' ? q.direction : undefined,
      beforeId: q.before ? Number(q.before) : undefined,
    });
    return { messages: rows };
  });

  app.get('/api/messages/:id', async (req, reply) => {
    const id = messageId((req.params as { id: string }).id);
    if (!id) return reply.code(400).send({ error: 'a message id is a positive whole number' });
    const detail = await readMessageDetail({ knex, config: rt.config, partners: rt.partners() }, id);
    if (!detail) return reply.code(404).send({ error: `message ${id} is not in the store`, code: 'MESSAGE_NOT_FOUND' });
    return messageDetailJson(detail, { content: (req.query as { content?: string }).content !== '0' });
  });

  app.post('/api/messages/:id/replay', { config: { role: 'operator' } }, async (req, reply) => {
    const id = messageId((req.params as { id: string }).id);
    if (!id) return reply.code(400).send({ error: 'a message id is a positive whole number' });
    try {
      // Queued, not awaited: the daemon's workers run it; GET /api/messages/{id} follows it.
      const generation = await requestReplay(knex, queue, id, `replay requested over the API by token ${req.caller?.name}`);
      return reply.code(202).send({ messageId: id, replay: generation });
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post('/api/messages/:id/resolve', { config: { role: 'operator' } }, async (req, reply) => {
    const id = messageId((req.params as { id: string }).id);
    if (!id) return reply.code(400).send({ error: 'a message id is a positive whole number' });
    const note = typeof (req.body as { note?: unknown } | undefined)?.note === 'string' ? (req.body as { note: string }).note.trim() : '';
    if (!note) return reply.code(400).send({ error: 'a JSON body { "note": "what was done about it" } is required' });
    try {
      return { message: await resolveException(knex, id, note, `api:${req.caller?.name}`) };
    } catch (err) {
      return fail(reply, err);
    }
  });
}
