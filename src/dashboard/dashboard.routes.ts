import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { GatewayError } from '../errors/gateway-error';
import { readMessageDetail } from '../operations/message-detail';
import { replayMany, requestReplay } from '../pipeline/replay';
import { rangeOf, runReconciliation } from '../reconciliation';
import { expiringCertificates } from '../transports/as2/certificates';
import { listExceptions, MAX_EXCEPTIONS } from '../store/exceptions.repo';
import { searchMessages } from '../store/message-search';
import { resolveException, type MessageStatus } from '../store/messages.repo';
import { ackDeadlines, exceptionsByReason, orphanedMessages, queueDepths, stuckMessages, throughput, unreadInbound, volumesSince } from '../store/operations.repo';
import { listOverdueAcks } from '../store/outbound-acks.repo';
import { partnerActivity } from '../store/partner-activity.repo';
import { messagesInProgress } from '../store/progress.repo';
import { bulkReplayFlash, detailPage, exceptionsPage, exceptionsQuery, messagesPage, NO_CODE, overviewPage, partnersPage, reconciliationPage, signInPage, type Page, type PartnerView } from './pages';
import { canOperate, clearSession, dashboardUser, sameOrigin, setFlash, setSession, takeFlash, userForToken, type DashboardUser, type TokenChecker } from './session';
import { CSS } from './style';
import { listAlerts } from '../store/alerts.repo';

type Deps = Pick<Runtime, 'config' | 'partners' | 'store' | 'queue'>;
type Query = Record<string, string | undefined>;

