'use strict';
// ORDERS D96A EAN008 messages from nordmart to us, in one interchange: the input of the EDIFACT benchmark.
const fs = require('fs');

const HEAD = "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+BENCH1'\n";

const WORDS = ['ORGANIC', 'WHOLE', 'MILK', 'BUTTER', 'COFFEE', 'BEANS', 'DARK', 'ROAST', 'PASTA', 'FUSILLI', 'TOMATO', 'SAUCE', 'OLIVE', 'OIL',
  'EXTRA', 'VIRGIN', 'RYE', 'BREAD', 'SLICED', 'CHEESE', 'AGED', 'GOUDA', 'APPLE', 'JUICE', 'CLOUDY', 'SEA', 'SALT', 'FLAKES'];

/**
 * One ORDERS message of about `bytes` bytes, unique by n, shaped like the real EANCOM orders in
 * the public samples (parties with names and addresses; lines with LIN, PIA, IMD, QTY, PRI):
 * segments average about 25 bytes, as they do there.
 */
function ordersMessage(n, bytes = 1800) {
  const head = [`UNH+${n}+ORDERS:D:96A:UN:EAN008'`, `BGM+220+PO${n}+9'`, "DTM+137:20261127:102'", "DTM+2:20261201:102'",
    `RFF+CT:NORDMART-2026-${n % 1000}'`,
    "NAD+BY+5412345000013::9++NORDMART RETAIL AB+STORGATAN 12+STOCKHOLM++11122+SE'", "CTA+PD+:PURCHASING'", "COM+4687001234:TE'",
    "NAD+SU+5790000000001::9++ODOO DISTRIBUTION AS+INDUSTRIVEJ 7+AARHUS++8000+DK'",
    "NAD+DP+5412345000020::9++NORDMART DC SOUTH+LAGERVAGEN 4+MALMO++21124+SE'", "CUX+2:EUR:9'"];
  const lines = [];
  let size = head.join('\n').length + 60;
  let i = 0;
  while (size < bytes - 60) {
    i++;
    const k = n * 131 + i;
    const gtin = String(4000000000000 + (k % 999999999)).padStart(13, '0');
    const words = `${WORDS[k % WORDS.length]} ${WORDS[(k >> 3) % WORDS.length]} ${WORDS[(k >> 6) % WORDS.length]} ${(k % 900) + 100}G`;
    const line = [`LIN+${i}++${gtin}:EN'`, `PIA+1+${60000 + (k % 9999)}:SA'`, `IMD+F++:::${words}'`, `QTY+21:${(i % 40) + 1}:PCE'`,
      `PRI+AAA:${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}'`];
    lines.push(...line);
    size += line.join('\n').length + 5;
  }
  const body = [...head, ...lines, "UNS+S'", `CNT+2:${i}'`];
  return `${[...body, `UNT+${body.length + 1}+${n}'`].join('\n')}\n`;
}

/** Writes an interchange of n ORDERS messages; returns its size in bytes. */
async function writeEdifactFile(file, n) {
  const out = fs.createWriteStream(file);
  let bytes = 0;
  const write = (s) => { bytes += Buffer.byteLength(s); return out.write(s) ? undefined : new Promise((r) => out.once('drain', r)); };
  await write(HEAD);
  let batch = '';
  for (let i = 1; i <= n; i++) {
    batch += ordersMessage(i);
    if (batch.length > 1 << 20) { await write(batch); batch = ''; }
  }
  await write(`${batch}UNZ+${n}+BENCH1'\n`);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return bytes;
}

module.exports = { writeEdifactFile, ordersMessage };
