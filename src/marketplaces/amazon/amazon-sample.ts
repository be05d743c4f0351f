import type { PartnerProfile } from '../../partners/profile.schema';
import type { SampleOutcome } from '../../partners/sample-runner';
import { orderFromAmazon, type StoredAmazonOrder } from './amazon-order';

/**
 * `partners test` for an Amazon sample (samples/inbound/NAME.json, an order as the pull stores
 * it): its canonical Order, read as the amazon stage reads it, compared with NAME.expected.json.
 * The sample's seller must be the profile's.
 */
export function runAmazonSample(bytes: Buffer, profile: PartnerProfile, base: string,
  compare: (file: string, actual: string, problems: string[]) => SampleOutcome): SampleOutcome {
  const problems: string[] = [];
  let documents: unknown[] = [];
  try {
    const raw = JSON.parse(bytes.toString('utf8')) as Partial<StoredAmazonOrder>;
    if (raw.sellerId !== profile.amazon?.sellerId) problems.push(`the sample's sellerId ${raw.sellerId ?? '(none)'} is not ${profile.id}'s amazon.sellerId`);
    const { order, issues } = orderFromAmazon(raw, profile);
    problems.push(...issues.map((i) => i.message));
    if (order) documents = [order];
  } catch (err) {
    problems.push(`not JSON: ${(err as Error).message}`);
  }
  return compare(`${base}.expected.json`, `${JSON.stringify(documents, null, 2)}\n`, problems);
}
