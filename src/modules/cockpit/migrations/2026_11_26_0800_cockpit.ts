import type { Kysely, Migration } from 'kysely';
import { bigintType, binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 驾驶舱: per-grid statistics cells (precomputed, so no request scans people or events). */
export const createCockpit: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const pathCol = binaryCollation(dialect);
    await db.schema
      .createTable('stat_cell')
      .addColumn('org_node_id', 'text', (c) => c.notNull())
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('dim1', 'text', (c) => c.notNull())
      .addColumn('dim2', 'text', (c) => c.notNull())
      .addColumn('value', bigintType(dialect), (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stat_cell_pk', ['org_node_id', 'metric', 'dim1', 'dim2'])
      .execute();
    await db.schema.createIndex('stat_cell_metric_path').on('stat_cell').columns(['metric', 'org_path']).execute();
    // A subtree's sums read only this index (PostgreSQL: index-only scan).
    await db.schema.createIndex('stat_cell_path').on('stat_cell').columns(['org_path', 'metric', 'dim1', 'dim2', 'value']).execute();
    await db.schema
      .createTable('stat_refresh')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addColumn('cells', 'integer', (c) => c.notNull())
      .addColumn('ms', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('stat_refresh').execute();
    await db.schema.dropTable('stat_cell').execute();
  },
};
