import type { Shipment, ShipmentItem } from '../../canonical';
import { dtm, lineIds, nad, num, units, type EdiSeg, type EdifactRenderContext } from './render-common';

const FUNCTION = { original: '9', replace: '5', cancel: '1' } as const;

/**
 * Shipment -> DESADV body (D96A / EANCOM EAN007 shape): header dates and parties, the carrier,
 * then a CPS hierarchy: level 1 the consignment, one level per pack with its SSCC (PCI+33E,
 * GIN+BJ), and the pack's lines under it with QTY+12 and the order they belong to (RFF+ON).
 */
export function renderDesadv(doc: Shipment, ctx: EdifactRenderContext): EdiSeg[] {
  const body: EdiSeg[] = [
    ['BGM', '351', doc.shipmentId, FUNCTION[doc.purpose]],
    ...dtm('137', doc.shipDate),
    ['DTM', ['11', `${doc.shipDate.replace(/-/g, '')}${doc.shipTime ?? ''}`, doc.shipTime ? '203' : '102']],
    ...dtm('17', doc.estimatedDelivery),
  ];
  if (doc.weight) body.push(['MEA', 'PD', 'AAB', [doc.weight.uom === 'LB' ? 'LBR' : doc.weight.uom === 'KG' ? 'KGM' : doc.weight.uom, num(doc.weight.value)]]);
  // SG1: the orders this shipment delivers, then the carrier's references.
  for (const o of doc.orders) body.push(['RFF', ['ON', o.poNumber]]);
  if (doc.billOfLading) body.push(['RFF', ['BM', doc.billOfLading]]);
  if (doc.trackingNumber) body.push(['RFF', ['CN', doc.trackingNumber]]);
  body.push(...nad('BY', undefined, ctx.profile.identifiers.edifact[0]?.id), ...nad('SU', doc.shipFrom?.gln ? doc.shipFrom : undefined, ctx.self.id),
    ...nad('DP', doc.shipTo));
  if (doc.carrier) body.push(['TDT', '20', '', [doc.carrier.mode === 'M' ? '30' : doc.carrier.mode ?? '30'], '', [doc.carrier.scac ?? '', '', '', doc.carrier.name ?? '']]);

  let level = 1;
  let lineNo = 0;
  body.push(['CPS', String(level)]);
  const linesOf = (items: ShipmentItem[], po: string): EdiSeg[] => items.flatMap((item) => {
    const ids = lineIds(ctx.profile, item);
    const u = units(ctx.profile, item.uom, [item.quantity], undefined, ids.uom);
    lineNo++;
    return [['LIN', String(lineNo), '', ids.lin] as EdiSeg, ...ids.pia, ['QTY', ['12', num(u.quantities[0]), u.uom]] as EdiSeg, ['RFF', ['ON', po]] as EdiSeg];
  });
  // Loose items (no pack level) sit under the consignment.
  for (const o of doc.orders) body.push(...linesOf(o.items, o.poNumber));
  for (const o of doc.orders) {
    for (const pack of o.packs) {
      level++;
      body.push(['CPS', String(level), '1'], ['PAC', '1', '', [pack.packaging ?? 'CT']]);
      if (pack.sscc) body.push(['PCI', '33E'], ['GIN', 'BJ', [pack.sscc]]);
      body.push(...linesOf(pack.items, o.poNumber));
    }
  }
  body.push(['CNT', ['2', String(lineNo)]]);
  return body;
}
