import type { Knex } from 'knex';

/**
 * The document an Odoo record came from (documentForOdoo: each 855 the event scan makes looks up
 * its sale order's order): by index, not by a scan of every document ever translated, which grew
 * with the store (2-3 ms at 4,000 documents, about 60 ms at 100,000; docs/pipeline-profile.md).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX documents_odoo_record ON documents (odoo_model, odoo_id) WHERE odoo_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX documents_odoo_record');
}
