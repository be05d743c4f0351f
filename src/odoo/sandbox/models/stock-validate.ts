import { userError } from '../rpc-errors';
import { postMessage } from '../orm/methods';
import { browse, createRecords, touchRecords } from '../orm/records';
import type { Env } from '../orm/types';
import type { Row } from '../store';
import { applyMoveToQuants, confirmPickings, pickingName, recomputePickingState, reserveMoves, unreserveMove } from './stock-reserve';

/**
 * stock.picking.button_validate and the backorder wizard, as in Odoo 17/18
 * (stock/models/stock_picking.py button_validate, _pre_action_done_hook, _action_done;
 * stock/wizard/stock_backorder_confirmation.py):
 * - nothing picked on a picking → every move is marked picked, so the RESERVED quantity ships;
 * - shipped < demand and the operation type says 'ask' → the wizard action dict is returned
 *   and nothing is done; its context carries button_validate_picking_ids, which process()
 *   reads back — without that context process() does nothing and returns True;
 * - done: moves split (the original keeps the shipped quantity), the rest goes to a backorder
 *   with backorder_id = original, or is cancelled (process_cancel_backorder / 'never').
 */
export function buttonValidate(env: Env, ids: number[]): unknown {
  const pickings = browse(env, 'stock.picking', ids).filter((p) => p.state !== 'done');
  if (pickings.some((p) => p.state === 'cancel')) throw userError('You cannot validate a cancelled transfer.');
  for (const p of pickings) if (p.state === 'draft') confirmPickings(env, [p.id]);
  const movesOf = (p: Row) => env.db.where('stock.move', 'picking_id', p.id).filter((m) => m.state !== 'cancel' && m.state !== 'done');

  if (!env.context.skip_sanity_check) {
    for (const p of pickings) {
      const moves = movesOf(p);
      if (!moves.some((m) => (m.quantity as number) > 0)) {
        throw userError('You cannot validate a transfer if no quantities are reserved nor done. You can use the info button on the top right corner of your screen to know why the picking is not ready.');
      }
    }
  }
  // _pre_action_done_hook (17/18): a picking where nothing is picked ships what is reserved.
  for (const p of pickings) {
    const moves = movesOf(p);
    if (!moves.some((m) => m.picked)) for (const m of moves) env.db.update('stock.move', m.id, { picked: true });
  }
  const shipped = (m: Row) => (m.picked ? (m.quantity as number) : 0);

  if (!env.context.skip_backorder) {
    const short = pickings.filter((p) => {
      const type = env.db.get('stock.picking.type', p.picking_type_id as number);
      return type?.create_backorder === 'ask' && movesOf(p).some((m) => shipped(m) < (m.product_uom_qty as number));
    });
    if (short.length) {
      return {
        name: 'Create Backorder?',
        type: 'ir.actions.act_window',
        view_mode: 'form',
        res_model: 'stock.backorder.confirmation',
        views: [[BACKORDER_VIEW_ID, 'form']],
        view_id: BACKORDER_VIEW_ID,
        target: 'new',
        context: {
          ...env.context,
          button_validate_picking_ids: (env.context.button_validate_picking_ids as number[] | undefined) ?? pickings.map((p) => p.id),
          default_show_transfers: false,
          default_pick_ids: short.map((p) => [4, p.id]),
        },
      };
    }
  }

  const noBackorder = new Set((env.context.picking_ids_not_to_backorder as number[] | undefined) ?? []);
  for (const p of pickings) {
    const type = env.db.get('stock.picking.type', p.picking_type_id as number);
    const cancelRest = type?.create_backorder === 'never' || (noBackorder.has(p.id) && type?.create_backorder !== 'always');
    actionDone(env, p, movesOf(p), shipped, cancelRest);
  }
  return true;
}

/** A stable id for stock.view_backorder_confirmation, as a real database has one. */
const BACKORDER_VIEW_ID = 1042;

