'use strict';
// Writes an X12 004010 interchange of `sets` 850 transaction sets (about 10 segments each) to a file,
// streaming, so that a 1 GB file needs no memory.
const fs = require('fs');

function set850(n) {
  const ctl = String(n).padStart(4, '0');
  const segs = [
    `ST*850*${ctl}`, `BEG*00*SA*PO${n}**20261127`, 'REF*DP*038', 'DTM*002*20261214',
    'N1*ST*XYZ RETAIL STORE 42*92*0042', 'N3*31875 SOLON RD', 'N4*SOLON*OH*44139',
    `PO1*1*120*EA*9.25**UP*0${String(n % 1e11).padStart(11, '0')}*VN*AB3542`, 'PID*F****SMALL WIDGET',
    `PO1*2*24*CA*13.79**UP*0${String((n + 7) % 1e11).padStart(11, '0')}*VN*RD5322`, 'CTT*2',
  ];
  segs.push(`SE*${segs.length + 1}*${ctl}`);
  return segs.join('~\n') + '~\n';
}

async function writeX12File(file, sets) {
  const out = fs.createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*000000417*0*P*>~\n');
  // GE01 holds at most 6 digits: a big file is split into groups of 100,000 sets.
  const perGroup = 100_000;
  const groups = Math.ceil(sets / perGroup);
  for (let g = 1; g <= groups; g++) {
    await write(`GS*PO*ACMERETAIL*ODOODIST*20261127*1200*${g}*X*004010~\n`);
    const from = (g - 1) * perGroup + 1;
    const to = Math.min(sets, g * perGroup);
    let chunk = '';
    for (let i = from; i <= to; i++) {
      chunk += set850(i);
      if (chunk.length > 1 << 20) { await write(chunk); chunk = ''; }
    }
    await write(`${chunk}GE*${to - from + 1}*${g}~\n`);
  }
  await write(`IEA*${groups}*000000417~\n`);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return fs.statSync(file).size;
}

module.exports = { writeX12File };
