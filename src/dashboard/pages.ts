import type { ReconciliationRow } from '../reconciliation';
import { FLAG_CODES, FLAG_TEXT } from '../reconciliation/flags';
import type { BulkReplay } from '../pipeline/replay';
import type { ExceptionRow } from '../store/exceptions.repo';
import type { MessageEvent, MessageRow } from '../store/messages.repo';
import type { OverdueAck } from '../store/outbound-acks.repo';
import type { StoredDocument } from '../store/documents.repo';
import { html, raw, type Html } from './html';
import type { EdiLine, Located, SplitEdi } from '../operations/raw-edi';
import type { DashboardUser } from './session';
import type { FoundMessage } from '../store/message-search';
import type { MessageProgress } from '../store/progress.repo';
import type { ExceptionReason, HourBucket, StuckMessage, UnreadMessage, Volume } from '../store/operations.repo';
import type { Alert } from '../alerts/alert';

/** The dashboard's pages as template functions: data in, escaped HTML out. Pure. */

const NAV = [
  ['/dashboard', 'Overview'], ['/dashboard/messages', 'Messages'], ['/dashboard/exceptions', 'Exceptions'],
  ['/dashboard/partners', 'Partners'], ['/dashboard/reconciliation', 'Reconciliation'],
] as const;

export interface Page { title: string; current: string; user: DashboardUser; flash?: string; flashError?: boolean; now: Date }

export function layout(p: Page, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · edi-gateway</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="top"><span class="brand">edi-gateway</span>
<nav aria-label="Dashboard"><ul>${NAV.map(([href, label]) => html`<li><a href="${href}"${p.current === href ? raw(' aria-current="page"') : ''}>${label}</a></li>`)}</ul></nav>
<form method="post" action="/dashboard/signout"><span>${p.user.name} (${p.user.role})</span><button type="submit" class="secondary">Sign out</button></form>
</header>
<main id="main">${p.flash ? html`<p class="flash${p.flashError ? ' error' : ''}" role="status">${p.flash}</p>` : ''}${body}</main>
</body></html>`.value;
}

export function signInPage(error?: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · edi-gateway</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head>
<body><main id="main" class="signin"><h1>edi-gateway dashboard</h1>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
<form method="post" action="/dashboard/signin">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form>
<p class="muted">Use a token from <code>edi-gateway tokens create</code> or EDI_GATEWAY_API_TOKEN.</p></main></body></html>`.value;
}

// ---- small pieces