function actionDone(env: Env, p: Row, moves: Row[], shipped: (m: Row) => number, cancelRest: boolean): void {
  const rest: { move: Row; qty: number }[] = [];
  for (const m of moves) {
    const done = shipped(m);
    const demand = m.product_uom_qty as number;
    unreserveMove(env, m);
    if (done <= 0) {
      rest.push({ move: m, qty: demand });
      continue;
    }
    applyMoveToQuants(env, m, done);
    // The original move keeps what was shipped (its demand shrinks, ODOO-NOTES §6.3).
    touchRecords(env, 'stock.move', [m.id], { state: 'done', quantity: done, picked: true, product_uom_qty: Math.min(demand, done) });
    syncDoneLines(env, m.id, done);
    if (done < demand) rest.push({ move: m, qty: demand - done });
  }

  const fullyUnshipped = new Set(rest.filter((r) => shipped(r.move) <= 0).map((r) => r.move.id));
  if (rest.length && !cancelRest) {
    const [backorder] = createRecords({ ...env, context: {} }, 'stock.picking', [{
      picking_type_id: p.picking_type_id, location_id: p.location_id, location_dest_id: p.location_dest_id,
      partner_id: p.partner_id, origin: p.origin, scheduled_date: p.scheduled_date, sale_id: p.sale_id,
      purchase_id: p.purchase_id, backorder_id: p.id, carrier_id: p.carrier_id, company_id: p.company_id,
    }]);
    const newMoves: Row[] = [];
    for (const r of rest) {
      if (fullyUnshipped.has(r.move.id)) {
        // A move with nothing shipped moves to the backorder whole.
        touchRecords(env, 'stock.move', [r.move.id], { picking_id: backorder.id, quantity: 0, picked: false, state: 'confirmed' });
        for (const l of env.db.where('stock.move.line', 'move_id', r.move.id)) env.db.delete('stock.move.line', l.id);
        newMoves.push(env.db.get('stock.move', r.move.id)!);
      } else {
        newMoves.push(createRecords({ ...env, context: {} }, 'stock.move', [{
          picking_id: backorder.id, product_id: r.move.product_id, product_uom_qty: r.qty, product_uom: r.move.product_uom,
          name: r.move.name, sale_line_id: r.move.sale_line_id, purchase_line_id: r.move.purchase_line_id,
          origin: r.move.origin, partner_id: r.move.partner_id, state: 'confirmed',
        }])[0]);
      }
    }
    reserveMoves(env, newMoves);
    recomputePickingState(env, backorder.id);
    // stock.picking _create_backorder posts this as the user: a user without an email fails here (18).
    const boName = env.db.get('stock.picking', backorder.id)?.name as string;
    postMessage(env, 'stock.picking', p.id, {
      body: `<p>The backorder <a href="#" data-oe-model="stock.picking" data-oe-id="${backorder.id}">${boName}</a> has been created.</p>`,
    });
  } else {
    for (const r of rest) {
      if (fullyUnshipped.has(r.move.id)) touchRecords(env, 'stock.move', [r.move.id], { state: 'cancel', quantity: 0 });
    }
  }
  touchRecords(env, 'stock.picking', [p.id], { state: 'done', date_done: env.now });
  recomputePickingState(env, p.id);
  touchSale(env, p);
}

function syncDoneLines(env: Env, moveId: number, done: number): void {
  const lines = env.db.where('stock.move.line', 'move_id', moveId);
  if (!lines.length) return;
  const [first, ...others] = lines;
  const rest = others.reduce((s, l) => s + (l.quantity as number), 0);
  env.db.update('stock.move.line', first.id, { quantity: Math.max(0, done - rest), picked: true, write_date: env.stamp });
}

/** qty_delivered and delivery_status are stored computed fields in Odoo: their records get a new write_date. */
function touchSale(env: Env, p: Row): void {
  if (!p.sale_id) return;
  const lineIds = new Set(env.db.where('stock.move', 'picking_id', p.id).filter((m) => m.sale_line_id).map((m) => m.sale_line_id as number));
  touchRecords(env, 'sale.order.line', [...lineIds].filter((id) => env.db.get('sale.order.line', id)));
  if (env.db.get('sale.order', p.sale_id as number)) touchRecords(env, 'sale.order', [p.sale_id as number]);
}

export function processBackorderWizard(env: Env, ids: number[], cancelBackorder: boolean): unknown {
  const [wiz] = browse(env, 'stock.backorder.confirmation', ids);
  const toValidate = env.context.button_validate_picking_ids as number[] | undefined;
  // Odoo reads the pickings from the CONTEXT: called without it, the wizard validates nothing.
  if (!toValidate || !toValidate.length) return true;
  const pickIds = (wiz?.pick_ids as number[] | undefined) ?? [];
  return buttonValidate(
    { ...env, context: { ...env.context, skip_backorder: true, ...(cancelBackorder ? { picking_ids_not_to_backorder: pickIds } : {}) } },
    toValidate,
  );
}
