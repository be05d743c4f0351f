import fc from 'fast-check';
import { unpackMessage } from '../../src/transports/as2/as2-unpack';
import { buildMdn, isMdn, parseMdn } from '../../src/transports/as2/mdn';
import { as2Fixtures, type Layer } from './as2-fixtures';
import { as2PlanArb, materializeAs2, payloadEntity, type As2Input, type As2Plan } from './mime-mutate';
import { describeThrown, expectTrue, fail } from './properties';
import { edifactSeeds, guard, guardAsync, x12Seeds, xmlSeeds, type FuzzTarget } from './target';
import { pick } from './values';

/** AS2: a received message unpacked (envelope, signature, compression), and a received MDN read. */

const AS2_FAILURES = new Set(['authentication-failed', 'decryption-failed', 'decompression-failed', 'integrity-check-failed', 'insufficient-message-security', 'unexpected-processing-error']);
/** What unpackMessage itself reports as unexpected-processing-error: anything else is an exception that escaped a layer. */
const KNOWN_UNEXPECTED = [/^signed twice$/, /^multipart body has no part delimited by boundary/];

let bases: Buffer[] | undefined;
/** Payloads of our own seeds (the first X12, EDIFACT and cXML ones) as entities. */
function as2Bases(): Buffer[] {
  return (bases ??= [
    payloadEntity(Buffer.from(x12Seeds()[0], 'latin1'), 'application/edi-x12', '850.edi'),
    payloadEntity(Buffer.from(edifactSeeds()[0], 'latin1'), 'application/edifact', 'orders.edi'),
    payloadEntity(Buffer.from(xmlSeeds()[0], 'latin1'), 'application/xml', 'order.xml'),
  ]);
}

/** A received AS2 message unpacked as the receiver does it: a payload, or a failure the MDN can name. */
export const as2Unpack: FuzzTarget<As2Plan, As2Input> = {
  name: 'as2-unpack',
  plans: as2PlanArb,
  build: (plan) => materializeAs2(plan, (i) => as2Bases()[pick(i, as2Bases().length)]),
  size: (i) => i.body.length,
  async run(input) {
    const f = as2Fixtures();
    const settings = input.strict ? f.settings.strict : f.settings.lax;
    guard('isMdn', () => isMdn(input.contentType, input.body));
    const r = await guardAsync('unpackMessage', () => unpackMessage(settings, { contentType: input.contentType, transferEncoding: input.transferEncoding, body: input.body }));
    if (!r.ok) {
      expectTrue(AS2_FAILURES.has(r.failure), `failure ${r.failure}`);
      expectTrue(typeof r.detail === 'string' && r.detail.length > 0, `${r.failure} without a detail`);
      if (r.failure === 'unexpected-processing-error') expectTrue(KNOWN_UNEXPECTED.some((re) => re.test(r.detail)), `an exception escaped a layer: ${r.detail}`);
      return false;
    }
    expectTrue(Buffer.isBuffer(r.payload) && Buffer.isBuffer(r.micSource), 'payload or MIC source not bytes');
    const limit = Math.max(settings.profile.maxBytes, input.body.length);
    expectTrue(r.payload.length <= limit, `the payload is ${r.payload.length} bytes from a body of ${input.body.length}: more than the partner's maxBytes ${settings.profile.maxBytes}`);
    if (settings.profile.inbound.requireSigned) expectTrue(r.signed, 'accepted unsigned though the profile requires signed');
    if (settings.profile.inbound.requireEncrypted) expectTrue(r.encrypted, 'accepted unencrypted though the profile requires encrypted');
    return true;
  },
};

const MDN_STACKS: Layer[][] = [[], ['sign'], ['signStranger'], ['sign', 'sign']];
const KNOWN_MDN_ERRORS = [/^signed MDN without a signature part$/, /^an MDN is a multipart\/report/, /^multipart body has no part delimited by boundary/, /^MDN without a message\/disposition-notification part$/];
let mdnBases: Buffer[] | undefined;

async function makeMdnBases(): Promise<Buffer[]> {
  const variants = [
    { failure: undefined, receivedContentMic: 'bWljLWZvci10ZXN0aW5n, sha-256' },
    { failure: 'authentication-failed' as const, receivedContentMic: undefined },
    { failure: undefined, receivedContentMic: undefined },
  ];
  const out: Buffer[] = [];
  for (const v of variants) {
    const m = await buildMdn({ reportingUa: 'fuzz', finalRecipient: 'ODOODIST', originalMessageId: '<1@fuzz>', text: 'fuzz', ...v });
    out.push(Buffer.concat([Buffer.from(`Content-Type: ${m.contentType}\r\n\r\n`, 'latin1'), m.body]));
  }
  return out;
}

/** An asynchronous MDN as the receiver reads it: a parsed MDN, or an Error the receiver answers 400 with. */
export const as2Mdn: FuzzTarget<As2Plan, As2Input> = {
  name: 'as2-mdn',
  plans: fc.record({ plan: as2PlanArb, stack: fc.nat() }).map(({ plan, stack }) => ({ ...plan, layers: MDN_STACKS[stack % MDN_STACKS.length] })),
  async build(plan) {
    const b = (mdnBases ??= await makeMdnBases());
    return materializeAs2(plan, (i) => b[pick(i, b.length)]);
  },
  size: (i) => i.body.length,
  async run(input) {
    const f = as2Fixtures();
    try {
      const m = await parseMdn(input.contentType, input.body, f.partner.certificateDer);
      expectTrue(typeof m.disposition === 'string' && typeof m.text === 'string', 'disposition or text not text');
      return true;
    } catch (err) {
      if (err instanceof Error && KNOWN_MDN_ERRORS.some((re) => re.test(err.message))) return false;
      return fail(`parseMdn threw ${describeThrown(err)}`);
    }
  },
};
