import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * Indexes for search and imports at a million residents.
 *
 * - person_search is rebuilt with byte-wise collation on its searched columns (PostgreSQL's
 *   default collation may be a locale, where `zs` ≤ x < `zs\uffff` is no prefix range and an
 *   index on it sorts names by locale rules); SQLite compares bytes already.
 * - person_search_path carries the name: a name fragment searched inside a community scans
 *   the community's index entries, not its people's rows.
 * - Address search: the key is `{estate}#{building}-{unit}-{room}#`, and what people type is
 *   mostly the numbers, so the index is on the key from its first `#` on, beside the path:
 *   `3幢2单元501` is then a prefix range (`#3-2-501#…`) instead of a scan. `instr` is SQLite's;
 *   PostgreSQL gets a one-line SQL function of that name (inlined by the planner), so the
 *   repository writes one expression for both.
 * - person (id, status, org_path): what a search checks and sorts its matches by, read from
 *   the index rather than from each match's row.
 * - One active person per ID number: a partial UNIQUE index on the blind index of active
 *   people, which also serves every upsert's look-up. Ended records get a partial index of
 *   their own, so an import of new people maintains one index on the number, not two.
 */
export const registryIndexes: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const binary = binaryCollation(dialect);

    if (dialect === 'postgres') {
      await sql`create or replace function instr(text, text) returns integer language sql immutable parallel safe as $$ select strpos($1, $2) $$`.execute(db);
    }

    await db.schema
      .createTable('person_search_next')
      .addColumn('person_id', 'text', (c) => c.primaryKey().references('person.id'))
      .addColumn('org_path', 'text', (c) => binary(c.notNull()))
      .addColumn('name', 'text', (c) => binary(c.notNull()))
      .addColumn('name_pinyin', 'text', (c) => binary(c.notNull()))
      .addColumn('name_initials', 'text', (c) => binary(c.notNull()))
      .addColumn('address', 'text', (c) => binary(c))
      .execute();
    await sql`insert into person_search_next (person_id, org_path, name, name_pinyin, name_initials, address)
      select person_id, org_path, name, name_pinyin, name_initials, address from person_search`.execute(db);
    await db.schema.dropTable('person_search').execute();
    await db.schema.alterTable('person_search_next').renameTo('person_search').execute();
    // PostgreSQL names the primary key after the table it was created as; keep the usual name.
    if (dialect === 'postgres') {
      await sql`alter index person_search_next_pkey rename to person_search_pkey`.execute(db);
      await sql`alter table person_search rename constraint person_search_next_person_id_fkey to person_search_person_id_fkey`.execute(db);
    }
    // Every search index ends with the path (checked on the entry) and the person id (what the
    // search returns), so a search reads index entries only: PostgreSQL can scan index-only
    // instead of visiting a heap page for every entry of a two-letter prefix.
    await db.schema.createIndex('person_search_initials').on('person_search').columns(['name_initials', 'org_path', 'person_id']).execute();
    await db.schema.createIndex('person_search_pinyin').on('person_search').columns(['name_pinyin', 'org_path', 'person_id']).execute();
    await db.schema.createIndex('person_search_name').on('person_search').columns(['name', 'org_path', 'person_id']).execute();
    // With the name beside the path, "any part of a name" inside a community reads this index only.
    await db.schema.createIndex('person_search_path').on('person_search').columns(['org_path', 'name', 'person_id']).execute();
    await sql`create index person_search_address on person_search (substr(address, instr(address, '#')), org_path, person_id)`.execute(db);

    // A search comes back to person by id for each match, to check status and scope and to sort
    // by path: with those beside the id it reads this index only (new ids append to it).
    await db.schema.createIndex('person_id_scope').on('person').columns(['id', 'status', 'org_path']).execute();

    await db.schema.dropIndex('person_id_number_idx').execute();
    await sql`create unique index person_id_number_active on person (id_number_idx) where status = 'active'`.execute(db);
    await sql`create index person_id_number_ended on person (id_number_idx) where status <> 'active'`.execute(db);
  },
  async down() {
    throw new Error('irreversible');
  },
};
