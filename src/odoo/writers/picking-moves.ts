import type { WarehouseAdvice } from '../../canonical';

export interface MoveRow {
  id: number;
  product_id: [number, string] | false;
  product_uom_qty: number;
}

/**
 * Shipped quantities per stock.move: each product's shipped total goes to its moves in order,
 * each move taking up to its demand and the last one the rest. A product of the picking that the
 * advice does not name shipped 0. Pure. `productOf` is the product id of each advice line.
 */
export function shippedPerMove(advice: WarehouseAdvice, productOf: Map<number, number>, moves: MoveRow[]): { quantities: Map<number, number>; unknown: string[] } {
  const shipped = new Map<number, number>();
  advice.lines.forEach((line, i) => {
    const product = productOf.get(i)!;
    shipped.set(product, (shipped.get(product) ?? 0) + line.shippedQuantity);
  });
  const quantities = new Map<number, number>();
  const byProduct = new Map<number, MoveRow[]>();
  for (const m of moves) {
    const product = m.product_id ? m.product_id[0] : 0;
    byProduct.set(product, [...(byProduct.get(product) ?? []), m]);
  }
  const unknown: string[] = [];
  for (const [product, total] of shipped) {
    const list = byProduct.get(product);
    if (!list) { unknown.push(String(product)); continue; }
    let left = total;
    list.forEach((m, i) => {
      const take = i === list.length - 1 ? left : Math.min(left, m.product_uom_qty);
      quantities.set(m.id, take);
      left -= take;
    });
  }
  for (const m of moves) if (!quantities.has(m.id)) quantities.set(m.id, 0);
  return { quantities, unknown };
}