export function when(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const t = d instanceof Date ? d : new Date(d);
  return Number.isNaN(t.getTime()) ? String(d) : t.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function age(d: Date | string | null | undefined, now: Date): string {
  if (!d) return '—';
  const ms = now.getTime() - new Date(d).getTime();
  const m = Math.round(Math.abs(ms) / 60_000);
  const s = m < 60 ? `${m} min` : m < 48 * 60 ? `${Math.round(m / 60)} h` : `${Math.round(m / 1440)} days`;
  return ms < 0 ? `in ${s}` : `${s} ago`;
}

const status = (s: string | null | undefined) => html`<span class="status status-${s ?? 'none'}">${s ?? '—'}</span>`;
const msgLink = (id: number) => html`<a href="/dashboard/messages/${id}">#${id}</a>`;
const partnerLabel = (id: string | null) => id ?? html`<span class="muted">(no partner)</span>`;

/** `12000 of 87968 sets translated, 14%, since 10:02 UTC (5 min ago)` */
export function progressText(x: MessageProgress, now: Date): string {
  const percent = Math.min(Math.round((x.done / x.total) * 100), x.done < x.total ? 99 : 100);
  return `${x.detail ?? `${x.done} of ${x.total}`}, ${percent}%, since ${when(x.since)} (${age(x.since, now)})`;
}

/** A big file's progress as a bar a screen reader names, and in words. */
function progressBar(x: MessageProgress, now: Date): Html {
  return html`<progress value="${x.done}" max="${x.total}" aria-label="${`Message ${x.messageId}, ${x.stage}: ${x.detail ?? `${x.done} of ${x.total}`}`}"></progress> ${progressText(x, now)}`;
}

function progressTable(rows: MessageProgress[], now: Date): Html {
  return html`<table><caption>Big files being worked through: how far each has gone</caption>
<thead><tr><th scope="col">Message</th><th scope="col">Partner</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Progress</th></tr></thead>
<tbody>${rows.length ? rows.map((x) => html`<tr><td>${msgLink(x.messageId)}</td><td>${partnerLabel(x.partnerId)}</td><td>${status(x.status)}</td><td>${x.stage}</td><td>${progressBar(x, now)}</td></tr>`)
  : html`<tr><td colspan="5" class="muted">No big file in progress.</td></tr>`}</tbody></table>`;
}

// ---- overview

export interface OverviewData {
  volumes: Volume[];
  reasons: ExceptionReason[];
  overdue: OverdueAck[];
  hours: HourBucket[];
  inProgress?: MessageProgress[];
  /** The latest alerts raised (src/alerts), newest first. */
  alerts?: Alert[];
}

export function overviewPage(p: Page, d: OverviewData): string {
  const inToday = d.volumes.filter((v) => v.direction === 'in').reduce((n, v) => n + v.messages, 0);
  const outToday = d.volumes.filter((v) => v.direction === 'out').reduce((n, v) => n + v.messages, 0);
  const open = d.reasons.reduce((n, r) => n + r.count, 0);
  return layout(p, html`<h1>Overview</h1>
<div class="cards" role="list">
<div class="card" role="listitem"><strong>${inToday}</strong> received today</div>
<div class="card" role="listitem"><strong>${outToday}</strong> sent today</div>
<div class="card" role="listitem"><strong><a href="/dashboard/exceptions">${open}</a></strong> open exceptions</div>
<div class="card" role="listitem"><strong>${d.overdue.length}</strong> overdue acknowledgments</div>
</div>
${d.inProgress?.length ? html`<h2>In progress</h2>${progressTable(d.inProgress, p.now)}` : ''}
<h2 id="chart-h">Throughput, last 24 hours</h2>
${chart(d.hours)}
<div class="grid"><section aria-labelledby="vol-h"><h2 id="vol-h">Today's volumes</h2>
<table><caption>Messages since 00:00 UTC by partner, direction and document</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Direction</th><th scope="col">Document</th><th scope="col" class="num">Messages</th><th scope="col" class="num">Exceptions</th></tr></thead>
<tbody>${d.volumes.length ? d.volumes.map((v) => html`<tr><td>${v.partnerId ? html`<a href="/dashboard/messages?partner=${encodeURIComponent(v.partnerId)}">${v.partnerId}</a>` : partnerLabel(null)}</td>
<td>${v.direction === 'in' ? 'received' : 'sent'}</td><td>${v.docType ?? html`<span class="muted">no document</span>`}</td>
<td class="num">${v.messages}</td><td class="num">${v.exceptions}</td></tr>`) : html`<tr><td colspan="5" class="muted">No traffic yet today.</td></tr>`}</tbody></table></section>
<section aria-labelledby="reasons-h"><h2 id="reasons-h">Open exceptions by reason</h2>
<table><caption>Messages waiting for a person, by error and stage</caption>
<thead><tr><th scope="col">Reason</th><th scope="col">Stage</th><th scope="col" class="num">Messages</th><th scope="col">Oldest</th></tr></thead>
<tbody>${d.reasons.length ? d.reasons.map((r) => html`<tr><td><a href="/dashboard/exceptions${exceptionsQuery({ code: r.errorCode ?? NO_CODE })}">${r.errorCode ?? '(no code)'}</a></td><td>${r.stage}</td><td class="num">${r.count}</td><td>${age(r.oldest, p.now)}</td></tr>`)
  : html`<tr><td colspan="4" class="muted">No open exceptions.</td></tr>`}</tbody></table>
<h2 id="overdue-h">Overdue acknowledgments</h2>
<table><caption>Groups we sent whose 997 / 999 / CONTRL has not come back in time</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Message</th><th scope="col">Group</th><th scope="col">Expected</th><th scope="col">Due</th></tr></thead>
<tbody>${d.overdue.length ? d.overdue.slice(0, 50).map((a) => html`<tr><td>${a.partnerId}</td><td>${msgLink(a.messageId)}</td><td>${a.functionalId} ${a.controlNumber}</td><td>${a.ackExpected}</td><td>${age(a.dueAt, p.now)}</td></tr>`)
  : html`<tr><td colspan="5" class="muted">None overdue.</td></tr>`}</tbody></table></section></div>
${alertsTable(d.alerts ?? [], p.now)}`);
}

const DELIVERY_TEXT: Record<Alert['delivery'], string> = { sent: 'sent', pending: 'to be sent', failed: 'not delivered', none: 'no channel set' };

function alertsTable(alerts: Alert[], now: Date): Html {
  return html`<section aria-labelledby="alerts-h"><h2 id="alerts-h">Recent alerts</h2>
<table><caption>What the alerts said (webhook and e-mail), newest first; GET /api/alerts has them all</caption>
<thead><tr><th scope="col">Raised</th><th scope="col">Kind</th><th scope="col">Alert</th><th scope="col">Delivery</th></tr></thead>
<tbody>${alerts.length ? alerts.map((a) => html`<tr><td>${age(a.raisedAt, now)}</td><td>${a.severity === 'critical' ? html`<strong>${a.kind.replace('_', ' ')}</strong>` : a.kind.replace('_', ' ')}</td>
<td>${a.messageId ? html`<a href="/dashboard/messages/${a.messageId}">${a.title}</a>` : a.title}<br><span class="muted">${clip(a.detail, 200)}</span></td>
<td>${DELIVERY_TEXT[a.delivery]}${a.lastError ? html`<br><span class="muted">${clip(a.lastError, 120)}</span>` : ''}</td></tr>`)
  : html`<tr><td colspan="4" class="muted">No alert raised.</td></tr>`}</tbody></table></section>`;
}

/** An inline SVG bar chart of messages per hour, received and sent side by side; a table says the same for screen readers. */
export function chart(hours: HourBucket[]): Html {
  const W = 760, H = 160, pad = 28, bw = (W - pad) / Math.max(hours.length, 1);
  const max = Math.max(1, ...hours.map((h) => Math.max(h.in, h.out)));
  const y = (n: number) => H - 20 - (n / max) * (H - 36);
  let bars = '';
  hours.forEach((h, i) => {
    const x = pad + i * bw;
    bars += `<rect x="${(x + 2).toFixed(1)}" y="${y(h.in).toFixed(1)}" width="${(bw / 2 - 2).toFixed(1)}" height="${(H - 20 - y(h.in)).toFixed(1)}" fill="#0b5cad"><title>${h.hour.toISOString().slice(11, 16)} UTC: ${h.in} received</title></rect>`;
    bars += `<rect x="${(x + bw / 2).toFixed(1)}" y="${y(h.out).toFixed(1)}" width="${(bw / 2 - 2).toFixed(1)}" height="${(H - 20 - y(h.out)).toFixed(1)}" fill="#d97706"><title>${h.hour.toISOString().slice(11, 16)} UTC: ${h.out} sent</title></rect>`;
    if (i % 3 === 0) bars += `<text x="${x.toFixed(1)}" y="${H - 4}">${h.hour.toISOString().slice(11, 13)}h</text>`;
  });
  const svg = `<svg class="chart" role="img" aria-labelledby="chart-h chart-d" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">
<desc id="chart-d">Messages per hour: ${hours.reduce((n, h) => n + h.in, 0)} received and ${hours.reduce((n, h) => n + h.out, 0)} sent in 24 hours; highest hour ${max}.</desc>
<line x1="${pad}" x2="${W}" y1="${H - 20}" y2="${H - 20}" stroke="#d0d7de"/><text x="0" y="${y(max) + 4}">${max}</text><text x="0" y="${H - 20}">0</text>${bars}
<rect x="${W - 170}" y="2" width="10" height="10" fill="#0b5cad"/><text x="${W - 156}" y="11">received</text><rect x="${W - 90}" y="2" width="10" height="10" fill="#d97706"/><text x="${W - 76}" y="11">sent</text></svg>`;
  return raw(svg);
}

// ---- messages

export interface MessageFilters { po?: string; control?: string; partner?: string; status?: string; direction?: string; type?: string; from?: string; to?: string }

const STATUSES = ['received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved'];
const TYPES = ['order', 'order_ack', 'shipment', 'invoice', 'warehouse_order', 'warehouse_advice', 'functional_ack'];

function select(name: string, label: string, options: readonly string[], value: string | undefined, any = 'any'): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">${any}</option>
${options.map((o) => html`<option${o === value ? raw(' selected') : ''}>${o}</option>`)}</select></div>`;
}

export function messagesPage(p: Page, f: MessageFilters, partners: string[], rows: FoundMessage[], error?: string): string {
  return layout(p, html`<h1>Messages</h1>
<form class="search" method="get" action="/dashboard/messages" role="search" aria-label="Search messages">
<div><label for="f-po">PO, shipment or invoice number</label><input id="f-po" name="po" value="${f.po ?? ''}" size="18"></div>
<div><label for="f-control">Control number</label><input id="f-control" name="control" value="${f.control ?? ''}" size="11" inputmode="text"></div>
${select('partner', 'Partner', partners, f.partner)}${select('status', 'Status', STATUSES, f.status)}
${select('direction', 'Direction', ['in', 'out'], f.direction)}${select('type', 'Document', TYPES, f.type)}
<div><label for="f-from">From (date)</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
<div><label for="f-to">To (date)</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
<button type="submit">Search</button></form>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
<table><caption>${rows.length} message(s)${rows.length >= 100 ? ' (the newest 100)' : ''}</caption>
<thead><tr><th scope="col">Message</th><th scope="col">Received</th><th scope="col">Partner</th><th scope="col">Dir.</th><th scope="col">Documents</th><th scope="col">Numbers</th><th scope="col">Status</th><th scope="col">Problem</th></tr></thead>
<tbody>${rows.length ? rows.map((m) => html`<tr><td>${msgLink(m.id)}</td><td>${when(m.createdAt)}</td><td>${partnerLabel(m.partnerId)}</td><td>${m.direction}</td>
<td>${m.types ?? '—'}</td><td>${m.keys ?? '—'}</td><td>${status(m.status)}</td><td>${m.errorCode ? html`<strong>${m.errorCode}</strong> ${clip(m.errorMessage, 140)}` : ''}</td></tr>`)
  : html`<tr><td colspan="8" class="muted">No message matches.</td></tr>`}</tbody></table>`);
}

function clip(s: string | null | undefined, n: number): string {
  if (!s) return '';
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export interface DetailData {
  message: MessageRow;
  events: MessageEvent[];
  edi: SplitEdi | undefined;
  documents: StoredDocument[];
  /** All the message's documents, when more than `documents` holds. */
  documentsTotal?: number;
  acks: { functionalId: string; controlNumber: string; ackExpected: string | null; ackStatus: string | null; dueAt: Date | null }[];
  canOperate: boolean;
  progress?: MessageProgress;
}

function ediLine(l: EdiLine): Html {
  const cells: Html[] = l.elements.map((e, i) => {
    const sep = i ? html`<span class="sep">${l.separator}</span>` : html``;
    if (!e.problems.length) return html`${sep}${e.text}`;
    const what = e.problems.map((p) => `${p.code}: ${p.message}`).join('; ');
    return html`${sep}<mark title="${`${l.tag}${String(i).padStart(2, '0')}: ${what}`}" aria-label="${`${l.tag}${String(i).padStart(2, '0')} ${e.text}, error: ${what}`}">${e.text || ' '}</mark>`;
  });
  const lineProblems = l.problems.map((p) => `${p.code}: ${p.message}`).join('; ');
  const content = html`<span class="ln" aria-hidden="true">${l.n}</span>${cells}<span class="sep">${l.terminator}</span>${lineProblems ? html` <span class="note">⟵ ${lineProblems}</span>` : ''}`;
  return l.problems.length ? html`<span class="bad-line" title="${lineProblems}">${content}</span>\n` : html`${content}\n`;
}

export function detailPage(p: Page, d: DetailData): string {
  const m = d.message;
  const problems: Located[] = d.edi ? [...d.edi.lines.flatMap((l) => [...l.problems, ...l.elements.flatMap((e) => e.problems)]), ...d.edi.unplaced] : [];
  const replayable = !m.duplicateOf && ['done', 'exception', 'resolved'].includes(m.status);
  return layout(p, html`<h1>Message #${m.id} ${status(m.status)}</h1>
<table><caption>About this message</caption><tbody>
<tr><th scope="row">Partner</th><td>${partnerLabel(m.partnerId)}</td><th scope="row">Direction</th><td>${m.direction === 'in' ? 'received' : 'sent'} by ${m.transport}</td></tr>
<tr><th scope="row">File</th><td>${m.filename ?? '—'} (${m.sizeBytes} bytes)</td><th scope="row">Stored</th><td>${when(m.createdAt)}</td></tr>
<tr><th scope="row">Stage</th><td>${m.stage} (attempts ${m.attempts})</td><th scope="row">Updated</th><td>${when(m.updatedAt)}</td></tr>
${m.errorCode ? html`<tr><th scope="row">Problem</th><td colspan="3"><strong>${m.errorCode}</strong>: ${m.errorMessage}</td></tr>` : ''}
${m.duplicateOf ? html`<tr><th scope="row">Duplicate of</th><td colspan="3">${msgLink(m.duplicateOf)}</td></tr>` : ''}
</tbody></table>
${d.progress ? html`<section aria-labelledby="progress-h"><h2 id="progress-h">Progress</h2><p>${progressBar(d.progress, p.now)}</p></section>` : ''}
${d.canOperate ? html`<div class="actions">
${replayable ? html`<form method="post" action="/dashboard/messages/${m.id}/replay"><button type="submit">Replay message #${m.id}</button></form>` : ''}
${m.status === 'exception' ? html`<form method="post" action="/dashboard/messages/${m.id}/resolve"><div class="field"><label for="note">Resolution note</label>
<input id="note" name="note" required size="40" placeholder="what was done about it"></div><button type="submit" class="secondary">Resolve</button></form>` : ''}
</div>` : html`<p class="muted">Your role (${p.user.role}) can read; replay and resolve need an operator.</p>`}
${problems.length ? html`<section aria-labelledby="problems-h"><h2 id="problems-h">Errors (${problems.length})</h2><ul class="flags">
${problems.map((x) => html`<li><strong>${x.code}</strong>${x.segment ? ` at ${x.segment}${x.element ? String(x.element).padStart(2, '0') : ''}${x.position ? ` (segment ${x.position} of set ${x.setControl ?? ''})` : ''}` : ''}: ${x.message}</li>`)}</ul></section>` : ''}
${d.edi ? html`<h2 id="raw-h">Raw ${d.edi.standard === 'text' ? 'content' : d.edi.standard}, one segment a line${d.edi.truncated ? ` (the first ${d.edi.lines.length} of a bigger file)` : ''}</h2>
<pre class="edi" aria-labelledby="raw-h" tabindex="0">${d.edi.lines.map(ediLine)}</pre>` : html`<p class="muted">No stored content.</p>`}
<h2>Documents and Odoo records</h2>
<table><caption>Canonical documents this message became${d.documentsTotal && d.documentsTotal > d.documents.length ? ` (the first ${d.documents.length} of ${d.documentsTotal})` : ''}</caption>
<thead><tr><th scope="col">#</th><th scope="col">Type</th><th scope="col">Number</th><th scope="col">Source control</th><th scope="col">Odoo record</th></tr></thead>
<tbody>${d.documents.length ? d.documents.map((doc) => html`<tr><td>${doc.ordinal}</td><td>${doc.type}</td><td>${doc.businessKey ?? '—'}</td><td>${doc.sourceControl}</td>
<td>${doc.odooModel ? `${doc.odooModel} ${doc.odooId}` : '—'}</td></tr>`) : html`<tr><td colspan="5" class="muted">No documents (yet).</td></tr>`}</tbody></table>
${d.documents.slice(0, 5).map((doc) => html`<details><summary>Canonical JSON of document ${doc.ordinal} (${doc.type} ${doc.businessKey ?? ''})</summary><pre class="json">${JSON.stringify(doc.body, null, 2)}</pre></details>`)}
<h2>Acknowledgments</h2>
<table><caption>What the partner's 997 / 999 / CONTRL said about this message</caption>
<thead><tr><th scope="col">Group</th><th scope="col">Expected</th><th scope="col">State</th><th scope="col">Due</th></tr></thead>
<tbody>${d.acks.length ? d.acks.map((a) => html`<tr><td>${a.functionalId} ${a.controlNumber}</td><td>${a.ackExpected ?? 'none'}</td>
<td>${a.ackStatus ? status(a.ackStatus === 'A' || a.ackStatus === 'E' ? 'accepted' : 'rejected') : a.ackExpected ? status(a.dueAt && a.dueAt < p.now ? 'overdue' : 'pending') : '—'} ${a.ackStatus ?? ''}</td>
<td>${when(a.dueAt)}</td></tr>`) : html`<tr><td colspan="4" class="muted">No acknowledgment tracked for this message.</td></tr>`}</tbody></table>
<h2>Audit trail</h2>
<table><caption>Every step, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Stage</th><th scope="col">Outcome</th><th scope="col">Code</th><th scope="col">Detail</th></tr></thead>
<tbody>${d.events.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.stage}</td><td>${status(e.outcome === 'failed' ? 'exception' : e.outcome === 'ok' ? 'done' : e.outcome)}</td><td>${e.code ?? ''}</td><td>${e.detail ?? ''}</td></tr>`)}</tbody></table>`);
}

// ---- exceptions

/** The reason filter's value for exceptions without an error code. */
export const NO_CODE = '(none)';

export interface ExceptionFilters { partner?: string; code?: string }

export interface ExceptionsView {
  rows: ExceptionRow[];
  filters: ExceptionFilters;
  partners: string[];
  /** The error codes of the open exceptions, NO_CODE for those without one. */
  codes: string[];
  canOperate: boolean;
}

/** The query string of a filter, for links and forms that come back to the same view. */
export function exceptionsQuery(f: ExceptionFilters): string {
  const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => !!e[1])).toString();
  return q ? `?${q}` : '';
}

export function exceptionsPage(p: Page, v: ExceptionsView): string {
  const { rows, canOperate } = v;
  const query = exceptionsQuery(v.filters);
  return layout(p, html`<h1>Exceptions</h1>
