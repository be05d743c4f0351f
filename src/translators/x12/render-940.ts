import type { WarehouseOrder } from '../../canonical';
import { n1Loop, partnerLine, text, type RenderSeg, type SetRenderer } from './render-common';

/** W0501 order status (element 473): N original, F cancel, R change. */
const STATUS: Record<WarehouseOrder['purpose'], string> = { original: 'N', cancel: 'F', change: 'R' };

/**
 * W01 ids: a 12-digit UPC goes in W0103 (U.P.C. case code, exactly 12 wide); the other ids as
 * qualifier/id pairs in W0104/05, W0106/07 and W0115/16, the only three pairs W01 has.
 */
function w01Ids(pairs: string[], upc: string | undefined): { upc?: string; pairs: string[]; extra?: [string, string] } {
  const useUpc = upc && /^\d{12}$/.test(upc) ? upc : undefined;
  const rest: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) if (!(useUpc && pairs[i] === 'UP' && pairs[i + 1] === useUpc)) rest.push(pairs[i], pairs[i + 1]);
  return { upc: useUpc, pairs: rest.slice(0, 4), extra: rest.length > 4 ? [rest[4], rest[5]] : undefined };
}

/**
 * WarehouseOrder -> 940: W05, N1 loops (ST ship-to, DE depositor, SF ship-from), N9 references,
 * G62 dates (10 requested ship, 01 cancel after), NTE notes, W66 carrier, then per line LX, W01
 * (quantity and unit as the warehouse counts them, UPC and ids) and G69 description, and W76
 * with the total quantity.
 */
export const render940: SetRenderer<WarehouseOrder> = (doc, ctx) => {
  const segs: RenderSeg[] = [['W05', STATUS[doc.purpose], doc.orderNumber, doc.poNumber]];
  segs.push(...n1Loop('ST', doc.shipTo), ...n1Loop('DE', doc.depositor), ...n1Loop('SF', doc.shipFrom));
  for (const r of doc.references) segs.push(['N9', r.qualifier, r.value, text(r.description, 45)]);
  if (doc.requestedShip) segs.push(['G62', '10', doc.requestedShip]);
  if (doc.cancelAfter) segs.push(['G62', '01', doc.cancelAfter]);
  for (const n of doc.notes) segs.push(['NTE', n.qualifier && n.qualifier.length === 3 ? n.qualifier : undefined, text(n.text, 80)]);
  const c = doc.carrier;
  // W6601/W6602 are mandatory and the canonical order has neither a payment method nor always a
  // mode: PP (prepaid by us, the depositor) and ZZ (mutually defined) say "as agreed".
  if (c && (c.scac || c.mode || c.name)) segs.push(['W66', 'PP', c.mode ?? 'ZZ', undefined, undefined, c.name, undefined, undefined, undefined, undefined, c.scac]);
  let total = 0;
  doc.lines.forEach((line, i) => {
    const item = partnerLine(ctx.profile, line, line.uom, [line.quantity]);
    const ids = w01Ids(item.pairs, item.ids.upc);
    const quantity = item.units.quantities[0];
    total += quantity;
    segs.push(['LX', i + 1]);
    segs.push(['W01', quantity, item.units.uom, ids.upc, ...ids.pairs, ...(ids.extra ? Array(11 - ids.pairs.length).fill(undefined) : []), ...(ids.extra ?? [])]);
    if (line.description) segs.push(['G69', text(line.description, 80)]);
  });
  segs.push(['W76', Number(total.toFixed(6))]);
  return segs;
};
