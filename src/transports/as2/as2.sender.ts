import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { sniff } from '../../parsers/sniff';
import { recordStage } from '../../store/messages.repo';
import type { As2Settings } from './as2.config';
import { packMessage } from './as2-message';
import { dispositionOptionsHeader, parseMdn } from './mdn';
import { hasMdn, lastEventId, recordMdn, type SentRecord } from './mdn-outcome';
import { quoteAs2Name } from './mime';

export type FetchFn = typeof fetch;

export interface As2SendDeps {
  knex: Knex;
  log: Logger;
  fetch?: FetchFn;
}

/** How long we wait for the partner's HTTP answer (a sync MDN comes in it). */
const REQUEST_TIMEOUT_MS = 120_000;

export function payloadContentType(s: As2Settings, content: Buffer): string {
  if (s.profile.contentType) return s.profile.contentType;
  const standard = sniff(content).standard;
  return standard === 'X12' ? 'application/edi-x12' : standard === 'EDIFACT' ? 'application/edifact' : 'application/octet-stream';
}

/** A resend keeps the first attempt's Message-ID, so that the partner recognises it as the same message. */
async function as2MessageIdFor(db: Knex, messageId: number, s: As2Settings): Promise<string> {
  const prev = await db('message_events').where({ message_id: messageId, stage: 'as2-send' }).orderBy('id').first('data');
  const data = prev && (typeof prev.data === 'string' ? JSON.parse(prev.data) : prev.data);
  if (data?.as2MessageId) return data.as2MessageId;
  const host = s.ourAs2Id.replace(/[^A-Za-z0-9.-]/g, '') || 'edi-gateway';
  return `<${crypto.randomUUID()}@${host}>`;
}

/**
 * Sends one stored outbound message to the partner over AS2 and records what happened: with a
 * sync MDN the outcome is known when this returns; with async the message waits in 'as2-sent'
 * until the MDN comes to /as2 or the MDN watch resends it. Network trouble and 5xx throw a
 * retryable error, and the queue's retry is a resend with the same Message-ID.
 */
export async function sendAs2(deps: As2SendDeps, s: As2Settings, m: { messageId: number; filename: string; content: Buffer }): Promise<void> {
  const p = s.profile;
  if (!p.url) throw new GatewayError('CONFIG_INVALID', `partner ${s.partnerId} has no transports.as2.url`);
  const as2MessageId = await as2MessageIdFor(deps.knex, m.messageId, s);
  const packed = await packMessage(s, m.content, { filename: m.filename, contentType: payloadContentType(s, m.content) });
  const sent: SentRecord = { as2MessageId, mic: packed.mic, micAlgorithm: packed.micAlgorithm, mdnMode: p.mdn.mode, mdnSigned: p.mdn.mode !== 'none' && p.mdn.signed };
  const headers: Record<string, string> = {
    'AS2-Version': '1.2',
    'AS2-From': quoteAs2Name(s.ourAs2Id),
    'AS2-To': quoteAs2Name(s.partnerAs2Id),
    'Message-ID': as2MessageId,
    'MIME-Version': '1.0',
    'Content-Type': packed.contentType,
    Subject: `EDI message ${m.filename}`,
    Date: new Date().toUTCString(),
    'User-Agent': 'edi-gateway',
  };
  if (p.mdn.mode !== 'none') {
    headers['Disposition-Notification-To'] = p.mdn.asyncUrl ?? 'edi-gateway';
    headers['Disposition-Notification-Options'] = dispositionOptionsHeader(packed.micAlgorithm, p.mdn.signed);
    if (p.mdn.mode === 'async') headers['Receipt-Delivery-Option'] = p.mdn.asyncUrl!;
  }
  // Recorded before the POST: an async MDN can arrive before the POST's own response does.
  await recordStage(deps.knex, m.messageId, { stage: 'as2-send', outcome: 'info', detail: `POST ${p.url} as ${as2MessageId}`, data: sent });
  const sentMark = await lastEventId(deps.knex, m.messageId);

  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(p.url, { method: 'POST', headers, body: packed.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new GatewayError('TRANSPORT_UNAVAILABLE', `AS2 POST to ${p.url} failed: ${cause}`, { cause }, { cause: err });
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status >= 500 || res.status === 429) throw new GatewayError('TRANSPORT_UNAVAILABLE', `AS2 POST to ${p.url}: HTTP ${res.status}`);
  if (res.status >= 300) {
    throw new GatewayError('AS2_REFUSED', `AS2 POST to ${p.url} refused: HTTP ${res.status} ${body.toString('utf8').slice(0, 200)}`);
  }
  const log = deps.log.child({ messageId: m.messageId, partnerId: s.partnerId, as2MessageId });
  if (p.mdn.mode === 'sync') {
    const contentType = res.headers.get('content-type');
    // 2xx without a receipt: we cannot know it was taken, so it counts as a failed attempt (resent).
    if (!contentType || body.length === 0) throw new GatewayError('TRANSPORT_UNAVAILABLE', `AS2 POST to ${p.url}: HTTP ${res.status} without the synchronous MDN asked for`);
    await recordStage(deps.knex, m.messageId, { stage: 'as2-sent', outcome: 'ok', detail: `HTTP ${res.status}, synchronous MDN`, data: sent });
    let mdn;
    try {
      mdn = await parseMdn(contentType, body, s.partnerCertificateDer);
    } catch (err) {
      await recordStage(deps.knex, m.messageId, { stage: 'mdn', outcome: 'failed', status: 'exception', code: 'AS2_MDN_INVALID', detail: `unreadable MDN: ${(err as Error).message}` });
      return;
    }
    const verdict = await recordMdn(deps.knex, m.messageId, sent, mdn);
    log[verdict.ok ? 'info' : 'error']({ detail: verdict.detail }, 'AS2 message sent; synchronous MDN');
    return;
  }
  await deps.knex.transaction(async (trx) => {
    // The async MDN may already be recorded (it raced our response): then it has the last word.
    const answered = p.mdn.mode === 'async' && await hasMdn(trx, m.messageId, sentMark);
    await recordStage(trx, m.messageId, {
      stage: 'as2-sent', outcome: 'ok', status: answered ? undefined : p.mdn.mode === 'async' ? 'processing' : 'done',
      detail: p.mdn.mode === 'async' ? `HTTP ${res.status}; ${answered ? 'the asynchronous MDN came first' : 'waiting for the asynchronous MDN'}` : `HTTP ${res.status}; no MDN asked for`, data: sent,
    });
  });
  log.info({ mode: p.mdn.mode }, 'AS2 message sent');
}
