import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

export const createRegistry: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('household')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull())
      // No foreign key: a household and its head are created together, in either order.
      .addColumn('head_person_id', 'text')
      .addColumn('dwelling_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('household_org_path').on('household').column('org_path').execute();
    await db.schema.createIndex('household_dwelling').on('household').column('dwelling_id').execute();
    await db.schema.createIndex('household_number').on('household').column('number').execute();

    await db.schema
      .createTable('person')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id_type', 'text', (c) => c.notNull())
      .addColumn('id_number_enc', 'text')
      .addColumn('id_number_idx', 'text')
      .addColumn('id_number_region', 'text')
      .addColumn('id_number_tail', 'text')
      .addColumn('gender', 'text', (c) => c.notNull())
      .addColumn('birth_date', 'text')
      .addColumn('phone_enc', 'text')
      .addColumn('phone_idx', 'text')
      .addColumn('phone_prefix', 'text')
      .addColumn('phone_tail', 'text')
      .addColumn('ethnicity', 'text')
      .addColumn('residence_type', 'text', (c) => c.notNull())
      .addColumn('household_id', 'text', (c) => c.references('household.id'))
      .addColumn('dwelling_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // (org_path, id): a subtree is one range scan, already in the order lists page through.
    await db.schema.createIndex('person_org_path').on('person').columns(['org_path', 'id']).execute();
    await db.schema.createIndex('person_id_number_idx').on('person').column('id_number_idx').execute();
    await db.schema.createIndex('person_phone_idx').on('person').column('phone_idx').execute();
    await db.schema.createIndex('person_household').on('person').column('household_id').execute();
    await db.schema.createIndex('person_dwelling').on('person').column('dwelling_id').execute();

    await db.schema
      .createTable('dwelling_info')
      .addColumn('org_node_id', 'text', (c) => c.primaryKey().references('org_node.id'))
      .addColumn('area_m2', 'double precision')
      .addColumn('use', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('building_info')
      .addColumn('org_node_id', 'text', (c) => c.primaryKey().references('org_node.id'))
      .addColumn('resident_group', 'integer')
      .addColumn('floors', 'integer')
      .execute();
    await db.schema.createIndex('building_info_group').on('building_info').column('resident_group').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('building_info').execute();
    await db.schema.dropTable('dwelling_info').execute();
    await db.schema.dropTable('person').execute();
    await db.schema.dropTable('household').execute();
  },
};
