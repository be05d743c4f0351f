'use strict';
// Throughput against input size, drawn from the results table of BENCHMARKS.md as a hand-written
// SVG (no charting dependency): left, X12 and EDIFACT parse + validate in MB/s against the input's
// MB, beside their peers (node-x12, the `edifact` package) where the table has them; right, the
// pipeline's documents/s against the number of files, one series per store and process count.
// x axes are logarithmic (inputs go from 1 MB to 1 GB, 200 to 3,000 files); y axes are linear from 0.
// `node bench/chart.js` redraws it from the file; bench/run.js calls writeChart after each run.
const fs = require('fs');
const path = require('path');

/** The results table's rows: bench, metric, value (number), unit, input, peer {name, value} or undefined. */
function tableRows(markdown) {
  const table = markdown.split(/\n## /)[0];
  const rows = [];
  for (const line of table.split('\n')) {
    if (!/^\| [a-z0-9-]+ \|/.test(line) || line.startsWith('| bench |')) continue;
    const [bench, metric, value, input, peer] = line.split('|').slice(1, -1).map((c) => c.trim());
    const v = /^(-?[\d.]+) (.+)$/.exec(value);
    if (!v) continue;
    // The peer cell is `name: value unit`, the name itself possibly holding colons.
    const p = /^(.*): (-?[\d.]+) (\S.*)$/.exec(peer);
    rows.push({ bench, metric, value: Number(v[1]), unit: v[2], input, peer: p ? { name: p[1], value: Number(p[2]) } : undefined });
  }
  return rows;
}

/** Points of one series, sorted by x; the same x twice (two runs kept) keeps the later row. */
function series(name, points, style) {
  const byX = new Map();
  for (const pt of points) if (pt.x > 0 && Number.isFinite(pt.y)) byX.set(pt.x, pt);
  return { name, style, points: [...byX.values()].sort((a, b) => a.x - b.x) };
}

/** The chart's series from the table's rows. */
function chartSeries(rows) {
  const mb = (input) => Number(/\(([\d.]+) MB\)/.exec(input)?.[1] ?? NaN);
  const parsers = [];
  for (const [bench, label, peerLabel, colour] of [['x12-validate', 'X12 validate (ours)', 'node-x12 stream parse', '#1f77b4'], ['edifact-validate', 'EDIFACT validate (ours)', 'edifact event parser', '#d62728']]) {
    // The 1-message rows measure start-up, not throughput (0.0 MB): a log axis has no place for them.
    const own = rows.filter((r) => r.bench === bench && r.metric === 'throughput' && mb(r.input) > 0);
    parsers.push(series(label, own.map((r) => ({ x: mb(r.input), y: r.value })), { colour, dash: false }));
    parsers.push(series(`${peerLabel} (peer, no validation)`, own.filter((r) => r.peer).map((r) => ({ x: mb(r.input), y: r.peer.value })), { colour, dash: true }));
  }
  const pipeline = new Map();
  for (const r of rows.filter((x) => x.bench === 'pipeline' && x.metric === 'throughput')) {
    const m = /^(\d+) files, store (\w+), (\d+) process/.exec(r.input);
    if (!m) continue;
    const key = `${m[2] === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${m[3]} process${m[3] === '1' ? '' : 'es'}`;
    pipeline.set(key, [...(pipeline.get(key) ?? []), { x: Number(m[1]), y: r.value }]);
  }
  const colours = { 'PGlite, 1 process': '#2ca02c', 'PGlite, 3 processes': '#8c564b', 'PostgreSQL, 1 process': '#9467bd', 'PostgreSQL, 3 processes': '#ff7f0e' };
  const docs = [...pipeline].sort(([a], [b]) => a.localeCompare(b)).map(([key, pts]) => series(key, pts, { colour: colours[key] ?? '#7f7f7f', dash: false }));
  return {
    parsers: parsers.filter((s) => s.points.length),
    pipeline: docs.filter((s) => s.points.length),
  };
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v) => (v >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(+v.toPrecision(3)));

/** A y maximum a little above the data, on a round step, and its ticks. */
function yScale(max) {
  const raw = Math.max(max, 1e-9) * 1.1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => raw / s <= 6) ?? 10 * mag;
  const top = Math.ceil(raw / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(+v.toPrecision(6));
  return { top, ticks };
}

/** One panel: axes, grid, ticks, series (polyline and a marker per point) and a legend below. */
function panel({ x0, y0, w, h, title, xLabel, yLabel, list }) {
  const out = [`<g class="panel">`, `<text x="${x0 + w / 2}" y="${y0 - 14}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`];
  const pts = list.flatMap((s) => s.points);
  if (!pts.length) {
    out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
      `<text x="${x0 + w / 2}" y="${y0 + h / 2}" text-anchor="middle" font-size="12" fill="#666">no rows in the table yet</text>`, '</g>');
    return out.join('\n');
  }
  // A little room either side of the data; labels at 1, 2 and 5 x 10^e, minor ticks between.
  const lo = Math.log10(Math.min(...pts.map((p) => p.x))) - 0.15;
  const hi = Math.max(lo + 0.6, Math.log10(Math.max(...pts.map((p) => p.x))) + 0.15);
  const { top, ticks } = yScale(Math.max(...pts.map((p) => p.y)));
  const X = (x) => x0 + (Math.log10(x) - lo) / (hi - lo) * w;
  const Y = (y) => y0 + h - (y / top) * h;
  const f = (v) => v.toFixed(1);
  for (const t of ticks) {
    out.push(`<line x1="${x0}" y1="${f(Y(t))}" x2="${x0 + w}" y2="${f(Y(t))}" stroke="#e5e5e5"/>`,
      `<text x="${x0 - 6}" y="${f(Y(t) + 4)}" text-anchor="end" font-size="11">${num(t)}</text>`);
  }
  // Ticks at every m x 10^e in range; labels at powers of ten first, then at 2 and 5 (or, under
  // about a decade, any multiple), each only where it keeps 30 px from the labels already placed.
  const ticks10 = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (let m = 1; m <= 9; m++) if (Math.log10(m * 10 ** e) >= lo && Math.log10(m * 10 ** e) <= hi) ticks10.push({ v: m * 10 ** e, m });
  }
  const rank = (m) => (m === 1 ? 0 : m === 2 || m === 5 ? 1 : hi - lo < 1.2 ? 2 : 3);
  const labelled = [];
  for (const t of [...ticks10].sort((a, b) => rank(a.m) - rank(b.m))) {
    if (rank(t.m) < 3 && labelled.every((x) => Math.abs(X(x) - X(t.v)) >= 30)) labelled.push(t.v);
  }
  for (const { v, m } of ticks10) {
    const x = f(X(v));
    if (labelled.includes(v)) {
      out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + h}" stroke="${m === 1 ? '#d5d5d5' : '#eeeeee'}"/>`,
        `<text x="${x}" y="${y0 + h + 16}" text-anchor="middle" font-size="11">${num(v)}</text>`);
    }
    out.push(`<line x1="${x}" y1="${y0 + h}" x2="${x}" y2="${y0 + h + (m === 1 ? 6 : 3)}" stroke="#333"/>`);
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
    `<text x="${x0 + w / 2}" y="${y0 + h + 36}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text transform="translate(${x0 - 48} ${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`);
  list.forEach((s, i) => {
    const dash = s.style.dash ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="series" data-name="${esc(s.name)}">`,
      `<polyline fill="none" stroke="${s.style.colour}" stroke-width="2"${dash} points="${s.points.map((p) => `${f(X(p.x))},${f(Y(p.y))}`).join(' ')}"/>`,
      ...s.points.map((p) => `<circle cx="${f(X(p.x))}" cy="${f(Y(p.y))}" r="3.5" fill="${s.style.dash ? '#fff' : s.style.colour}" stroke="${s.style.colour}" stroke-width="1.5"><title>${esc(`${s.name}: ${num(p.y)} at ${num(p.x)}`)}</title></circle>`),
      '</g>');
    const ly = y0 + h + 56 + i * 18;
    out.push(`<line x1="${x0}" y1="${ly}" x2="${x0 + 28}" y2="${ly}" stroke="${s.style.colour}" stroke-width="2"${dash}/>`,
      `<circle cx="${x0 + 14}" cy="${ly}" r="3.5" fill="${s.style.dash ? '#fff' : s.style.colour}" stroke="${s.style.colour}" stroke-width="1.5"/>`,
      `<text x="${x0 + 36}" y="${ly + 4}" font-size="12">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** The whole SVG for the given table rows. */
function chartSvg(rows, { machine = '' } = {}) {
  const { parsers, pipeline } = chartSeries(rows);
  const legendRows = Math.max(parsers.length, pipeline.length);
  const W = 1000;
  const H = 60 + 300 + 60 + legendRows * 18 + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    '<title>edi-gateway: throughput against input size</title>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    panel({ x0: 80, y0: 50, w: 380, h: 300, title: 'Parse + validate, one process', xLabel: 'input (MB, log scale)', yLabel: 'MB/s', list: parsers }),
    panel({ x0: 580, y0: 50, w: 380, h: 300, title: 'End to end through the daemon (pipeline)', xLabel: 'one-order files dropped at once (log scale)', yLabel: 'documents/s', list: pipeline }),
    `<text x="${W / 2}" y="${H - 10}" text-anchor="middle" font-size="11" fill="#555">${esc(`From the table of BENCHMARKS.md${machine ? `; ${machine}` : ''}. Hollow markers, dashed: the peer on the same file.`)}</text>`,
    '</svg>', '',
  ].join('\n');
}

/** Reads BENCHMARKS.md, writes the SVG; returns the series drawn (for the caller's log). */
function writeChart(markdownFile = path.join(__dirname, '..', 'BENCHMARKS.md'), svgFile = path.join(__dirname, '..', 'docs', 'benchmarks-throughput.svg')) {
  const text = fs.readFileSync(markdownFile, 'utf8');
  const machine = /^Last run on: (.*)\.$/m.exec(text)?.[1] ?? '';
  const rows = tableRows(text);
  fs.mkdirSync(path.dirname(svgFile), { recursive: true });
  fs.writeFileSync(svgFile, chartSvg(rows, { machine }));
  const { parsers, pipeline } = chartSeries(rows);
  return [...parsers, ...pipeline].map((s) => `${s.name}: ${s.points.length} point(s)`);
}

module.exports = { tableRows, chartSeries, chartSvg, writeChart };

if (require.main === module) {
  for (const line of writeChart(...process.argv.slice(2))) console.log(line);
}
