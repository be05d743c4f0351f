'use strict';
// An X12 004010 interchange of `orders` 850 purchase orders from ACME Retail (the acme-retail
// profile), every order with its own PO number, one of ACME's two stores and two of its three
// items (so that every order writes into the sandbox Odoo). About 570 bytes an order: 88,000
// orders make a 50 MB file. Written streaming, so the file's size needs no memory.
const fs = require('fs');

const ITEMS = [['012345678905', 'ODW-1001', 'A100234'], ['012345678912', 'ODW-1002', 'A100235'], ['012345678929', 'ODW-1003', 'A100236']];
const STORES = ['0042', '0077'];

function set850(n, po) {
  const ctl = String(n).padStart(4, '0');
  const [a, b] = [ITEMS[n % 3], ITEMS[(n + 1) % 3]];
  const store = STORES[n % 2];
  const segs = [
    `ST*850*${ctl}`, `BEG*00*SA*${po}**20261120`, 'CUR*BY*USD', 'REF*DP*042', 'REF*IA*V12345', 'PER*BD*JANE BUYER*TE*5555550100',
    'ITD*01*3*2**30**60*****2% 30 NET 60', 'DTM*002*20261205', 'DTM*001*20261215', 'TD5*O*2*UPSN*M*UPS GROUND',
    `N1*ST*ACME STORE ${store}*92*${store}`, 'N3*1200 MAIN STREET', 'N4*SPRINGFIELD*IL*62701*US',
    'N1*BT*ACME RETAIL ACCOUNTS PAYABLE*92*9000', 'N3*PO BOX 4400', 'N4*SPRINGFIELD*IL*62708*US',
    `PO1*1*${(n % 40) + 1}*EA*12.5*PE*UP*${a[0]}*VN*${a[1]}*IN*${a[2]}`, 'PID*F****RED WIDGET 12 INCH',
    `PO1*2*${(n % 7) + 1}*EA*4.25*PE*UP*${b[0]}*VN*${b[1]}*IN*${b[2]}`, 'PID*F****BLUE WIDGET',
    'CTT*2',
  ];
  segs.push(`SE*${segs.length + 1}*${ctl}`);
  return `${segs.join('~\n')}~\n`;
}

/** Writes the file; `prefix` keeps PO numbers of different runs apart. Returns its size in bytes. */
async function writeOrdersFile(file, orders, { control = '000000850', prefix = 'BP' } = {}) {
  const out = fs.createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(`ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261120*0930*U*00401*${control}*0*P*>~\n`);
  const perGroup = 100_000; // GE01 holds at most 6 digits
  const groups = Math.ceil(orders / perGroup);
  for (let g = 1; g <= groups; g++) {
    await write(`GS*PO*ACMERETAIL*ODOODIST*20261120*0930*${g}*X*004010~\n`);
    const from = (g - 1) * perGroup + 1;
    const to = Math.min(orders, g * perGroup);
    let chunk = '';
    for (let i = from; i <= to; i++) {
      chunk += set850(i, `${prefix}${String(i).padStart(7, '0')}`);
      if (chunk.length > 1 << 20) { await write(chunk); chunk = ''; }
    }
    await write(`${chunk}GE*${to - from + 1}*${g}~\n`);
  }
  await write(`IEA*${groups}*${control}~\n`);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return fs.statSync(file).size;
}

module.exports = { writeOrdersFile };

if (require.main === module) {
  const [file, n] = process.argv.slice(2);
  writeOrdersFile(file, Number(n)).then((size) => console.log(`${file}: ${n} orders, ${size} bytes`));
}
