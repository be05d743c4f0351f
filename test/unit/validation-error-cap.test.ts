import fs from 'node:fs';
import path from 'node:path';
import { buildContrl } from '../../src/acks/edifact-acks';
import { buildX12Acks } from '../../src/acks/x12-acks';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { MAX_MESSAGE_ERRORS } from '../../src/parsers/edifact/message-validator';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { MAX_SEGMENT_ERRORS } from '../../src/parsers/x12/set-validator';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { requireProfiles } from '../../src/partners/require-profiles';
import { edifactContext } from '../../src/pipeline/edifact-inspect';
import { PROFILES } from '../helpers';
import { readEdifact, readX12 } from '../peer-readers';

/**
 * A set or message with a great many bad segments (found by fuzzing: a million segment terminators
 * in a row took 733 MB and printed 50 MB of errors) keeps its first errors, counts the rest, and
 * is still rejected; its acknowledgment lists the kept ones.
 */
const partners = requireProfiles(PROFILES);
const config = GatewayConfigSchema.parse({ home: '/tmp', profilesDir: PROFILES });
const sample = (partner: string, file: string) => fs.readFileSync(path.join(PROFILES, partner, 'samples', 'inbound', file), 'latin1');
/** The sample with `n` empty segments (a terminator each) after the first segment that starts with `after`. */
function withEmptySegments(text: string, after: string, terminator: string, n: number): Buffer {
  const at = text.indexOf(terminator, text.indexOf(after)) + 1;
  return Buffer.from(text.slice(0, at) + terminator.repeat(n) + text.slice(at), 'latin1');
}

describe('error caps', () => {
  const bad = 1500;

  it('X12: a set keeps its first segment errors, counts the rest, and its 997 lists the kept ones', () => {
    const bytes = withEmptySegments(sample('acme-retail', '850-store-order.edi'), 'PO1', '~', bad);
    const result = validateX12Bytes(bytes, { self: config.self.x12, partners });
    const set = result.report.interchanges[0].groups[0].sets[0];
    expect(set.status).toBe('rejected');
    const segmentErrors = set.errors.filter((e) => e.position !== undefined);
    expect(segmentErrors).toHaveLength(MAX_SEGMENT_ERRORS);
    expect(set.errorsOmitted).toBe(bad - MAX_SEGMENT_ERRORS);
    expect(segmentErrors[0]).toMatchObject({ code: '1', message: "unrecognized segment ID ''" });

    const acks = buildX12Acks(result.interchanges[0], { self: config.self.x12, partner: partners.get('acme-retail')!, controlNumbers: { interchange: 1, group: 1 }, now: new Date() });
    const ack = readX12(acks.text!);
    const segments = ack.functionalGroups[0].transactions[0].segments;
    expect(segments.filter((s) => s.tag === 'AK3')).toHaveLength(MAX_SEGMENT_ERRORS);
    expect(segments.find((s) => s.tag === 'AK5')!.elements[0].value).toBe('R');
  });

  it('X12: a set with fewer errors than the cap lists them all and omits nothing', () => {
    const bytes = withEmptySegments(sample('acme-retail', '850-store-order.edi'), 'PO1', '~', 3);
    const set = validateX12Bytes(bytes, { self: config.self.x12, partners }).report.interchanges[0].groups[0].sets[0];
    expect(set.errors.filter((e) => e.position !== undefined)).toHaveLength(3);
    expect(set.errorsOmitted).toBeUndefined();
  });

  it('EDIFACT: a message keeps its first errors, counts the rest, and its CONTRL lists the kept ones', () => {
    const bytes = withEmptySegments(sample('nordmart', 'ORDERS-dc-order.edi'), 'QTY', "'", bad);
    const result = validateEdifactBytes(bytes, edifactContext(config, partners));
    const message = result.report.interchanges[0].groups[0].sets[0];
    expect(message.status).toBe('rejected');
    expect(message.errors.filter((e) => e.position !== undefined)).toHaveLength(MAX_MESSAGE_ERRORS);
    expect(message.errorsOmitted).toBe(bad - MAX_MESSAGE_ERRORS);

    const contrl = buildContrl(result.interchanges[0], { self: config.self.edifact, partner: partners.get('nordmart')!, controlNumbers: { interchange: 1, message: 1 }, now: new Date() });
    const segments = readEdifact(contrl.text!);
    expect(segments.filter((s) => s.name === 'UCS')).toHaveLength(MAX_MESSAGE_ERRORS);
  });
});
