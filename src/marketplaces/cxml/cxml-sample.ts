import type { PartnerProfile } from '../../partners/profile.schema';
import type { SampleOutcome } from '../../partners/sample-runner';
import { orderFromCxml } from './order-request';
import { CxmlSyntaxError, parseCxml } from './parse-cxml';

/**
 * `partners test` for a cXML sample (samples/inbound/NAME.xml): the OrderRequest read as the cxml
 * stage reads it, its canonical Order compared with NAME.expected.json. The shared secret is not
 * checked (samples carry a made-up one); the Sender credential must be the profile's.
 */
export function runCxmlSample(bytes: Buffer, profile: PartnerProfile, _o: unknown, base: string, name: string,
  compare: (file: string, actual: string, problems: string[]) => SampleOutcome): SampleOutcome {
  const problems: string[] = [];
  let documents: unknown[] = [];
  try {
    const doc = parseCxml(bytes);
    const c = profile.cxml;
    if (!c || !doc.sender.some((s) => s.domain.toLowerCase() === c.domain.toLowerCase() && s.identity.toLowerCase() === c.identity.toLowerCase())) {
      problems.push(`the sample's Sender credential (${doc.sender.map((s) => `${s.domain} ${s.identity}`).join(', ') || 'none'}) is not ${profile.id}'s cxml identity`);
    }
    const { order, issues } = orderFromCxml(doc, profile);
    problems.push(...issues.map((i) => i.message));
    if (order) documents = [order];
  } catch (err) {
    if (!(err instanceof CxmlSyntaxError)) throw err;
    problems.push(err.message);
  }
  return compare(`${base}.expected.json`, `${JSON.stringify(documents, null, 2)}\n`, problems);
}
