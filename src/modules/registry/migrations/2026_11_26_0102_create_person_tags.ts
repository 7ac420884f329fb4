import type { Kysely, Migration } from 'kysely';

/** Special-group tags (特殊人群标签): what departments subscribe to and ledgers are built from. */
export const createPersonTags: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tag_definition')
      .addColumn('code', 'text', (c) => c.primaryKey()) // the Chinese name is the code: 低保, 高龄老人 …
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      // JSON rule for derived tags, e.g. {"kind":"age","min":80}; null for typed/granted tags.
      .addColumn('derived_rule', 'text')
      .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    // A tag row is never deleted: it is ended (ended_at, end_reason), which is its history.
    await db.schema
      .createTable('person_tag')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('tag', 'text', (c) => c.notNull().references('tag_definition.code'))
      .addColumn('source', 'text', (c) => c.notNull()) // typed | imported | derived | department
      .addColumn('department_code', 'text')
      .addColumn('valid_from', 'text')
      .addColumn('valid_to', 'text')
      .addColumn('note', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('end_reason', 'text')
      .execute();
    await db.schema.createIndex('person_tag_person').on('person_tag').columns(['person_id', 'tag']).execute();
    await db.schema.createIndex('person_tag_tag').on('person_tag').columns(['tag', 'person_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('person_tag').execute();
    await db.schema.dropTable('tag_definition').execute();
  },
};