<p>Messages that need a person. Fix the cause (a cross-reference, a partner profile, Odoo), then <strong>Replay</strong>; or <strong>Resolve</strong> with a note saying what was done.</p>
<form class="search" method="get" action="/dashboard/exceptions" aria-label="Filter exceptions">
${select('partner', 'Partner', v.partners, v.filters.partner)}${select('code', 'Reason', v.codes, v.filters.code)}
<button type="submit">Show</button>${query ? html` <a href="/dashboard/exceptions">Show all</a>` : ''}</form>
${canOperate && rows.length ? html`<form id="bulk" class="actions" method="post" action="/dashboard/exceptions/replay${query}">
<input type="hidden" name="shown" value="${rows.map((r) => r.messageId).join(',')}">
<button type="submit" name="scope" value="selected">Replay selected</button>
<button type="submit" name="scope" value="shown" class="secondary">Replay all ${rows.length} shown</button></form>` : ''}
<table><caption>${rows.length} open exception(s)${rows.length >= 500 ? ' (the newest 500)' : ''}, newest first</caption>
<thead><tr>${canOperate ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : ''}<th scope="col">Message</th><th scope="col">Partner</th><th scope="col">Failed</th><th scope="col">Stage</th><th scope="col">Reason</th>${canOperate ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr>${canOperate ? html`<td><input type="checkbox" name="id" value="${r.messageId}" form="bulk" aria-label="Select message ${r.messageId}"></td>` : ''}<td>${msgLink(r.messageId)}</td><td>${partnerLabel(r.partnerId)}</td><td>${age(r.failedAt, p.now)}</td><td>${r.stage}</td>
<td><strong>${r.errorCode ?? ''}</strong> ${clip(r.errorMessage, 220)}</td>
${canOperate ? html`<td><div class="actions"><form method="post" action="/dashboard/messages/${r.messageId}/replay?back=exceptions"><button type="submit" aria-label="Replay message ${r.messageId}">Replay</button></form>
<form method="post" action="/dashboard/messages/${r.messageId}/resolve?back=exceptions"><label for="note-${r.messageId}" class="muted">Note</label>
<input id="note-${r.messageId}" name="note" required size="18"><button type="submit" class="secondary" aria-label="Resolve message ${r.messageId}">Resolve</button></form></div></td>` : ''}</tr>`)
  : html`<tr><td colspan="${canOperate ? 7 : 5}" class="muted">Nothing waiting.</td></tr>`}</tbody></table>`);
}

