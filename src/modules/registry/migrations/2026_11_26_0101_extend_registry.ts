import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * The registry's full shape: every field of a person that staff keep (民族, 政治面貌, 学历,
 * 婚姻状况, 户籍地, 人户状态, 与户主关系), how a record ends, its change history, person–dwelling
 * links, organisations in the grid, residents' correction requests, each person's access log
 * (PIPL right to know) and the search index (pinyin and initials).
 */
export const extendRegistry: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    for (const [name, type] of [
      ['political_status', 'text'],
      ['education', 'text'],
      ['marital_status', 'text'],
      ['hukou_address', 'text'],
      ['household_residence_status', 'text'],
      ['relation_to_head', 'text'],
      ['occupation', 'text'],
      ['end_kind', 'text'],
      ['end_date', 'text'],
      ['end_reason', 'text'],
      ['ended_at', 'text'],
    ] as const) {
      await db.schema.alterTable('person').addColumn(name, type).execute();
    }

    await db.schema.alterTable('dwelling_info').addColumn('rental_start', 'text').execute();
    await db.schema.alterTable('dwelling_info').addColumn('rental_end', 'text').execute();
    await db.schema.alterTable('dwelling_info').addColumn('rental_note', 'text').execute();
    await db.schema.alterTable('dwelling_info').addColumn('updated_at', 'text').execute();

    await db.schema
      .createTable('person_dwelling_link')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('dwelling_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('relation', 'text', (c) => c.notNull()) // owner | tenant | resident
      .addColumn('from_date', 'text')
      .addColumn('to_date', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('person_dwelling_link_person').on('person_dwelling_link').column('person_id').execute();
    await db.schema.createIndex('person_dwelling_link_dwelling').on('person_dwelling_link').column('dwelling_id').execute();

    await db.schema
      .createTable('person_change')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('old_value', 'text') // sensitive values stored masked
      .addColumn('new_value', 'text')
      .addColumn('reason', 'text')
      .addColumn('source', 'text', (c) => c.notNull()) // form | import | correction | system
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('person_change_person').on('person_change').columns(['person_id', 'at']).execute();

    await db.schema
      .createTable('organisation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull()) // enterprise | shop | social_org | public_institution | other
      .addColumn('credit_code', 'text') // 统一社会信用代码 (GB 32100)
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('address', 'text')
      .addColumn('legal_representative', 'text')
      .addColumn('contact_name', 'text')
      .addColumn('contact_phone_enc', 'text')
      .addColumn('contact_phone_idx', 'text')
      .addColumn('contact_phone_prefix', 'text')
      .addColumn('contact_phone_tail', 'text')
      .addColumn('employees', 'integer')
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('organisation_org_path').on('organisation').columns(['org_path', 'id']).execute();

    await db.schema
      .createTable('correction_request')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('requester_user_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('requested_value', 'text')
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull()) // open | done | rejected
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('handled_by', 'text')
      .addColumn('handled_at', 'text')
      .addColumn('response', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('correction_request_path').on('correction_request').columns(['status', 'org_path']).execute();
    await db.schema.createIndex('correction_request_person').on('correction_request').column('person_id').execute();

    await db.schema
      .createTable('person_access')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('department_code', 'text')
      .addColumn('kind', 'text', (c) => c.notNull()) // view | unmask | list | export | ledger | lookup
      .addColumn('purpose', 'text')
      .execute();
    await db.schema.createIndex('person_access_person').on('person_access').columns(['person_id', 'at']).execute();

    await db.schema
      .createTable('person_search')
      .addColumn('person_id', 'text', (c) => c.primaryKey().references('person.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_pinyin', 'text', (c) => c.notNull()) // "zhangsan"
      .addColumn('name_initials', 'text', (c) => c.notNull()) // "zs"
      .addColumn('address', 'text')
      .execute();
    await db.schema.createIndex('person_search_initials').on('person_search').columns(['name_initials', 'org_path']).execute();
    await db.schema.createIndex('person_search_pinyin').on('person_search').columns(['name_pinyin', 'org_path']).execute();
    await db.schema.createIndex('person_search_name').on('person_search').columns(['name', 'org_path']).execute();
    await db.schema.createIndex('person_search_path').on('person_search').column('org_path').execute();
  },
  async down() {
    throw new Error('irreversible');
  },
};
