import type { OrderAck } from '../../canonical';
import { dtm, lineIds, nad, num, units, type EdiSeg, type EdifactRenderContext } from './render-common';

/** BGM 1225: 29 accepted as sent, 4 accepted with changes, 27 not accepted. */
const FUNCTION = { accepted: '29', accepted_with_changes: '4', rejected: '27' } as const;
/** LIN 1229: 5 accepted without amendment, 3 changed, 7 not accepted; a price or a backorder is a change. */
const LINE_ACTION = { accepted: '5', changed: '3', price_changed: '3', rejected: '7', backordered: '3' } as const;

/** OrderAck -> ORDRSP body (D96A / EANCOM shape): the order answered, line by line. */
export function renderOrdrsp(doc: OrderAck, ctx: EdifactRenderContext): EdiSeg[] {
  const body: EdiSeg[] = [
    ['BGM', '231', doc.orderNumber ?? doc.poNumber, FUNCTION[doc.status]],
    ...dtm('137', doc.ackDate),
    ['RFF', ['ON', doc.poNumber]],
    ...dtm('171', doc.poDate),
    ...nad('BY', undefined, ctx.profile.identifiers.edifact[0]?.id),
    ...nad('SU', undefined, ctx.self.id),
    ...nad('DP', doc.shipTo),
  ];
  if (doc.currency) body.push(['CUX', ['2', doc.currency, '9']]);
  for (const line of doc.lines) {
    const ids = lineIds(ctx.profile, line);
    const u = units(ctx.profile, line.uom, [line.orderedQuantity, line.quantity], line.unitPrice, ids.uom);
    body.push(['LIN', line.lineNumber, LINE_ACTION[line.status], ids.lin], ...ids.pia,
      ['QTY', ['21', num(u.quantities[0]), u.uom]]);
    if (line.status !== 'accepted') body.push(['QTY', ['113', num(u.quantities[1]), u.uom]]);
    body.push(...dtm('2', line.scheduledDate));
    if (u.unitPrice !== undefined) body.push(['PRI', ['AAA', num(u.unitPrice)]]);
  }
  body.push(['UNS', 'S'], ['CNT', ['2', String(doc.lines.length)]]);
  return body;
}
