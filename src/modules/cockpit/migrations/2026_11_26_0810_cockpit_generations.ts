import type { Kysely, Migration } from 'kysely';
import { bigintType, binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 驾驶舱 at city size (issue 9): statistics in generations, with what the reads need precomputed.
 * `stat_cell` gets a generation (the old cells are dropped: they are derived, and the next refresh
 * — every 10 minutes, or POST /api/v1/cockpit/refresh — rebuilds them; until then the cockpit
 * shows "not computed yet", asOf null); `stat_node` holds every area node's subtree totals,
 * `stat_open` the published open datasets, `stat_refresh.generation` the current generation.
 */
export const cockpitGenerations: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const pathCol = binaryCollation(dialect);
    await db.schema.dropTable('stat_cell').execute();
    await db.deleteFrom('stat_refresh').execute();
    await db.schema.alterTable('stat_refresh').addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema
      .createTable('stat_cell')
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull())
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('dim1', 'text', (c) => c.notNull())
      .addColumn('dim2', 'text', (c) => c.notNull())
      .addColumn('value', bigintType(dialect), (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stat_cell_gen_pk', ['generation', 'org_node_id', 'metric', 'dim1', 'dim2'])
      .execute();
    // The overview reads one node's rows, the map its children's: an index range on the key.
    await db.schema
      .createTable('stat_node')
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('dim1', 'text', (c) => c.notNull())
      .addColumn('dim2', 'text', (c) => c.notNull())
      .addColumn('value', bigintType(dialect), (c) => c.notNull())
      .addPrimaryKeyConstraint('stat_node_pk', ['generation', 'org_node_id', 'metric', 'dim1', 'dim2'])
      .execute();
    await db.schema
      .createTable('stat_open')
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('part', 'integer', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stat_open_pk', ['generation', 'name', 'level', 'format', 'part'])
      .execute();
  },
  async down(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const pathCol = binaryCollation(dialect);
    await db.schema.dropTable('stat_open').execute();
    await db.schema.dropTable('stat_node').execute();
    await db.schema.dropTable('stat_cell').execute();
    await db.deleteFrom('stat_refresh').execute();
    await db.schema.alterTable('stat_refresh').dropColumn('generation').execute();
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
    await db.schema.createIndex('stat_cell_path').on('stat_cell').columns(['org_path', 'metric', 'dim1', 'dim2', 'value']).execute();
  },
};
