import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 周边商圈资讯: merchants near a community, by category, with opening hours and offers. */
export const createMerchants: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('merchant')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The community whose directory lists it.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      // The shop's published business line, shown to the public.
      .addColumn('phone', 'text')
      .addColumn('lat', 'real')
      .addColumn('lng', 'real')
      // JSON {periods: [{days: [1..7], open: 'HH:MM', close: 'HH:MM'}], note}.
      .addColumn('opening_hours', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('merchant_path_category').on('merchant').columns(['org_path', 'category', 'sort']).execute();
    await db.schema.createIndex('merchant_category').on('merchant').columns(['category', 'active']).execute();

    await db.schema
      .createTable('merchant_offer')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchant.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      // Local dates, inclusive.
      .addColumn('starts_on', 'text', (c) => c.notNull())
      .addColumn('ends_on', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('merchant_offer_dates', sql`starts_on <= ends_on`)
      .execute();
    await db.schema.createIndex('merchant_offer_merchant').on('merchant_offer').columns(['merchant_id', 'ends_on']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('merchant_offer').execute();
    await db.schema.dropTable('merchant').execute();
  },
};
