import { browse, createRecords, touchRecords } from '../orm/records';
import type { Env } from '../orm/types';
import type { Row } from '../store';

/**
 * Reservation, quants, naming and picking state (Odoo 17/18 stock): shared by sale (confirm),
 * purchase (receipts), picking actions and validation.
 */

/** Picking name from its operation type: WH/OUT/00001 (ir.sequence per type, 5 digits). */
export function pickingName(env: Env, typeId: number): string {
  const type = env.db.get('stock.picking.type', typeId)!;
  const wh = type.warehouse_id ? env.db.get('stock.warehouse', type.warehouse_id as number) : undefined;
  const prefix = `${wh ? `${wh.code as string}/` : ''}${type.sequence_code as string}/`;
  return `${prefix}${String(env.db.nextSequence(`stock.picking.${typeId}`)).padStart(5, '0')}`;
}


export function syncMoveLine(env: Env, move: Row): void {
  const lines = env.db.where('stock.move.line', 'move_id', move.id);
  const qty = move.quantity as number;
  if (!lines.length && qty > 0) {
    createRecords({ ...env, context: {} }, 'stock.move.line', [{
      move_id: move.id, picking_id: move.picking_id, product_id: move.product_id, quantity: qty, picked: move.picked,
      product_uom_id: move.product_uom, location_id: move.location_id, location_dest_id: move.location_dest_id,
    }]);
    return;
  }
  if (lines.length) {
    const [first, ...others] = lines;
    const rest = others.reduce((s, l) => s + (l.quantity as number), 0);
    env.db.update('stock.move.line', first.id, { quantity: Math.max(0, qty - rest), picked: move.picked, write_date: env.stamp });
    for (const l of others) env.db.update('stock.move.line', l.id, { picked: move.picked });
  }
}

function quantAt(env: Env, productId: number, locationId: number): Row {
  return env.db.where('stock.quant', 'product_id', productId).find((q) => q.location_id === locationId)
    ?? createRecords({ ...env, context: {} }, 'stock.quant', [{ product_id: productId, location_id: locationId }])[0];
}

function isInternal(env: Env, locationId: number): boolean {
  return env.db.get('stock.location', locationId)?.usage === 'internal';
}

/** Reserves what the source location has free; a move's `_reserved` remembers its share of the quant. */
export function reserveMoves(env: Env, moves: Row[]): void {
  for (const m of moves) {
    if (['done', 'cancel', 'draft'].includes(m.state as string)) continue;
    const need = (m.product_uom_qty as number) - (m.quantity as number);
    let take = need;
    if (isInternal(env, m.location_id as number) && need > 0) {
      const q = quantAt(env, m.product_id as number, m.location_id as number);
      take = Math.max(0, Math.min(need, (q.quantity as number) - (q.reserved_quantity as number)));
      env.db.update('stock.quant', q.id, { reserved_quantity: (q.reserved_quantity as number) + take });
    }
    const quantity = (m.quantity as number) + Math.max(0, take);
    env.db.update('stock.move', m.id, {
      quantity, _reserved: ((m._reserved as number) ?? 0) + Math.max(0, take), write_date: env.stamp,
      state: quantity >= (m.product_uom_qty as number) ? 'assigned' : quantity > 0 ? 'partially_available' : 'confirmed',
    });
    syncMoveLine(env, env.db.get('stock.move', m.id)!);
  }
}

/** Gives a move's reservation back to its quant (before it is done or cancelled). */
export function unreserveMove(env: Env, m: Row): void {
  const reserved = (m._reserved as number) ?? 0;
  if (reserved > 0 && isInternal(env, m.location_id as number)) {
    const q = quantAt(env, m.product_id as number, m.location_id as number);
    env.db.update('stock.quant', q.id, { reserved_quantity: Math.max(0, (q.reserved_quantity as number) - reserved) });
  }
  env.db.update('stock.move', m.id, { _reserved: 0 });
}

/** Moves the stock: out of the source quant, into the destination quant when it is internal. */
export function applyMoveToQuants(env: Env, m: Row, qty: number): void {
  if (isInternal(env, m.location_id as number)) {
    const q = quantAt(env, m.product_id as number, m.location_id as number);
    env.db.update('stock.quant', q.id, { quantity: (q.quantity as number) - qty, write_date: env.stamp });
  }
  if (isInternal(env, m.location_dest_id as number)) {
    const q = quantAt(env, m.product_id as number, m.location_dest_id as number);
    env.db.update('stock.quant', q.id, { quantity: (q.quantity as number) + qty, write_date: env.stamp });
  }
}

/** stock.picking _compute_state (17/18, move_type 'direct'). */
export function recomputePickingState(env: Env, pickingId: number): void {
  const p = env.db.get('stock.picking', pickingId);
  if (!p) return;
  const moves = env.db.where('stock.move', 'picking_id', pickingId);
  const states = moves.map((m) => m.state as string);
  let state: string;
  if (!moves.length || states.some((s) => s === 'draft')) state = 'draft';
  else if (states.every((s) => s === 'cancel')) state = 'cancel';
  else if (states.every((s) => s === 'done' || s === 'cancel')) state = 'done';
  else if (states.some((s) => s === 'assigned' || s === 'partially_available')) state = 'assigned';
  else state = 'confirmed';
  if (state !== p.state) touchRecords(env, 'stock.picking', [pickingId], { state });
}

export function confirmPickings(env: Env, ids: number[]): void {
  for (const p of browse(env, 'stock.picking', ids)) {
    const moves = env.db.where('stock.move', 'picking_id', p.id).filter((m) => m.state === 'draft');
    for (const m of moves) env.db.update('stock.move', m.id, { state: 'confirmed', write_date: env.stamp });
    reserveMoves(env, moves.map((m) => env.db.get('stock.move', m.id)!));
    recomputePickingState(env, p.id);
  }
}

export function assignPickings(env: Env, ids: number[]): void {
  for (const p of browse(env, 'stock.picking', ids)) {
    if (p.state === 'draft') confirmPickings(env, [p.id]);
    reserveMoves(env, env.db.where('stock.move', 'picking_id', p.id));
    recomputePickingState(env, p.id);
  }
}

export function cancelPickings(env: Env, ids: number[]): void {
  for (const p of browse(env, 'stock.picking', ids)) {
    if (p.state === 'done') continue;
    for (const m of env.db.where('stock.move', 'picking_id', p.id).filter((x) => x.state !== 'done')) {
      unreserveMove(env, m);
      env.db.update('stock.move', m.id, { state: 'cancel', quantity: 0, write_date: env.stamp });
      syncMoveLine(env, env.db.get('stock.move', m.id)!);
    }
    recomputePickingState(env, p.id);
  }
}

