import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../../../platform/db/dialect.js';

/**
 * The name and address indexes begin with the area too, as pinyin and initials do (0990). An
 * import writes one community's people: with the name or the address first, its keys landed all
 * over the city's index, so each chunk dirtied pages throughout both (at a million residents a
 * quarter of the pages an import wrote to the WAL); area first, they land in the community's
 * slice of each. A search names the areas of its scope (one, or a street's ten, or a city's
 * hundred) and reads the prefix inside each.
 */
export const personSearchAreaFirst: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('person_search_name').execute();
    await db.schema.dropIndex('person_search_address').execute();
    await db.schema.createIndex('person_search_name').on('person_search').columns(['area_path', 'name', 'org_path', 'person_id']).execute();
    await sql`create index person_search_address on person_search (area_path, substr(address, instr(address, '#')), org_path, person_id)`.execute(db);
    if (dialectOf(db) === 'postgres') await sql`analyze person_search`.execute(db);
  },
  async down() {
    throw new Error('irreversible');
  },
};
