import { caller, fixtures, openTarget, rpc, uniqueSuffix, type Fixtures, type Target } from './odoo-target';

/**
 * Odoo's JSON-RPC contract as ODOO-NOTES.md records it (verified on Odoo 18). Runs against the
 * sandbox by default and, unchanged, against a real Odoo when ODOO_URL & co. are set: every
 * record it uses it creates itself, with names unique to the run.
 */
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('Odoo JSON-RPC contract', () => {
  let t: Target;
  let sfx: string;
  let fx: Fixtures;
  let api: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await openTarget();
    sfx = uniqueSuffix();
    api = caller(t);
    fx = await fixtures(t, sfx);
  });
  afterAll(async () => { await t?.close(); });

  /** A quotation for the fixture customer and product. */
  async function quotation(po: string, qty: number): Promise<number> {
    const [id] = await api.call('sale.order', 'create', [[{
      partner_id: fx.partnerId, client_order_ref: po,
      order_line: [[0, 0, { product_id: fx.productId, product_uom_qty: qty, price_unit: 10 }]],
    }]]);
    return id;
  }

  async function confirmedPicking(po: string, qty: number): Promise<{ so: number; picking: any }> {
    const so = await quotation(po, qty);
    expect(await api.call('sale.order', 'action_confirm', [[so]])).toBe(true);
    const [picking] = await api.call('stock.picking', 'search_read', [[['sale_id', '=', so], ['picking_type_code', '=', 'outgoing']]], {
      fields: ['name', 'state', 'move_ids', 'origin', 'backorder_id'],
    });
    return { so, picking };
  }

  describe('common service and authentication', () => {
    it('answers version with server_version_info', async () => {
      const r = await rpc(t.url, 'common', 'version', []);
      expect(r.result.server_version_info).toHaveLength(6);
      expect(r.result.server_version_info[0]).toBeGreaterThanOrEqual(16);
      if (!t.real) expect(r.result.server_version_info).toEqual([18, 0, 0, 'final', 0, '']);
    });

    it('login returns the uid for a good API key and false (not an error) for a bad one', async () => {
      expect(await rpc(t.url, 'common', 'login', [t.db, t.user, t.key])).toMatchObject({ result: t.uid });
      const bad = await rpc(t.url, 'common', 'login', [t.db, t.user, `${t.key}-wrong`]);
      expect(bad.error).toBeUndefined();
      expect(bad.result).toBe(false);
    });

    it('execute_kw with a bad key is AccessDenied, with HTTP 200 and Odoo\'s error envelope', async () => {
      const r = await rpc(t.url, 'object', 'execute_kw', [t.db, t.uid, 'not-the-key', 'res.partner', 'search', [[]], { limit: 1 }]);
      expect(r.result).toBeUndefined();
      expect(r.error).toMatchObject({ code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' } });
      expect(r.error!.data.arguments).toEqual(['Access Denied']);
      expect(r.error!.data.debug).toMatch(/^Traceback/);
    });

    it('refuses a non-JSON content type with HTTP 400 HTML and malformed JSON with 400 "Invalid JSON data"', async () => {
      const wrongType = await fetch(`${t.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      expect(wrongType.status).toBe(400);
      expect(wrongType.headers.get('content-type')).toMatch(/text\/html/);
      expect(await wrongType.text()).toContain('/jsonrpc');
      const malformed = await fetch(`${t.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc": "2.0", ' });
      expect(malformed.status).toBe(400);
      expect(await malformed.text()).toContain('Invalid JSON data');
    });
  });

  describe('error contract', () => {
    it('names unknown models, unknown methods and private methods as Odoo does', async () => {
      expect((await api.fail('res.partnerx', 'search', [[]])).data).toMatchObject({ name: 'odoo.exceptions.UserError', message: "Object res.partnerx doesn't exist" });
      expect((await api.fail('res.partner', 'frobnicate', [[]])).data).toMatchObject({
        name: 'builtins.AttributeError', message: "The method 'res.partner.frobnicate' does not exist",
      });
      expect((await api.fail('sale.order', '_create_invoices', [[]])).data).toMatchObject({
        name: 'odoo.exceptions.AccessError', message: "Private methods (such as 'sale.order._create_invoices') cannot be called remotely.",
      });
    });

    it('reports an unknown field as ValueError in a domain, in fields, in create and in write', async () => {
      const inDomain = await api.fail('res.partner', 'search_read', [[['foo', '=', 1]]], { fields: ['name'] });
      expect(inDomain.data).toMatchObject({ name: 'builtins.ValueError', message: "Invalid field res.partner.foo in leaf ('foo', '=', 1)" });
      const expected = { name: 'builtins.ValueError', message: "Invalid field 'foo' on model 'res.partner'" };
      expect((await api.fail('res.partner', 'search_read', [[['id', '=', fx.partnerId]]], { fields: ['name', 'foo'] })).data).toMatchObject(expected);
      expect((await api.fail('res.partner', 'create', [[{ name: `x ${sfx}`, foo: 1 }]])).data).toMatchObject(expected);
      expect((await api.fail('res.partner', 'write', [[fx.partnerId], { foo: 1 }])).data).toMatchObject(expected);
    });

    it('read of a deleted id returns [] while write on it raises MissingError', async () => {
      const [gone] = await api.call('res.partner', 'create', [[{ name: `Deleted ${sfx}` }]]);
      expect(await api.call('res.partner', 'unlink', [[gone]])).toBe(true);
      expect(await api.call('res.partner', 'read', [[gone], ['name']])).toEqual([]);
      const err = await api.fail('res.partner', 'write', [[gone], { name: 'again' }]);
      expect(err.data.name).toBe('odoo.exceptions.MissingError');
      expect(err.data.message).toBe(`Record does not exist or has been deleted.\n(Record: res.partner(${gone},), User: ${t.uid})`);
    });

    it('a missing required field is a ValidationError that names the field', async () => {
      const err = await api.fail('sale.order', 'create', [[{ client_order_ref: `NOPARTNER-${sfx}` }]]);
      expect(err.data.name).toBe('odoo.exceptions.ValidationError');
      expect(err.data.message).toContain('Field: Customer (partner_id)');
    });

    it('a failing call writes nothing: the valid records of the same create are rolled back', async () => {
      const err = await api.fail('res.partner', 'create', [[{ name: `Atomic ${sfx}` }, { name: `Atomic ${sfx}`, foo: 1 }]]);
      expect(err.data.name).toBe('builtins.ValueError');
      expect(await api.call('res.partner', 'search_count', [[['name', '=', `Atomic ${sfx}`]]])).toBe(0);
    });

    it('leaves the result key out when the method returns None', () => {
      // stock.quant.action_apply_inventory returns None (the fixtures called it to put stock in).
      expect(fx.applied.error).toBeUndefined();
      expect('result' in fx.applied).toBe(false);
    });
  });

  describe('records, domains and write_date', () => {
    it('create takes a list and returns ids, a single dict and returns an id; many2one reads as [id, name]', async () => {
      const ids = await api.call('res.partner', 'create', [[{ name: `List A ${sfx}` }, { name: `List B ${sfx}` }]]);
      expect(ids).toEqual([expect.any(Number), expect.any(Number)]);
      const one = await api.call('res.partner', 'create', [{ name: `Single ${sfx}`, parent_id: fx.partnerId, type: 'delivery' }]);
      expect(typeof one).toBe('number');
      const [r] = await api.call('res.partner', 'read', [[one], ['parent_id', 'commercial_partner_id', 'type']]);
      expect(r.parent_id).toEqual([fx.partnerId, `CT Customer ${sfx}`]);
      expect(r.commercial_partner_id[0]).toBe(fx.partnerId);
    });

    it('searches with the operators and prefix notation the connector sends, ordered by write_date then id', async () => {
      const names = ['Alpha', 'Beta', 'Gamma'].map((n) => `Dom ${n} ${sfx}`);
      const ids: number[] = await api.call('res.partner', 'create', [names.map((name, i) => ({ name, ref: `DOM-${i}-${sfx}` }))]);
      const s = async (domain: unknown[]) => (await api.call('res.partner', 'search', [domain], { order: 'id asc' })) as number[];
      expect(await s([['name', 'ilike', `dom % ${sfx.toLowerCase()}`]])).toEqual(ids);
      expect(await s([['name', 'like', `Dom Beta ${sfx}`]])).toEqual([ids[1]]);
      expect(await s([['id', 'in', ids], ['ref', '!=', `DOM-0-${sfx}`]])).toEqual([ids[1], ids[2]]);
      expect(await s([['id', 'in', ids], ['id', 'not in', [ids[0]]], ['id', '>', ids[1]]])).toEqual([ids[2]]);
      expect(await s(['|', ['ref', '=', `DOM-0-${sfx}`], ['ref', '=', `DOM-2-${sfx}`]])).toEqual([ids[0], ids[2]]);
      expect(await s(['&', ['id', 'in', ids], '!', ['ref', '=', `DOM-1-${sfx}`]])).toEqual([ids[0], ids[2]]);
      expect(await s([['id', 'in', ids], ['id', '>=', ids[1]], ['id', '<=', ids[1]]])).toEqual([ids[1]]);
      expect(await s([['id', 'in', ids], ['id', '<', ids[1]]])).toEqual([ids[0]]);
      expect(await api.call('res.partner', 'search_count', [[['id', 'in', ids]]])).toBe(3);
      const page = await api.call('res.partner', 'search_read', [[['id', 'in', ids]]], { fields: ['write_date'], order: 'write_date asc, id asc', limit: 2, offset: 1 });
      expect(page.map((r: { id: number }) => r.id)).toEqual([ids[1], ids[2]]);
    });

    it('keeps create_date and write_date as UTC seconds, shared by every record of one call, moved on by a write', async () => {
      const ids: number[] = await api.call('res.partner', 'create', [[1, 2, 3].map((i) => ({ name: `Stamp ${i} ${sfx}` }))]);
      const rows = await api.call('res.partner', 'read', [ids, ['create_date', 'write_date']]);
      for (const r of rows) {
        expect(r.write_date).toMatch(DATETIME);
        expect(r.create_date).toMatch(DATETIME);
      }
      // One transaction, one timestamp: the cursor must expect several records in the same second.
      expect(new Set(rows.map((r: { write_date: string }) => r.write_date)).size).toBe(1);
      await api.call('res.partner', 'write', [[ids[0]], { ref: `STAMP-${sfx}` }]);
      const [after] = await api.call('res.partner', 'read', [[ids[0]], ['write_date']]);
      expect(after.write_date >= rows[0].write_date).toBe(true);
      const since = await api.call('res.partner', 'search', [[['id', 'in', ids], ['write_date', '>=', rows[0].write_date]]]);
      expect(since.sort()).toEqual([...ids].sort());
    });

    it('fields_get lists field attributes and leaves unknown names out', async () => {
      const f = await api.call('sale.order', 'fields_get', [['partner_id', 'state', 'nonexistent_field']], { attributes: ['type', 'relation', 'required'] });
      expect(Object.keys(f).sort()).toEqual(['partner_id', 'state']);
      expect(f.partner_id).toEqual({ type: 'many2one', relation: 'res.partner', required: true });
    });
  });

  describe('load() and external ids', () => {
    it('upserts by xmlid: a second load updates the same record; check_object_reference resolves it', async () => {
      const xmlid = `${fx.module}.upsert_${sfx}`;
      const first = await api.call('res.partner', 'load', [['id', 'name', 'ref'], [[xmlid, `Upsert ${sfx}`, `UP-${sfx}`]]]);
      expect(first.messages).toEqual([]);
      const second = await api.call('res.partner', 'load', [['id', 'name', 'ref'], [[xmlid, `Upsert ${sfx} renamed`, `UP-${sfx}`]]]);
      expect(second.ids).toEqual(first.ids);
      const [r] = await api.call('res.partner', 'read', [first.ids, ['name']]);
      expect(r.name).toBe(`Upsert ${sfx} renamed`);
      expect(await api.call('ir.model.data', 'check_object_reference', [fx.module, `upsert_${sfx}`])).toEqual(['res.partner', first.ids[0]]);
      const missing = await api.fail('ir.model.data', 'check_object_reference', [fx.module, `nope_${sfx}`]);
      expect(missing.data).toMatchObject({ name: 'builtins.ValueError', message: `External ID not found in the system: ${fx.module}.nope_${sfx}` });
    });

    const SO_FIELDS = ['id', 'partner_id/id', 'client_order_ref', 'order_line/product_id/id', 'order_line/product_uom_qty'];

    it('duplicates order lines on a re-load without line xmlids, as a real Odoo does', async () => {
      const rows = [[`${fx.module}.so_dup_${sfx}`, fx.partnerXmlid, `DUP-${sfx}`, fx.productXmlid, '3']];
      const a = await api.call('sale.order', 'load', [SO_FIELDS, rows]);
      const b = await api.call('sale.order', 'load', [SO_FIELDS, rows]);
      expect(b.ids).toEqual(a.ids);
      const [so] = await api.call('sale.order', 'read', [a.ids, ['order_line']]);
      expect(so.order_line).toHaveLength(2);
    });

    it('keeps one line per line xmlid: a re-load with line ids is a no-op for the lines', async () => {
      const fields = [...SO_FIELDS, 'order_line/id'];
      const rows = [
        [`${fx.module}.so_ids_${sfx}`, fx.partnerXmlid, `IDS-${sfx}`, fx.productXmlid, '3', `${fx.module}.sol_${sfx}_1`],
        ['', '', '', fx.productXmlid, '4', `${fx.module}.sol_${sfx}_2`],
      ];
      const a = await api.call('sale.order', 'load', [fields, rows]);
      expect(a.messages).toEqual([]);
      const b = await api.call('sale.order', 'load', [fields, rows]);
      expect(b.ids).toEqual(a.ids);
      const lines = await api.call('sale.order.line', 'search_read', [[['order_id', '=', a.ids[0]]]], { fields: ['product_uom_qty'], order: 'id asc' });
      expect(lines.map((l: { product_uom_qty: number }) => l.product_uom_qty)).toEqual([3, 4]);
    });

    it('returns errors as messages with ids false and writes nothing, not even the valid records', async () => {
      const rows = [
        [`${fx.module}.so_ok_${sfx}`, fx.partnerXmlid, `OK-${sfx}`, fx.productXmlid, '1'],
        [`${fx.module}.so_bad_${sfx}`, `${fx.module}.partner_nope_${sfx}`, `BAD-${sfx}`, fx.productXmlid, '1'],
      ];
      const r = await api.call('sale.order', 'load', [SO_FIELDS, rows]);
      expect(r.ids).toBe(false);
      // The value is reported, then the record is tried without it: the required field is missing too.
      expect(r.messages).toEqual([
        expect.objectContaining({
          type: 'error', record: 1, rows: { from: 1, to: 1 }, field: 'partner_id', field_name: 'Customer',
          message: `No matching record found for external id '${fx.module}.partner_nope_${sfx}' in field 'Customer'`,
        }),
        expect.objectContaining({ type: 'error', record: 1, field: 'partner_id', message: "Missing required value for the field 'Customer' (partner_id)" }),
      ]);
      expect(await api.call('sale.order', 'search_count', [[['client_order_ref', 'in', [`OK-${sfx}`, `BAD-${sfx}`]]]])).toBe(0);
      // No external id either. (Not asked through check_object_reference: a real Odoo may still
      // answer the rolled-back xmlid from its lookup cache, as ['sale.order', false].)
      expect(await api.call('ir.model.data', 'search_count', [[['module', '=', fx.module], ['name', 'in', [`so_ok_${sfx}`, `so_bad_${sfx}`]]]])).toBe(0);
    });
  });

  describe('sale, delivery and invoice workflow', () => {
    it('confirms a quotation into an outgoing picking; confirming it again is a UserError', async () => {
      const { so, picking } = await confirmedPicking(`CONF-${sfx}`, 2);
      const [order] = await api.call('sale.order', 'read', [[so], ['name', 'state', 'picking_ids']]);
      expect(order.state).toBe('sale');
      expect(order.picking_ids).toEqual([picking.id]);
      expect(picking.origin).toContain(order.name);
      const err = await api.fail('sale.order', 'action_confirm', [[so]]);
      expect(err.data).toMatchObject({ name: 'odoo.exceptions.UserError', message: 'Some orders are not in a state requiring confirmation.' });
    });

    it('ships a partial quantity through the backorder wizard: done picking plus a backorder for the rest', async () => {
      const { so, picking } = await confirmedPicking(`PART-${sfx}`, 10);
      await api.call('stock.move', 'write', [picking.move_ids, { quantity: 7, picked: true }]);
      const action = await api.call('stock.picking', 'button_validate', [[picking.id]]);
      expect(action).toMatchObject({ res_model: 'stock.backorder.confirmation', type: 'ir.actions.act_window' });
      expect(action.context.button_validate_picking_ids).toEqual([picking.id]);
      const [wiz] = await api.call('stock.backorder.confirmation', 'create', [[{}]], { context: action.context });
      expect(await api.call('stock.backorder.confirmation', 'process', [[wiz]], { context: action.context })).toBe(true);

      const pickings = await api.call('stock.picking', 'search_read', [[['sale_id', '=', so]]], { fields: ['state', 'backorder_id', 'date_done'], order: 'id asc' });
      expect(pickings).toHaveLength(2);
      expect(pickings[0]).toMatchObject({ id: picking.id, state: 'done', backorder_id: false });
      expect(pickings[0].date_done).toMatch(DATETIME);
      expect(pickings[1].backorder_id[0]).toBe(picking.id);
      expect(pickings[1].state).not.toBe('done');
      const [line] = await api.call('sale.order.line', 'search_read', [[['order_id', '=', so]]], { fields: ['qty_delivered'] });
      expect(line.qty_delivered).toBe(7);
      const [order] = await api.call('sale.order', 'read', [[so], ['delivery_status']]);
      expect(order.delivery_status).toBe('partial');
      const [backMove] = await api.call('stock.move', 'search_read', [[['picking_id', '=', pickings[1].id]]], { fields: ['product_uom_qty'] });
      expect(backMove.product_uom_qty).toBe(3);
    });

    it('validating a picking where nothing is picked ships the reserved quantity (17/18 rule)', async () => {
      const { so, picking } = await confirmedPicking(`ALL-${sfx}`, 5);
      expect(await api.call('stock.picking', 'button_validate', [[picking.id]])).toBe(true);
      const [p] = await api.call('stock.picking', 'read', [[picking.id], ['state']]);
      expect(p.state).toBe('done');
      const [line] = await api.call('sale.order.line', 'search_read', [[['order_id', '=', so]]], { fields: ['qty_delivered'] });
      expect(line.qty_delivered).toBe(5);
    });

    it('invoices the delivered quantity through the wizard, posts it as INV/…, and refuses to post it twice', async () => {
      const { so, picking } = await confirmedPicking(`INV-${sfx}`, 10);
      await api.call('stock.move', 'write', [picking.move_ids, { quantity: 7, picked: true }]);
      const action = await api.call('stock.picking', 'button_validate', [[picking.id]]);
      const [wiz] = await api.call('stock.backorder.confirmation', 'create', [[{}]], { context: action.context });
      await api.call('stock.backorder.confirmation', 'process_cancel_backorder', [[wiz]], { context: action.context });

      const ctx = { context: { active_model: 'sale.order', active_ids: [so], active_id: so } };
      const [inv] = await api.call('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [so]]] }]], ctx);
      const act = await api.call('sale.advance.payment.inv', 'create_invoices', [[inv]], ctx);
      expect(act.res_model).toBe('account.move');
      const [order] = await api.call('sale.order', 'read', [[so], ['name', 'invoice_ids']]);
      expect(order.invoice_ids).toHaveLength(1);
      const moveId = order.invoice_ids[0];
      const [draft] = await api.call('account.move', 'read', [[moveId], ['name', 'state', 'ref', 'invoice_origin']]);
      expect(draft).toMatchObject({ state: 'draft', ref: `INV-${sfx}`, invoice_origin: order.name });
      expect(draft.name === '/' || draft.name === false).toBe(true);
      const lines = await api.call('account.move.line', 'search_read', [[['move_id', '=', moveId], ['display_type', '=', 'product']]], { fields: ['quantity', 'sale_line_ids'] });
      expect(lines.map((l: { quantity: number }) => l.quantity)).toEqual([7]);

      expect(await api.call('account.move', 'action_post', [[moveId]])).toBe(false);
      const [posted] = await api.call('account.move', 'read', [[moveId], ['name', 'state', 'payment_reference']]);
      expect(posted.state).toBe('posted');
      expect(posted.name).toMatch(/^INV\/\d{4}\/\d+$/);
      expect(posted.payment_reference).toBe(posted.name);
      const again = await api.fail('account.move', 'action_post', [[moveId]]);
      expect(again.data).toMatchObject({ name: 'odoo.exceptions.UserError', message: `The entry ${posted.name} (id ${moveId}) must be in draft.` });
    });

    it('refuses to invoice an order with nothing delivered', async () => {
      const { so } = await confirmedPicking(`NONE-${sfx}`, 2);
      const ctx = { context: { active_model: 'sale.order', active_ids: [so], active_id: so } };
      const [inv] = await api.call('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [so]]] }]], ctx);
      const err = await api.fail('sale.advance.payment.inv', 'create_invoices', [[inv]], ctx);
      expect(err.data.name).toBe('odoo.exceptions.UserError');
      const [order] = await api.call('sale.order', 'read', [[so], ['invoice_ids']]);
      expect(order.invoice_ids).toEqual([]);
    });

    it('message_post returns the new message id', async () => {
      const so = await quotation(`MSG-${sfx}`, 1);
      const id = await api.call('sale.order', 'message_post', [[so]], { body: 'EDI: received 850', message_type: 'comment', subtype_xmlid: 'mail.mt_note' });
      expect(typeof id).toBe('number');
    });
  });

  describe('a non-admin bot user', () => {
    it('cannot read ir.model.data but can use load() with external ids and check_object_reference', async () => {
      if (!t.bot) throw new Error('no bot user: set ODOO_BOT_USER and ODOO_BOT_API_KEY to run this against a real Odoo');
      const bot = caller(t, { uid: t.bot.uid, key: t.bot.key });
      const denied = await bot.fail('ir.model.data', 'search_read', [[['module', '=', fx.module]]], { fields: ['res_id'] });
      expect(denied.data.name).toBe('odoo.exceptions.AccessError');
      const loaded = await bot.call('res.partner', 'load', [['id', 'name'], [[`${fx.module}.bot_${sfx}`, `Bot made ${sfx}`]]]);
      expect(loaded.messages).toEqual([]);
      expect(await bot.call('ir.model.data', 'check_object_reference', [fx.module, `bot_${sfx}`])).toEqual(['res.partner', loaded.ids[0]]);
    });
  });

  describe('rights, asked and enforced', () => {
    const CONTACT_CREATION_ERROR = "You are not allowed to create 'Contact' (res.partner) records.\n\n"
      + 'This operation is allowed for the following groups:\n\t- Extra Rights/Contact Creation\n\t- Inventory/Administrator\n'
      + '\t- Purchase/Administrator\n\t- Sales/Administrator\n\nContact your administrator to request access if necessary.';

    /** A new internal user made by admin through ordinary writes, as one would on a real server. */
    async function makeUser(tag: string, opts: { email?: string; groups: string[] }) {
      const groupIds = await Promise.all(opts.groups.map(async (x) => (await api.call('ir.model.data', 'check_object_reference', x.split('.')))[1]));
      const login = `ct-${tag}-${sfx}`.toLowerCase();
      const password = `Ct-${tag}-${sfx}-password`;
      const uid = await api.call('res.users', 'create', [{ name: `CT ${tag} ${sfx}`, login, password, ...(opts.email ? { email: opts.email } : {}), groups_id: [[6, 0, groupIds]] }]);
      expect((await rpc(t.url, 'common', 'login', [t.db, login, password])).result).toBe(uid);
      return { uid, api: caller(t, { uid, key: password }) };
    }

    it('has_access answers without raising; check_access raises the AccessError naming the groups', async () => {
      const u = await makeUser('noco', { email: `noco-${sfx}@example.com`, groups: ['base.group_user', 'sales_team.group_sale_salesman_all_leads'] });
      expect(await u.api.call('sale.order', 'has_access', [[], 'create'])).toBe(true);
      expect(await u.api.call('res.partner', 'has_access', [[], 'read'])).toBe(true);
      expect(await u.api.call('res.partner', 'has_access', [[], 'create'])).toBe(false);
      expect(await u.api.call('product.product', 'has_access', [[], 'create'])).toBe(false);
      expect(await u.api.call('ir.model.data', 'has_access', [[], 'read'])).toBe(false);
      expect((await u.api.fail('res.partner', 'has_access', [[], 'frob'])).data).toMatchObject({ name: 'builtins.AssertionError', message: 'Invalid access mode' });
      expect((await u.api.fail('res.partner', 'check_access', [[], 'create'])).data).toMatchObject({ name: 'odoo.exceptions.AccessError', message: CONTACT_CREATION_ERROR });
      expect(await u.api.call('res.users', 'has_group', [[u.uid], 'base.group_partner_manager'])).toBe(false);
      expect(await u.api.call('res.users', 'has_group', [[u.uid], 'sales_team.group_sale_salesman'])).toBe(true);
      // Without Contact Creation a delivery address cannot be made: load() reports it, create raises it.
      const loaded = await u.api.call('res.partner', 'load', [['id', 'name', 'parent_id/.id', 'type'], [[`${fx.module}.noco_${sfx}`, 'Dock 9', String(fx.partnerId), 'delivery']]]);
      expect(loaded).toMatchObject({ ids: false, messages: [{ type: 'error', message: CONTACT_CREATION_ERROR }] });
      expect((await u.api.fail('res.partner', 'create', [{ name: `Dock ${sfx}`, parent_id: fx.partnerId, type: 'delivery' }])).data.message).toBe(CONTACT_CREATION_ERROR);
    });

    it('a user without an email cannot post on the chatter', async () => {
      const u = await makeUser('nomail', { groups: ['base.group_user', 'sales_team.group_sale_salesman_all_leads'] });
      const [me] = await api.call('res.users', 'read', [[u.uid], ['email']]);
      expect(me.email).toBe(false);
      const so = await api.call('sale.order', 'create', [{ partner_id: fx.partnerId, client_order_ref: `NOMAIL-${sfx}` }]);
      expect((await u.api.fail('sale.order', 'message_post', [[so]], { body: 'hello' })).data).toMatchObject({
        name: 'odoo.exceptions.UserError', message: "Unable to send message, please configure the sender's email address.",
      });
      await api.call('res.users', 'write', [[u.uid], { email: `nomail-${sfx}@example.com` }]);
      expect(typeof await u.api.call('sale.order', 'message_post', [[so]], { body: 'hello' })).toBe('number');
    });

    it('get_metadata gives external ids to a user who may not read ir.model.data, and nothing for a record without one', async () => {
      if (!t.bot) throw new Error('no bot user: set ODOO_BOT_USER and ODOO_BOT_API_KEY to run this against a real Odoo');
      const bot = caller(t, { uid: t.bot.uid, key: t.bot.key });
      const [meta] = await bot.call('res.partner', 'get_metadata', [[fx.partnerId]]);
      expect(meta).toMatchObject({ id: fx.partnerId, xmlid: fx.partnerXmlid, xmlids: [{ xmlid: fx.partnerXmlid, noupdate: false }] });
      const plain = await api.call('res.partner', 'create', [{ name: `No xmlid ${sfx}` }]);
      expect((await bot.call('res.partner', 'get_metadata', [[plain]]))[0]).toMatchObject({ id: plain, xmlid: false, xmlids: [] });
      expect(await bot.call('res.partner', 'get_metadata', [[2 ** 30]])).toEqual([]);
    });
  });
});