/** What a bulk replay did, in one line for the flash message ('!' first when nothing was queued). */
export function bulkReplayFlash(r: BulkReplay): string {
  const ids = (list: { messageId: number }[]) => list.slice(0, 12).map((x) => `#${x.messageId}`).join(', ') + (list.length > 12 ? ', …' : '');
  const queued = `${r.replayed.length} message(s) queued for replay${r.replayed.length ? ` (${ids(r.replayed)})` : ''}`;
  const refused = r.refused.length ? `; ${r.refused.length} refused: ${r.refused.slice(0, 3).map((x) => `#${x.messageId} ${x.error}`).join('; ')}${r.refused.length > 3 ? '; …' : ''}` : '';
  return `${r.replayed.length ? '' : '!'}${queued}${refused}.`;
}

// ---- partners

export interface PartnerView {
  id: string; name: string | null; kind: string | null; mode: string | null; profile: boolean;
  lastInboundAt: Date | null; lastOutboundAt: Date | null; messages24h: number; messages7d: number;
  exceptionsOpen: number; queueDepth: number; acksPending: number; acksOverdue: number; nextAckDue: Date | null;
}

export interface CertificateView { partnerId?: string; subject: string; notAfter: Date; daysLeft: number }

export function partnersPage(p: Page, partners: PartnerView[], stuck: StuckMessage[], orphaned: StuckMessage[], certs: CertificateView[], inProgress: MessageProgress[] = []): string {
  const list = (rows: StuckMessage[], what: string) => html`<thead><tr><th scope="col">Message</th><th scope="col">Partner</th><th scope="col">Dir.</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Since</th><th scope="col">File</th></tr></thead>
<tbody>${rows.length ? rows.map((m) => html`<tr><td>${msgLink(m.id)}</td><td>${partnerLabel(m.partnerId)}</td><td>${m.direction}</td><td>${status(m.status)}</td><td>${m.stage}</td><td>${age(m.since, p.now)}</td><td>${m.filename ?? ''}</td></tr>`)
  : html`<tr><td colspan="7" class="muted">No ${what} messages.</td></tr>`}</tbody>`;
  return layout(p, html`<h1>Partners</h1>
<table><caption>Each partner's traffic and what it is waiting on</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Mode</th><th scope="col">Last received</th><th scope="col">Last sent</th><th scope="col" class="num">24 h</th><th scope="col" class="num">7 days</th>
<th scope="col" class="num">Queue</th><th scope="col" class="num">Open exceptions</th><th scope="col" class="num">Acks owed</th><th scope="col" class="num">Acks overdue</th><th scope="col">Next ack due</th></tr></thead>
<tbody>${partners.map((x) => html`<tr><th scope="row"><a href="/dashboard/messages?partner=${encodeURIComponent(x.id)}">${x.id}</a><br><span class="muted">${x.name ?? (x.profile ? '' : 'no profile')}</span></th>
<td>${x.kind && x.kind !== 'edi' ? `${x.kind}, ` : ''}${x.mode ?? '—'}</td><td>${when(x.lastInboundAt)}<br><span class="muted">${x.lastInboundAt ? age(x.lastInboundAt, p.now) : ''}</span></td>
<td>${when(x.lastOutboundAt)}<br><span class="muted">${x.lastOutboundAt ? age(x.lastOutboundAt, p.now) : ''}</span></td>
<td class="num">${x.messages24h}</td><td class="num">${x.messages7d}</td><td class="num">${x.queueDepth}</td>
<td class="num">${x.exceptionsOpen ? html`<a href="/dashboard/messages?partner=${encodeURIComponent(x.id)}&amp;status=exception">${x.exceptionsOpen}</a>` : 0}</td>
<td class="num">${x.acksPending}</td><td class="num">${x.acksOverdue ? html`<span class="status status-overdue">${x.acksOverdue}</span>` : 0}</td><td>${x.nextAckDue ? age(x.nextAckDue, p.now) : '—'}</td></tr>`)}</tbody></table>
<h2>Files in progress</h2>
${progressTable(inProgress, p.now)}
<h2>Stuck messages</h2>
<table><caption>In the pipeline with no progress for 15 minutes or more</caption>${list(stuck, 'stuck')}</table>
<h2>Orphaned messages</h2>
<table><caption>Open messages that belong to no partner with a profile</caption>${list(orphaned, 'orphaned')}</table>
<h2>Certificates</h2>
<table><caption>AS2 certificates (ours and partners'), soonest expiry first</caption>
<thead><tr><th scope="col">Whose</th><th scope="col">Subject</th><th scope="col">Expires</th><th scope="col">Days left</th></tr></thead>
<tbody>${certs.length ? certs.map((c) => html`<tr><td>${c.partnerId ?? 'ours'}</td><td>${c.subject}</td><td>${when(c.notAfter)}</td>
<td>${c.daysLeft < 30 ? html`<span class="status status-overdue">${c.daysLeft}</span>` : c.daysLeft}</td></tr>`) : html`<tr><td colspan="4" class="muted">No AS2 certificates configured.</td></tr>`}</tbody></table>`);
}

