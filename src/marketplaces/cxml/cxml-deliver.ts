import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { ChannelMessage } from '../marketplace';
import { withSharedSecret } from './credential';
import { attr, CXML_MAX_BYTES, CxmlSyntaxError, node, parseCxml, text } from './parse-cxml';

/** How long the buyer has to answer one POST. */
export const CXML_POST_TIMEOUT_MS = 60_000;

export interface CxmlDeliverDeps {
  log: Logger;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The body, up to `max` bytes; undefined when there is more (the rest is not read). */
async function readLimited(res: Response, max: number): Promise<Buffer | undefined> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

interface CxmlStatus { code: number; text: string; detail?: string }

/** The Status of a cXML Response, read as the inbound side reads cXML (no entities, size-limited); undefined when it is none. */
export function responseStatus(body: Buffer): { status: CxmlStatus } | { unreadable: string } {
  let doc;
  try {
    doc = parseCxml(body);
  } catch (err) {
    if (err instanceof CxmlSyntaxError) return { unreadable: err.message };
    throw err;
  }
  const status = node(doc.response?.Status);
  const code = Number(attr(status, 'code'));
  if (!status || !Number.isInteger(code)) return { unreadable: doc.response ? 'its Response has no Status code' : `it is a cXML ${doc.requestType}, not a Response` };
  return { status: { code, text: attr(status, 'text') ?? '', detail: text(status) } };
}

const excerpt = (b: Buffer) => b.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();

/**
 * POSTs one stored cXML document to the buyer (cxml.postUrl) with the shared secret put in from
 * the environment, and reads the buyer's cXML Response:
 *   2xx (200 OK, 201 Accepted, 204 No Content)  delivered; the trail gets the payloadID and status;
 *   4xx   PARTNER_REJECTED, not retried: the same document would be refused again (a person fixes
 *         the cause, then replays);
 *   5xx, network trouble, a timeout, or an answer that is not a cXML Response: retryable
 *         (TRANSPORT_UNAVAILABLE). Resending is safe: the payloadID is the same, so the buyer
 *         recognises a document it already has.
 * Without postUrl or the shared secret's environment variable, CONFIG_INVALID (not retried:
 * the message waits as an exception until the profile or environment is fixed and it is replayed).
 */
export async function deliverCxml(message: ChannelMessage, profile: PartnerProfile, deps: CxmlDeliverDeps): Promise<{ ref: string }> {
  const cxml = profile.cxml;
  if (!cxml) throw new GatewayError('CONFIG_INVALID', `partner ${profile.id} has no cxml block`);
  if (!cxml.postUrl) {
    throw new GatewayError('CONFIG_INVALID', `partner ${profile.id} has no cxml.postUrl: the buyer's cXML URL is needed to send it ${message.filename}; set it and replay message ${message.messageId}`);
  }
  const secret = (deps.env ?? process.env)[cxml.sharedSecretEnv];
  if (!secret) throw new GatewayError('CONFIG_INVALID', `the environment variable ${cxml.sharedSecretEnv} (partner ${profile.id}'s cXML shared secret) is not set`);
  let payloadID: string;
  let body: Buffer;
  try {
    payloadID = parseCxml(message.content).payloadID;
    body = withSharedSecret(message.content, secret);
  } catch (err) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `message ${message.messageId} is not a cXML document we can send: ${(err as Error).message}`);
  }
  const url = cxml.postUrl;
  const log = deps.log.child({ messageId: message.messageId, partnerId: profile.id, payloadID });

  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=UTF-8', 'user-agent': 'edi-gateway' },
      body,
      // A redirect would turn the POST into a GET: the buyer's URL is to be set as it ends.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? CXML_POST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new GatewayError('TRANSPORT_UNAVAILABLE', `cXML POST to ${url} failed: ${cause}`, { cause }, { cause: err });
  }
  let answer: Buffer | undefined;
  try {
    answer = await readLimited(res, CXML_MAX_BYTES);
  } catch (err) {
    throw new GatewayError('TRANSPORT_UNAVAILABLE', `cXML POST to ${url}: HTTP ${res.status}, the answer broke off: ${(err as Error).message}`, undefined, { cause: err });
  }
  const read = answer ? responseStatus(answer) : { unreadable: `it is larger than ${CXML_MAX_BYTES} bytes` };

  if ('status' in read) {
    const { code, text: statusText, detail } = read.status;
    const said = `cXML ${code} ${statusText}${detail ? `: ${detail.slice(0, 500)}` : ''}`;
    if (code >= 200 && code < 300) {
      log.info({ url, status: code }, 'cXML document delivered');
      return { ref: `payloadID ${payloadID}: ${said}` };
    }
    if (code >= 500) throw new GatewayError('TRANSPORT_UNAVAILABLE', `cXML POST to ${url} (payloadID ${payloadID}): ${said}`, { status: code });
    throw new GatewayError('PARTNER_REJECTED', `the buyer refused payloadID ${payloadID} (POST ${url}): ${said}`, { status: code });
  }
  // No cXML Status to go by: the HTTP status decides; a success without one proves nothing, so it is tried again.
  const moved = res.status >= 300 && res.status < 400 ? ` (redirected to ${res.headers.get('location') ?? '?'}: set cxml.postUrl to where it ends)` : '';
  const why = `HTTP ${res.status}${moved}, and the answer is not a cXML Response (${read.unreadable})${answer?.length ? `: ${excerpt(answer)}` : ''}`;
  if (res.status >= 300 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    throw new GatewayError('PARTNER_REJECTED', `cXML POST to ${url} (payloadID ${payloadID}) refused: ${why}`, { httpStatus: res.status });
  }
  throw new GatewayError('TRANSPORT_UNAVAILABLE', `cXML POST to ${url} (payloadID ${payloadID}): ${why}`, { httpStatus: res.status });
}
