import crypto from 'node:crypto';
import os from 'node:os';

/** The cXML DTD version our Responses name. */
export const CXML_DTD_VERSION = '1.2.014';

export type CxmlStatus = 200 | 400 | 401 | 413 | 500;

const TEXT: Record<CxmlStatus, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 413: 'Request Entity Too Large', 500: 'Internal Server Error' };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A payloadID as cXML asks for one: datetime.process.random@hostname, unique. */
export function newPayloadId(now = new Date()): string {
  return `${now.getTime()}.${process.pid}.${crypto.randomBytes(6).toString('hex')}@${os.hostname() || 'edi-gateway'}`;
}

/**
 * A cXML Response document: `<Status code text>`, with the reason as the Status's content when
 * there is one (what was wrong, for the buyer's integration team to read).
 */
export function cxmlResponse(code: CxmlStatus, reason?: string, now = new Date()): string {
  const status = reason ? `<Status code="${code}" text="${TEXT[code]}">${escape(reason)}</Status>` : `<Status code="${code}" text="${TEXT[code]}"/>`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/${CXML_DTD_VERSION}/cXML.dtd">\n`
    + `<cXML payloadID="${escape(newPayloadId(now))}" timestamp="${now.toISOString()}" xml:lang="en-US">`
    + `<Response>${status}</Response></cXML>\n`;
}
