import fc from 'fast-check';
import { OrderSchema } from '../../src/canonical';
import { orderFromCxml } from '../../src/marketplaces/cxml/order-request';
import { CxmlSyntaxError, parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { sniff } from '../../src/parsers/sniff';
import { edifactPlanArb, materializeEdifact, type EdifactPlan } from './edifact-mutate';
import { fuzzPartners } from './partners';
import { describeThrown, expectTrue, fail } from './properties';
import { edifactSeeds, guard, jsonSeeds, sizeOf, x12Seeds, xmlSeeds, type FuzzTarget } from './target';
import { applyByteOps, byteOpArb, pick, toBytes, type ByteOp } from './values';
import { materializeX12, x12PlanArb, type X12Plan } from './x12-mutate';
import { materializeXml, xmlPlanArb, type XmlPlan } from './xml-mutate';

/** The sniffer, on every kind of seed; and cXML, parsed and read as an OrderRequest. */

type SniffPlan = { kind: 'x12'; p: X12Plan } | { kind: 'edifact'; p: EdifactPlan } | { kind: 'xml'; p: XmlPlan } | { kind: 'json'; seed: number; bytes: ByteOp[] };
const STANDARDS = new Set(['X12', 'EDIFACT', 'cXML', 'Shopify', 'Amazon', 'unknown']);

/** The first look at received bytes, for every kind of seed: a verdict, never an exception. */
export const sniffTarget: FuzzTarget<SniffPlan, { bytes: Buffer }> = {
  name: 'sniff',
  plans: fc.oneof(
    x12PlanArb.map((p) => ({ kind: 'x12' as const, p })),
    edifactPlanArb.map((p) => ({ kind: 'edifact' as const, p })),
    xmlPlanArb.map((p) => ({ kind: 'xml' as const, p })),
    fc.record({ seed: fc.nat(), bytes: fc.array(byteOpArb, { maxLength: 3 }) }).map((r) => ({ kind: 'json' as const, ...r })),
  ),
  build(plan) {
    switch (plan.kind) {
      case 'x12': return { bytes: materializeX12(plan.p, x12Seeds()) };
      case 'edifact': return { bytes: materializeEdifact(plan.p, edifactSeeds()) };
      case 'xml': return { bytes: materializeXml(plan.p, xmlSeeds()) };
      case 'json': { const seeds = jsonSeeds(); return { bytes: toBytes(applyByteOps(seeds[pick(plan.seed, seeds.length)], plan.bytes)) }; }
    }
  },
  size: sizeOf,
  run({ bytes }) {
    const s = guard('sniff', () => sniff(bytes));
    expectTrue(STANDARDS.has(s.standard), `standard ${s.standard}`);
    if (s.standard === 'unknown') {
      expectTrue(typeof s.reason === 'string' && s.reason.length > 0, 'unknown without a reason');
      return false;
    }
    expectTrue(typeof s.sender.id === 'string' && typeof s.receiver.id === 'string' && typeof s.controlNumber === 'string', `${s.standard}: sender, receiver or control number not text`);
    return true;
  },
};

/**
 * cXML as the cxml stage reads it: parseCxml throws CxmlSyntaxError and nothing else; no entity is
 * ever expanded (billion laughs, external files); orderFromCxml gives an Order that fits its schema
 * or issues that each name an element path.
 */
export const cxmlTarget: FuzzTarget<XmlPlan, { bytes: Buffer }> = {
  name: 'cxml',
  plans: xmlPlanArb,
  build: (plan) => ({ bytes: materializeXml(plan, xmlSeeds()) }),
  size: sizeOf,
  run({ bytes }) {
    guard('sniff', () => sniff(bytes));
    let doc;
    try {
      doc = parseCxml(bytes);
    } catch (err) {
      if (err instanceof CxmlSyntaxError) {
        expectTrue(err.message.length > 0, 'CxmlSyntaxError without a message');
        return false;
      }
      return fail(`parseCxml threw ${describeThrown(err)}`);
    }
    const text = JSON.stringify(doc);
    expectTrue(!/lollol|root:[^:]*:0:0/.test(text), 'an entity was expanded');
    expectTrue(typeof doc.payloadID === 'string' && doc.payloadID.length > 0, 'no payloadID');
    for (const c of [...doc.from, ...doc.to, ...doc.sender]) expectTrue(typeof c.domain === 'string' && typeof c.identity === 'string', 'credential not text');
    const profile = fuzzPartners().get('coupa-buyer')!;
    const r = guard('orderFromCxml', () => orderFromCxml(doc, profile, { messageId: 1 }));
    for (const i of r.issues) expectTrue(typeof i.path === 'string' && i.path.length > 0 && typeof i.message === 'string' && i.message.length > 0, 'issue without path or message');
    if (r.issues.length) return false;
    expectTrue(r.order, 'no issue and no order');
    const parsed = OrderSchema.safeParse(r.order);
    expectTrue(parsed.success, `order does not fit OrderSchema: ${parsed.error?.issues[0]?.message}`);
    return true;
  },
};
