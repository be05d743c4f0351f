import fs from 'node:fs';
import type { Order } from '../../canonical';
import { sniff } from '../../parsers/sniff';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { orderFromCxml } from './order-request';
import { CXML_HEAD_BYTES } from './sniff-cxml';
import { CxmlSyntaxError, parseCxml } from './parse-cxml';

/** Whether a file is a cXML document (by its head). */
export function isCxmlFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CXML_HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return sniff(buf.subarray(0, n)).standard === 'cXML';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `translate` for a cXML file: the canonical Order the cxml stage would store, or the problems
 * (each naming the element path). The partner is the one whose cxml identity is the Sender's; the
 * shared secret is not checked (a file on our disk is not a request from the network).
 */
export function translateCxmlFile(file: string, partners: PartnerRegistry): { order?: Order; problems: string[] } {
  const bytes = fs.readFileSync(file);
  const s = sniff(bytes);
  if (s.standard !== 'cXML') return { problems: ['not a cXML document'] };
  const profile = partners.senderOf(s);
  if (!profile) return { problems: [`cXML sender ${s.sender.qualifier} ${s.sender.id} is not the cxml identity of any partner profile`] };
  try {
    const { order, issues } = orderFromCxml(parseCxml(bytes), profile);
    return { order: issues.length ? undefined : order, problems: issues.map((i) => i.message) };
  } catch (err) {
    if (err instanceof CxmlSyntaxError) return { problems: [err.message] };
    throw err;
  }
}
