import type { OrderAck, OrderAckLine } from '../../canonical';
import { n1Loop, partnerLine, text, type RenderSeg, type SetRenderer } from './render-common';

/** BAK02: AD acknowledged as sent, AC with changes, RD rejected (both with detail: we send lines). */
const ACK_TYPE: Record<OrderAck['status'], string> = { accepted: 'AD', accepted_with_changes: 'AC', rejected: 'RD' };
/** ACK01 line item status; IP: accepted at another price (PO104 carries the price Odoo holds). */
const LINE_STATUS: Record<OrderAckLine['status'], string> = { accepted: 'IA', changed: 'IC', price_changed: 'IP', rejected: 'IR', backordered: 'IB' };

/**
 * OrderAck -> 855: BAK, CUR, REF*VN (our order), N1*ST, then per line PO1 (as ordered, in the
 * partner's unit and ids), PID, ACK (what we will ship, with DTM-qualifier 068 scheduled ship
 * date in ACK04/05), and CTT with the line count.
 */
export const render855: SetRenderer<OrderAck> = (doc, ctx) => {
  const segs: RenderSeg[] = [
    // BAK04 is the PO date; an ack for a PO that gave none carries the ack date there too.
    ['BAK', '00', ACK_TYPE[doc.status], doc.poNumber, doc.poDate ?? doc.ackDate, undefined, undefined, undefined, undefined, doc.ackDate],
  ];
  if (doc.currency) segs.push(['CUR', 'SE', doc.currency]);
  if (doc.orderNumber) segs.push(['REF', 'VN', doc.orderNumber]);
  segs.push(...n1Loop('ST', doc.shipTo));
  for (const line of doc.lines) {
    const item = partnerLine(ctx.profile, line, line.uom, [line.orderedQuantity, line.quantity], line.unitPrice);
    const [ordered, acked] = item.units.quantities;
    segs.push(['PO1', line.lineNumber, ordered, item.units.uom, item.units.unitPrice, undefined, ...item.pairs]);
    if (line.description) segs.push(['PID', 'F', undefined, undefined, undefined, text(line.description, 80)]);
    segs.push(['ACK', LINE_STATUS[line.status], acked, item.units.uom, line.scheduledDate ? '068' : undefined, line.scheduledDate]);
  }
  segs.push(['CTT', doc.lines.length]);
  return segs;
};
