import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { applyEdifactOp, parseEdifact, renderEdifact } from './edifact-mutate';
import { seedsOf } from './seeds';
import { applyX12Op, parseX12, renderX12 } from './x12-mutate';

/**
 * The mutators themselves: a seed with no change is written back byte for byte (so every change a
 * case makes is the one its plan names), and a consistent change of delimiters keeps a valid
 * interchange valid (the mutators really work on the structure, not on bytes that look like it).
 */
describe('fuzz mutators', () => {
  it('have seeds of every kind', () => {
    for (const kind of ['x12', 'edifact', 'xml', 'json'] as const) expect({ kind, seeds: seedsOf(kind).length > 0 }).toEqual({ kind, seeds: true });
  });

  it('write every X12 and EDIFACT seed back unchanged', () => {
    const changed = [
      ...seedsOf('x12').filter((s) => renderX12(parseX12(s.bytes.toString('latin1'))) !== s.bytes.toString('latin1')),
      ...seedsOf('edifact').filter((s) => renderEdifact(parseEdifact(s.bytes.toString('latin1'))) !== s.bytes.toString('latin1')),
    ].map((s) => s.name);
    expect(changed).toEqual([]);
  });

  it('other X12 delimiters, used consistently, leave a valid interchange valid', () => {
    const valid = seedsOf('x12').filter((s) => s.origin === 'own' && validateX12Bytes(s.bytes, {}).report.ok);
    expect(valid.length).toBeGreaterThan(0);
    for (const s of valid) {
      const doc = parseX12(s.bytes.toString('latin1'));
      applyX12Op(doc, { op: 'redelimit', el: '|', comp: ':', term: '\x1e', rep: '!', lead: '\r\n' });
      const bytes = Buffer.from(renderX12(doc), 'latin1');
      expect({ seed: s.name, changed: !bytes.equals(s.bytes), ok: validateX12Bytes(bytes, {}).report.ok }).toEqual({ seed: s.name, changed: true, ok: true });
    }
  });

  it('other EDIFACT service characters, declared in a UNA and used consistently, leave an interchange as valid as it was', () => {
    const statuses = (bytes: Buffer) => {
      const r = validateEdifactBytes(bytes, {}).report;
      return { ok: r.ok, messages: r.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets.map((m) => m.status))) };
    };
    for (const s of seedsOf('edifact').filter((x) => x.origin === 'own')) {
      const doc = parseEdifact(s.bytes.toString('latin1'));
      applyEdifactOp(doc, { op: 'una', mode: 'consistent', chars: ['|', '*', '.', '!', ' ', '~'] });
      const bytes = Buffer.from(renderEdifact(doc), 'latin1');
      expect({ seed: s.name, changed: !bytes.equals(s.bytes), ...statuses(bytes) }).toEqual({ seed: s.name, changed: true, ...statuses(s.bytes) });
    }
  });
});
