import type { Kysely, Migration } from 'kysely';
import { dialectOf } from '../../../platform/db/dialect.js';

/**
 * On PostgreSQL `real` is a 4-byte float (about 0.7 m of longitude here, and a point off by that
 * much can fall in the neighbouring grid): an event's lat/lng become double precision, as
 * SQLite's REAL already is and as the patrol track became in 0237.
 */
export const eventCoordinatesDouble: Migration = {
  async up(db: Kysely<any>) {
    if (dialectOf(db) !== 'postgres') return;
    await db.schema
      .alterTable('grid_event')
      .alterColumn('lat', (c) => c.setDataType('double precision'))
      .alterColumn('lng', (c) => c.setDataType('double precision'))
      .execute();
  },
  async down(db: Kysely<any>) {
    if (dialectOf(db) !== 'postgres') return;
    await db.schema
      .alterTable('grid_event')
      .alterColumn('lat', (c) => c.setDataType('real'))
      .alterColumn('lng', (c) => c.setDataType('real'))
      .execute();
  },
};