// ---- reconciliation

export interface ReconFilters { partner?: string; flag?: string; from?: string; to?: string; invoiced?: string }

export function reconciliationPage(p: Page, f: ReconFilters, partners: string[], range: { from: Date; to: Date } | undefined, rows: ReconciliationRow[],
  unread: UnreadMessage[], error?: string): string {
  const weekStart = startOfWeek(p.now).toISOString().slice(0, 10);
  const flagOptions = FLAG_CODES.map((c) => c as string);
  return layout(p, html`<h1>Order reconciliation</h1>
<p>One row per purchase order: ordered, acknowledged, in Odoo, shipped, invoiced, and what is wrong.
<a href="/dashboard/reconciliation?from=${weekStart}&amp;invoiced=no">This week's orders not yet invoiced</a></p>
<form class="search" method="get" action="/dashboard/reconciliation" aria-label="Filter orders">
${select('partner', 'Partner', partners, f.partner)}
<div><label for="f-flag">Flag</label><select id="f-flag" name="flag"><option value="">any</option><option value="any"${f.flag === 'any' ? raw(' selected') : ''}>any flag raised</option>
${flagOptions.map((c) => html`<option value="${c}"${c === f.flag ? raw(' selected') : ''}>${c}: ${FLAG_TEXT[c as keyof typeof FLAG_TEXT]}</option>`)}</select></div>
${select('invoiced', 'Invoiced', ['no', 'yes'], f.invoiced)}
<div><label for="f-from">Received from (date)</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
<div><label for="f-to">to (date)</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
<button type="submit">Show</button> <a href="/api/reconciliation.csv?${new URLSearchParams(Object.entries({ partner: f.partner ?? '', from: f.from ?? '', to: f.to ?? '' }).filter(([, v]) => v)).toString()}">CSV (API)</a></form>
${error ? html`<p class="flash error" role="alert">${error}</p>` : ''}
<table><caption>${rows.length} order(s)${range ? ` received ${when(range.from)} to ${when(range.to)}` : ''}</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">PO</th><th scope="col">Received</th><th scope="col">Order</th><th scope="col">Acknowledged</th><th scope="col">Odoo</th>
<th scope="col" class="num">Ordered</th><th scope="col" class="num">Shipped</th><th scope="col" class="num">Invoiced</th><th scope="col">Why / flags</th></tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr><td>${r.partnerId}</td>
<th scope="row"><a href="/dashboard/messages?po=${encodeURIComponent(r.poNumber)}">${r.poNumber}</a></th><td>${when(r.receivedAt)}</td>
<td>${r.orderMessageIds.map((id) => msgLink(id))} ${status(r.orderStatus)}</td>
<td>${r.acknowledged ? `${r.acknowledged.type} (${r.acknowledged.quantity})` : '—'}</td>
<td>${r.odoo.saleOrderName ?? (r.odoo.saleOrderId ? `sale.order ${r.odoo.saleOrderId}` : '—')}</td>
<td class="num">${r.ordered.quantity}</td><td class="num">${r.shipped.quantity ?? '—'}</td><td class="num">${r.invoiced ? `${r.invoiced.quantity} (${r.invoiced.invoices.join(', ')})` : '—'}</td>
<td>${r.flags.length ? html`<ul class="flags">${r.flags.map((x) => html`<li><strong>${x.code}</strong>: ${x.message}</li>`)}</ul>` : whyNotInvoiced(r)}</td></tr>`)
  : html`<tr><td colspan="10" class="muted">No order matches.</td></tr>`}</tbody></table>
