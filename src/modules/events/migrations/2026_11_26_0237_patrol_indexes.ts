import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../../../platform/db/dialect.js';

/**
 * Patrols: one open patrol per grid worker, enforced by the database (a double tap on
 * 开始巡查, or two phones, cannot open two); the events reported on a patrol, found by its id.
 * On PostgreSQL `real` is a 4-byte float (about 0.7 m of longitude here): track coordinates
 * and distances become double precision, as SQLite's REAL already is.
 */
export const patrolIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('event_patrol_one_open').on('event_patrol').column('worker_user_id').unique().where(sql.ref('ended_at'), 'is', null).execute();
    await db.schema.createIndex('grid_event_patrol').on('grid_event').columns(['patrol_id']).execute();
    if (dialectOf(db) === 'postgres') {
      await db.schema
        .alterTable('event_patrol_point')
        .alterColumn('lat', (c) => c.setDataType('double precision'))
        .alterColumn('lng', (c) => c.setDataType('double precision'))
        .execute();
      await db.schema.alterTable('event_patrol').alterColumn('distance_m', (c) => c.setDataType('double precision')).execute();
    }
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('grid_event_patrol').execute();
    await db.schema.dropIndex('event_patrol_one_open').execute();
  },
};
