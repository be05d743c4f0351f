import { escapeLabelValue, renderMetrics } from '../../src/http/prometheus-text';
import { parsePrometheusText, sampleValue } from '../prometheus-text-checker';

describe('the Prometheus text format', () => {
  it('writes label values with backslash, quote and line feed escaped, and reads back the same values', () => {
    const nasty = 'a\\b"c\nd}{,=';
    const text = renderMetrics([
      { name: 'x_total', type: 'counter', help: 'help with \\ and\nline', samples: [{ labels: { partner: nasty, code: '' }, value: 3 }] },
      { name: 'y', type: 'gauge', help: 'g', samples: [{ value: NaN }, { labels: { k: 'inf' }, value: Infinity }, { labels: { k: 'f' }, value: 0.25 }] },
    ]);
    expect(escapeLabelValue(nasty)).toBe('a\\\\b\\"c\\nd}{,=');
    const parsed = parsePrometheusText(text);
    expect(parsed.get('x_total')).toMatchObject({ type: 'counter', help: 'help with \\ and\nline' });
    expect(sampleValue(parsed, 'x_total', { partner: nasty })).toBe(3);
    expect(sampleValue(parsed, 'y', { k: 'inf' })).toBe(Infinity);
    expect(sampleValue(parsed, 'y', { k: 'f' })).toBe(0.25);
    expect(Number.isNaN(parsed.get('y')!.samples[0].value)).toBe(true);
  });

  it('refuses names the format does not allow', () => {
    expect(() => renderMetrics([{ name: 'bad-name', type: 'gauge', help: '', samples: [] }])).toThrow(/not valid/);
    expect(() => renderMetrics([{ name: 'ok', type: 'gauge', help: '', samples: [{ labels: { 'bad-label': 'v' }, value: 1 }] }])).toThrow(/not valid/);
    expect(() => renderMetrics([{ name: 'ok', type: 'gauge', help: '', samples: [{ labels: { __reserved: 'v' }, value: 1 }] }])).toThrow(/not valid/);
  });

  // The checker is what the /metrics tests trust: it must refuse what the format refuses.
  it.each([
    ['no final line feed', '# TYPE a gauge\na 1'],
    ['an unescaped quote', '# TYPE a gauge\na{l="x"y"} 1\n'],
    ['an unknown escape', '# TYPE a gauge\na{l="x\\t"} 1\n'],
    ['a raw line feed in a value', '# TYPE a gauge\na{l="x\n"} 1\n'],
    ['a bad value', '# TYPE a gauge\na 1,5\n'],
    ['no value', '# TYPE a gauge\na{l="x"}\n'],
    ['a label twice', '# TYPE a gauge\na{l="x",l="y"} 1\n'],
    ['the same series twice', '# TYPE a gauge\na{l="x"} 1\na{l="x"} 2\n'],
    ['a family split', '# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{l="y"} 2\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['two TYPE lines', '# TYPE a gauge\n# TYPE a counter\n'],
    ['an unknown type', '# TYPE a meter\n'],
    ['a summary sample without quantile', '# TYPE a summary\na 1\n'],
    ['a bad metric name', '# TYPE a gauge\n1a 1\n'],
    ['a bad timestamp', '# TYPE a gauge\na 1 12.5\n'],
  ])('the checker refuses %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
