import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../../../platform/db/dialect.js';

/**
 * person_search carries the record's status, last in each search index. The common search
 * (active records, by address) then counts and sorts its matches on the index entries alone:
 * before, every match was looked up in person for its status, 2,500 look-ups for a two-letter
 * initial in a street (PostgreSQL, initials, street dispatcher: 23 ms p95 at a million residents).
 * Search rows are rebuilt from person after every write (reindexPeople), so the copy follows
 * the record: ending a record reindexes it.
 */
export const personSearchStatus: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('person_search').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
    await sql`update person_search set status = (select p.status from person p where p.id = person_search.person_id)
      where person_id in (select id from person where status <> 'active')`.execute(db);
    for (const name of ['person_search_name', 'person_search_initials', 'person_search_pinyin', 'person_search_address']) await db.schema.dropIndex(name).execute();
    await db.schema.createIndex('person_search_name').on('person_search').columns(['area_path', 'name', 'org_path', 'person_id', 'status']).execute();
    await db.schema.createIndex('person_search_initials').on('person_search').columns(['area_path', 'name_initials', 'org_path', 'person_id', 'status']).execute();
    await db.schema.createIndex('person_search_pinyin').on('person_search').columns(['area_path', 'name_pinyin', 'org_path', 'person_id', 'status']).execute();
    await sql`create index person_search_address on person_search (area_path, substr(address, instr(address, '#')), org_path, person_id, status)`.execute(db);
    if (dialectOf(db) === 'postgres') await sql`analyze person_search`.execute(db);
  },
  async down() {
    throw new Error('irreversible');
  },
};
