import type { Knex } from 'knex';
import * as m001 from './001-message-log';
import * as m002 from './002-interchanges-control-numbers';
import * as m003 from './003-outbound-acks';
import * as m004 from './004-documents';
import * as m005 from './005-odoo-cursors';
import * as m006 from './006-odoo-event-records';
import * as m007 from './007-job-leases';
import * as m008 from './008-resolved-status';
import * as m009 from './009-channel-cursors';
import * as m010 from './010-message-content-parts';
import * as m011 from './011-api-tokens';
import * as m012 from './012-alerts';
import * as m013 from './013-schedule-runs';
import * as m014 from './014-documents-odoo-index';
import * as m015 from './015-sftp-sightings';

/** Numbered migrations, one set for PGlite and PostgreSQL. Add a line per new file. */
const MIGRATIONS: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '001-message-log': m001,
  '002-interchanges-control-numbers': m002,
  '003-outbound-acks': m003,
  '004-documents': m004,
  '005-odoo-cursors': m005,
  '006-odoo-event-records': m006,
  '007-job-leases': m007,
  '008-resolved-status': m008,
  '009-channel-cursors': m009,
  '010-message-content-parts': m010,
  '011-api-tokens': m011,
  '012-alerts': m012,
  '013-schedule-runs': m013,
  '014-documents-odoo-index': m014,
  '015-sftp-sightings': m015,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};