<h2 id="unread-h">Received but not read as orders</h2>
<table><caption>Exceptions of the same period that never became a document (an order refused for an unknown item lands here, not above)</caption>
<thead><tr><th scope="col">Message</th><th scope="col">Partner</th><th scope="col">Received</th><th scope="col">File</th><th scope="col">Why</th></tr></thead>
<tbody>${unread.length ? unread.map((m) => html`<tr><td>${msgLink(m.id)}</td><td>${partnerLabel(m.partnerId)}</td><td>${when(m.createdAt)}</td><td>${m.filename ?? ''}</td>
<td><strong>${m.errorCode ?? ''}</strong> ${clip(m.errorMessage, 220)}</td></tr>`) : html`<tr><td colspan="5" class="muted">None.</td></tr>`}</tbody></table>`);
}

/** The plain reason an unflagged order has no invoice yet: where it is in its lifecycle. */
function whyNotInvoiced(r: ReconciliationRow): string {
  if (r.invoiced) return 'complete';
  if (!r.odoo.saleOrderId) return 'not in Odoo yet';
  if (r.shipped.quantity === null) return 'not shipped yet (within the window)';
  return 'shipped, invoice not yet due';
}

/** Monday 00:00 UTC of the week `now` is in. */
export function startOfWeek(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000);
}
