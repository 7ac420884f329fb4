import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../../../platform/db/dialect.js';

/**
 * The change feed reads people and tags ended in a window (`ended_at > from`): only ended rows
 * belong in those indexes. Whole-column indexes held every active person and tag under NULL (a
 * million entries at a million residents) and took one more entry for each one registered.
 * Both databases use a partial index `where ended_at is not null` for a range on `ended_at`.
 */
export const partialEndedIndexes: Migration = {
  async up(db: Kysely<any>) {
    for (const [index, table] of [
      ['exchange_person_ended', 'person'],
      ['exchange_person_tag_ended', 'person_tag'],
    ] as const) {
      await db.schema.dropIndex(index).execute();
      await sql`create index ${sql.id(index)} on ${sql.id(table)} (ended_at) where ended_at is not null`.execute(db);
    }
    if (dialectOf(db) === 'postgres') await sql`analyze person, person_tag`.execute(db);
  },
  async down() {
    throw new Error('irreversible');
  },
};
