import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { GatewayConfig } from '../../config/gateway.config';
import type { Receipt, ReceiveResult } from '../../inbox/inbox';
import type { Logger } from '../../log/logger';
import type { PartnerRegistry } from '../../partners/partner-registry';
import type { PartnerProfile } from '../../partners/profile.schema';
import { as2Settings, ourAs2Id, type As2Settings } from './as2.config';
import { unpackMessage } from './as2-unpack';
import { buildMdn, isMdn, parseDispositionOptions, parseMdn, type As2Failure, type HttpBody } from './mdn';
import { findSent, hasMdn, recordMdn } from './mdn-outcome';
import { computeMic } from './mic';
import { quoteAs2Name, unquoteAs2Name } from './mime';
import type { FetchFn } from './as2.sender';

export interface As2Request {
  /** Header names lower-cased (as node:http gives them). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface As2Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface As2ReceiverDeps {
  config: GatewayConfig;
  knex: Knex;
  partners: () => PartnerRegistry;
  receive: (r: Receipt) => Promise<ReceiveResult>;
  log: Logger;
  fetch?: FetchFn;
  /** Async MDN delivery: attempts and the first pause (doubling after each failure). */
  asyncMdn?: { attempts: number; firstDelayMs: number };
}

const text = (status: number, body: string): As2Reply => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${body}\n` });

/** The partner whose profile names this AS2-From, and us by this AS2-To. */
export function findAs2Partner(config: Pick<GatewayConfig, 'as2'>, registry: PartnerRegistry, from: string, to: string): PartnerProfile | undefined {
  return registry.profiles.find((p) => p.transports.as2?.partnerAs2Id === from && ourAs2Id(config, p) === to);
}

/**
 * POST /as2: a partner's message (answered with an MDN once the payload is in the store) or a
 * partner's asynchronous MDN for a message of ours. Nothing is stored unless it decrypted,
 * verified and decompressed; a message already stored under its Message-ID is answered again,
 * not stored twice.
 */
export function as2Receiver(deps: As2ReceiverDeps) {
  const pending = new Set<Promise<void>>();
  const retry = deps.asyncMdn ?? { attempts: 5, firstDelayMs: 2000 };

  /**
   * Before the body is read: a request whose Content-Length is over the partner's limit is
   * answered 413 at once. Undefined: read the body and handle it.
   */
  function preflight(headers: As2Request['headers']): As2Reply | undefined {
    const h = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
    const from = unquoteAs2Name(h('as2-from'));
    const to = unquoteAs2Name(h('as2-to'));
    const length = Number(h('content-length'));
    if (!from || !to || !Number.isFinite(length)) return undefined;
    const max = findAs2Partner(deps.config, deps.partners(), from, to)?.transports.as2?.maxBytes;
    return max !== undefined && length > max ? text(413, `message of ${length} bytes exceeds this partner's limit of ${max}`) : undefined;
  }

  async function handle(req: As2Request): Promise<As2Reply> {
    const h = (name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v[0] : v; };
    const contentType = h('content-type');
    const from = unquoteAs2Name(h('as2-from'));
    const to = unquoteAs2Name(h('as2-to'));
    const messageId = h('message-id')?.trim();
    if (!contentType || !from || !to) return text(400, 'an AS2 request needs Content-Type, AS2-From and AS2-To');
    const profile = findAs2Partner(deps.config, deps.partners(), from, to);
    if (!profile) {
      deps.log.warn({ as2From: from, as2To: to }, 'AS2 request from an unknown partner refused');
      return text(403, `no partner profile has AS2 name ${JSON.stringify(from)} talking to ${JSON.stringify(to)}`);
    }
    const log = deps.log.child({ partnerId: profile.id, as2MessageId: messageId });
    const settings = as2Settings(deps.config, profile);
    if (!settings.ok) {
      log.error({ reason: settings.reason }, 'AS2 request cannot be handled: AS2 is not configured for this partner');
      return text(503, 'AS2 is not configured for this partner on our side; try again later');
    }
    if (req.body.length > settings.settings.profile.maxBytes) return text(413, `message of ${req.body.length} bytes exceeds this partner's limit of ${settings.settings.profile.maxBytes}`);
    if (isMdn(contentType, req.body)) return receiveMdn(settings.settings, contentType, req.body, log);
    if (!messageId) return text(400, 'an AS2 message needs a Message-ID');
    return receiveMessage(settings.settings, req, h, messageId, log);
  }

  async function receiveMessage(s: As2Settings, req: As2Request, h: (n: string) => string | undefined, messageId: string, log: Logger): Promise<As2Reply> {
    const options = parseDispositionOptions(h('disposition-notification-options'));
    // Checked before anything is stored: an error after storing would make the sender resend.
    const asyncUrl = h('receipt-delivery-option')?.trim();
    if (asyncUrl && !/^https?:\/\//i.test(asyncUrl)) return text(400, `Receipt-Delivery-Option ${asyncUrl} is not an http(s) URL (MDNs by e-mail are not supported)`);
    const unpacked = await unpackMessage(s, { contentType: h('content-type')!, transferEncoding: h('content-transfer-encoding'), body: req.body });
    let failure: As2Failure | undefined;
    let detail: string;
    let mic: string | undefined;
    if (!unpacked.ok) {
      failure = unpacked.failure;
      detail = unpacked.detail;
      log.warn({ failure, detail }, 'AS2 message refused');
    } else {
      try {
        const filename = unpacked.filename?.replace(/^.*[\\/]/, '') || undefined;
        const stored = await deps.receive({ content: unpacked.payload, transport: 'as2', transportRef: messageId, partnerId: s.partnerId, filename });
        mic = `${computeMic(unpacked.micSource, options.micAlgorithm)}, ${options.micLabel}`;
        detail = stored.outcome === 'already-stored' ? `already received as message ${stored.messageId}` : `stored as message ${stored.messageId}`;
      } catch (err) {
        failure = 'unexpected-processing-error';
        detail = 'the message could not be stored';
        log.error({ err }, 'AS2 message not stored');
      }
    }
    if (!h('disposition-notification-to')) return failure ? text(400, `${failure}: ${detail}`) : text(200, detail);
    const mdn = await buildMdn({
      reportingUa: 'edi-gateway', finalRecipient: s.ourAs2Id, originalMessageId: messageId, receivedContentMic: mic, failure,
      text: failure ? `The message ${messageId} was not accepted: ${failure}.` : `The message ${messageId} was received and stored.`,
    }, options.signed ? { key: { certificateDer: s.ours.certificateDer, privateKeyPkcs8: s.ours.privateKeyPkcs8 }, algorithm: options.micAlgorithm } : undefined);
    const headers = mdnHeaders(s, mdn);
    if (asyncUrl) {
      track(deliverAsync(asyncUrl, headers, mdn.body, log));
      return text(200, failure ? `not accepted (${failure}); the MDN follows asynchronously` : 'received; the MDN follows asynchronously');
    }
    return { status: 200, headers, body: mdn.body };
  }

  function mdnHeaders(s: As2Settings, mdn: HttpBody): Record<string, string> {
    return {
      'AS2-Version': '1.2', 'AS2-From': quoteAs2Name(s.ourAs2Id), 'AS2-To': quoteAs2Name(s.partnerAs2Id),
      'Message-ID': `<${crypto.randomUUID()}@${s.ourAs2Id.replace(/[^A-Za-z0-9.-]/g, '') || 'edi-gateway'}>`,
      'MIME-Version': '1.0', 'Content-Type': mdn.contentType,
    };
  }

  /** Posts the MDN, retrying with backoff; the message is already stored, so this only informs the sender. */
  async function deliverAsync(url: string, headers: Record<string, string>, body: Buffer, log: Logger): Promise<void> {
    let delay = retry.firstDelayMs;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      try {
        const res = await (deps.fetch ?? fetch)(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        if (res.ok) { log.info({ url, attempt }, 'asynchronous MDN delivered'); return; }
        log.warn({ url, attempt, status: res.status }, 'asynchronous MDN refused');
      } catch (err) {
        log.warn({ url, attempt, err: (err as Error).message }, 'asynchronous MDN not delivered');
      }
      if (attempt < retry.attempts) await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
    log.error({ url }, 'asynchronous MDN given up after every attempt');
  }

  function track(p: Promise<void>): void {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  async function receiveMdn(s: As2Settings, contentType: string, body: Buffer, log: Logger): Promise<As2Reply> {
    let mdn;
    try {
      mdn = await parseMdn(contentType, body, s.partnerCertificateDer);
    } catch (err) {
      return text(400, `unreadable MDN: ${(err as Error).message}`);
    }
    const found = mdn.originalMessageId ? await findSent(deps.knex, mdn.originalMessageId) : undefined;
    if (!found || found.partnerId !== s.partnerId) {
      log.warn({ originalMessageId: mdn.originalMessageId }, 'asynchronous MDN for no message of ours');
      return text(404, `no message ${mdn.originalMessageId ?? '(no Original-Message-ID)'} was sent to this partner`);
    }
    if (await hasMdn(deps.knex, found.messageId, found.sendEventId)) return text(200, 'MDN already recorded');
    const verdict = await recordMdn(deps.knex, found.messageId, found.sent, mdn);
    log[verdict.ok ? 'info' : 'error']({ messageId: found.messageId, detail: verdict.detail }, 'asynchronous MDN received');
    return text(200, 'MDN received');
  }

  return {
    preflight,
    handle,
    /** Resolves when every asynchronous MDN in flight is delivered or given up (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

export type As2ReceiverHandle = ReturnType<typeof as2Receiver>;
