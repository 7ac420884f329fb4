import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** Roster imports (人口导入): the job with its progress and counts, and the rows it rejected. */
export const createImports: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('import_job')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('file_attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      // JSON array: the file's column headings, the columns of the rejected-rows report.
      .addColumn('columns', 'text', (c) => c.notNull())
      .addColumn('community_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total_rows', 'integer')
      .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('runner', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('heartbeat_at', 'text')
      .execute();
    await db.schema.createIndex('import_job_created_by').on('import_job').columns(['created_by', 'created_at']).execute();
    await db.schema.createIndex('import_job_org_path').on('import_job').columns(['org_path', 'created_at']).execute();

    // One row of a file is rejected at most once: a chunk that rolled back left none of its rows here.
    await db.schema
      .createTable('import_rejection')
      .addColumn('job_id', 'text', (c) => c.notNull().references('import_job.id'))
      .addColumn('row_number', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('import_rejection_pk', ['job_id', 'row_number'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('import_rejection').execute();
    await db.schema.dropTable('import_job').execute();
  },
};