const STATUSES = new Set(['received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PUBLIC = new Set(['/dashboard/signin', '/dashboard/dashboard.css']);

/** A form's fields; a name sent more than once (the exceptions' checkboxes) is a list. */
function formFields(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null); // no prototype: a field named __proto__ is a field
  for (const [k, v] of new URLSearchParams(body)) out[k] = Object.hasOwn(out, k) ? [out[k]].flat().concat(v) : v;
  return out;
}

/**
 * The operations dashboard under /dashboard: server-rendered pages over the same store reads as
 * the API, signed in by a token kept in an HttpOnly, SameSite=Strict cookie. CSRF: that cookie
 * is never sent by another site's page, and every POST must also carry this host's Origin (or
 * Referer). Viewers read; operators and admins replay and resolve.
 */
export async function registerDashboardRoutes(app: FastifyInstance, rt: Deps, auth?: TokenChecker): Promise<void> {
  app.get('/', async (_req, reply) => reply.redirect('/dashboard', 302));
  await app.register(async (dash) => {
    // Forms alone: any other body (a 100 MB JSON array) is refused with 415 unread, not parsed
    // before the sign-in check below has said who is asking.
    dash.removeAllContentTypeParsers();
    dash.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, formFields(String(body))));
    dash.decorateRequest('dashboardUser', null);

    dash.addHook('preHandler', async (req, reply) => {
      const path = req.url.split('?')[0];
      if (req.method === 'POST' && !sameOrigin(req)) return reply.code(403).type('text/plain').send('refused: this form must be sent from the dashboard itself');
      if (PUBLIC.has(path)) return;
      const user = await dashboardUser(req, rt, auth);
      if (!user) return reply.redirect('/dashboard/signin', 303);
      (req as FastifyRequest & { dashboardUser: DashboardUser }).dashboardUser = user;
    });

    const userOf = (req: FastifyRequest) => (req as FastifyRequest & { dashboardUser: DashboardUser }).dashboardUser;
    const page = (req: FastifyRequest, reply: FastifyReply, title: string, current: string): Page => {
      const flash = takeFlash(req, reply);
      const flashError = flash?.startsWith('!');
      return { title, current, user: userOf(req), now: new Date(), flash: flashError ? flash!.slice(1) : flash, flashError };
    };
    const send = (reply: FastifyReply, body: string, code = 200) =>
      reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-frame-options', 'DENY').send(body);
    const partnerIds = () => rt.partners().profiles.map((p) => p.id).sort();

    dash.get('/dashboard/dashboard.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS));

    dash.get('/dashboard/signin', async (req, reply) => {
      if (await dashboardUser(req, rt, auth)) return reply.redirect('/dashboard', 303);
      return send(reply, signInPage());
    });
    dash.post('/dashboard/signin', async (req, reply) => {
      const token = String((req.body as Query | undefined)?.token ?? '').trim();
      const user = await userForToken(token, rt, auth);
      if (!user) {
        const why = rt.config.http.apiToken ? 'That token is not valid.' : 'No API token is configured on this gateway (EDI_GATEWAY_API_TOKEN).';
        return send(reply, signInPage(why), 401);
      }
      setSession(req, reply, token);
      return reply.redirect('/dashboard', 303);
    });
    dash.post('/dashboard/signout', async (req, reply) => {
      clearSession(req, reply);
      return reply.redirect('/dashboard/signin', 303);
    });

    dash.get('/dashboard', async (req, reply) => {
      const now = new Date();
      const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      const knex = rt.store.knex;
      const [volumes, reasons, overdue, hours, inProgress, alerts] = await Promise.all([volumesSince(knex, today), exceptionsByReason(knex), listOverdueAcks(knex, now),
        throughput(knex, now), messagesInProgress(knex), listAlerts(knex, { limit: 10 })]);
      return send(reply, overviewPage(page(req, reply, 'Overview', '/dashboard'), { volumes, reasons, overdue, hours, inProgress, alerts }));
    });

    dash.get('/dashboard/messages', async (req, reply) => {
      const q = req.query as Query;
      const f = { po: q.po?.trim() || undefined, control: q.control?.trim() || undefined, partner: q.partner || undefined, status: q.status || undefined, direction: q.direction || undefined,
        type: q.type || undefined, from: q.from || undefined, to: q.to || undefined };
      const bad = (f.status && !STATUSES.has(f.status)) ? `status must be one of ${[...STATUSES].join(', ')}`
        : [f.from, f.to].some((d) => d && !DATE.test(d)) ? 'dates are YYYY-MM-DD' : undefined;
      const rows = bad ? [] : await searchMessages(rt.store.knex, {
        po: f.po, control: f.control, partnerId: f.partner, status: f.status as MessageStatus | undefined, type: f.type,
        direction: f.direction === 'in' || f.direction === 'out' ? f.direction : undefined,
        from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined, to: f.to ? new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000) : undefined,
      });
      return send(reply, messagesPage(page(req, reply, 'Messages', '/dashboard/messages'), f, partnerIds(), rows, bad), bad ? 400 : 200);
    });

    dash.get('/dashboard/messages/:id', async (req, reply) => {
      const raw = (req.params as { id: string }).id;
      const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
      const d = id ? await readMessageDetail({ knex: rt.store.knex, config: rt.config, partners: rt.partners() }, id) : undefined;
      if (!id || !d) {
        return send(reply, messagesPage(page(req, reply, 'Messages', '/dashboard/messages'), {}, partnerIds(), [], `message ${raw} is not in the store`), 404);
      }
      return send(reply, detailPage(page(req, reply, `Message ${id}`, '/dashboard/messages'), { ...d, acks: d.acknowledgments, canOperate: canOperate(userOf(req)) }));
    });

    /** Replay and resolve: an operator's, then back to where the form was, with what happened. */
    const act = (what: 'replay' | 'resolve') => async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = (req.params as { id: string }).id;
      const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : 0;
      const back = (req.query as Query).back === 'exceptions' ? '/dashboard/exceptions' : `/dashboard/messages/${id}`;
      if (!canOperate(userOf(req))) return send(reply, 'replay and resolve need an operator token', 403);
      try {
        if (!id) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${raw} is not in the store`);
        if (what === 'replay') {
          const generation = await requestReplay(rt.store.knex, rt.queue, id, `replay requested on the dashboard by ${userOf(req).name}`);
          setFlash(req, reply, `Message ${id} queued for replay (${generation}).`);
        } else {
          const note = String((req.body as Query | undefined)?.note ?? '').trim();
          if (!note) throw new GatewayError('USAGE', 'a resolution note is required: say what was done about it');
          await resolveException(rt.store.knex, id, note, `dashboard: ${userOf(req).name}`);
          setFlash(req, reply, `Message ${id} resolved.`);
        }
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        setFlash(req, reply, `!${err.message}`);
      }
      return reply.redirect(back, 303);
    };
    dash.post('/dashboard/messages/:id/replay', act('replay'));
    dash.post('/dashboard/messages/:id/resolve', act('resolve'));

    dash.get('/dashboard/exceptions', async (req, reply) => {
      const q = req.query as Query;
      const filters = { partner: q.partner || undefined, code: q.code || undefined };
      const [rows, reasons] = await Promise.all([
        listExceptions(rt.store.knex, { partnerId: filters.partner, code: filters.code === NO_CODE ? null : filters.code, limit: 500 }),
        exceptionsByReason(rt.store.knex)]);
      const codes = [...new Set(reasons.map((r) => r.errorCode ?? NO_CODE))].sort();
      return send(reply, exceptionsPage(page(req, reply, 'Exceptions', '/dashboard/exceptions'),
        { rows, filters, partners: partnerIds(), codes, canOperate: canOperate(userOf(req)) }));
    });

    /** Replay selected, or every one shown: the ids the page listed, so what is replayed is what the person saw. */
    dash.post('/dashboard/exceptions/replay', async (req, reply) => {
      const q = req.query as Query;
      if (!canOperate(userOf(req))) return send(reply, 'replay and resolve need an operator token', 403);
      const form = (req.body ?? {}) as Record<string, string | string[] | undefined>;
      const picked = form.scope === 'shown' ? String(form.shown ?? '').split(',') : [form.id ?? []].flat();
      const ids = picked.filter((x) => /^[1-9]\d{0,15}$/.test(x)).map(Number).slice(0, MAX_EXCEPTIONS);
      if (!ids.length) setFlash(req, reply, '!Select at least one message to replay.');
      else setFlash(req, reply, bulkReplayFlash(await replayMany(rt.store.knex, rt.queue, { ids }, `bulk replay requested on the dashboard by ${userOf(req).name}`)));
      return reply.redirect(`/dashboard/exceptions${exceptionsQuery({ partner: q.partner || undefined, code: q.code || undefined })}`, 303);
    });

    dash.get('/dashboard/partners', async (req, reply) => {
      const now = new Date();
      const knex = rt.store.knex;
      const registry = rt.partners();
      const [activity, depths, acks, stuck, inProgress] = await Promise.all([partnerActivity(knex, now), queueDepths(knex), ackDeadlines(knex, now), stuckMessages(knex, now),
        messagesInProgress(knex)]);
      const profiles = registry.profiles;
      const orphaned = await orphanedMessages(knex, profiles.map((p) => p.id));
      const ids = [...new Set([...profiles.map((p) => p.id), ...activity.keys()])].sort();
      const partners: PartnerView[] = ids.map((id) => {
        const p = profiles.find((x) => x.id === id);
        const a = activity.get(id);
        const k = acks.get(id);
        return { id, name: p?.name ?? null, kind: p?.kind ?? null, mode: p?.mode ?? null, profile: !!p,
          lastInboundAt: a?.lastInboundAt ?? null, lastOutboundAt: a?.lastOutboundAt ?? null, messages24h: a?.messages24h ?? 0, messages7d: a?.messages7d ?? 0,
          exceptionsOpen: a?.exceptionsOpen ?? 0, queueDepth: depths.get(id) ?? 0, acksPending: k?.pending ?? 0, acksOverdue: k?.overdue ?? 0, nextAckDue: k?.nextDue ?? null };
      });
      let certs: ReturnType<typeof expiringCertificates> = [];
      try {
        certs = expiringCertificates(rt.config, registry, now, 100_000).sort((a, b) => a.daysLeft - b.daysLeft);
      } catch { /* an unreadable certificate is reported by `partners check` */ }
      return send(reply, partnersPage(page(req, reply, 'Partners', '/dashboard/partners'), partners, stuck, orphaned, certs, inProgress));
    });

    dash.get('/dashboard/reconciliation', async (req, reply) => {
      const q = req.query as Query;
      const f = { partner: q.partner || undefined, flag: q.flag || undefined, from: q.from || undefined, to: q.to || undefined, invoiced: q.invoiced || undefined };
      const now = new Date();
      const range = rangeOf(f.from, f.to, now, rt.config.reconciliation.reportDays);
      const p = page(req, reply, 'Reconciliation', '/dashboard/reconciliation');
      if ('error' in range) return send(reply, reconciliationPage(p, f, partnerIds(), undefined, [], [], range.error), 400);
      let rows = await runReconciliation(rt.store.knex, rt.partners(), rt.config.odoo.enabled, { ...range, partnerId: f.partner, flagged: f.flag === 'any', now });
      if (f.flag && f.flag !== 'any') rows = rows.filter((r) => r.flags.some((x) => x.code === f.flag));
      if (f.invoiced === 'no') rows = rows.filter((r) => !r.invoiced);
      if (f.invoiced === 'yes') rows = rows.filter((r) => !!r.invoiced);
      // A flag or invoice filter is about order rows: the unread messages are shown with none of them (they are all exceptions).
      const unread = f.flag && !['any', 'ORDER_EXCEPTION'].includes(f.flag) ? [] : await unreadInbound(rt.store.knex, { ...range, partnerId: f.partner });
      return send(reply, reconciliationPage(p, f, partnerIds(), range, rows, unread));
    });
  });
}
