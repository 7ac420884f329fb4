import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../db/dialect.js';
import { HOLIDAYS_2026 } from '../calendar/holidays-2026.js';

/** Tables of the workflow engine, the working-day calendar and the scheduler. */
export const workflowCalendarScheduler: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);

    await db.schema
      .createTable('work_calendar_day')
      .addColumn('date', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('holiday', 'workday')`))
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    // Staff must check these against the State Council's notice and add each new year via the API.
    await db.insertInto('work_calendar_day').values(HOLIDAYS_2026.map((d) => ({ ...d }))).execute();

    await db.schema
      .createTable('workflow_instance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('due_at', 'text')
      .addColumn('clock_paused_at', 'text')
      .addColumn('deadline_factor', 'double precision', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('workflow_instance_subject').on('workflow_instance').columns(['subject_type', 'subject_id']).execute();
    await db.schema.createIndex('workflow_instance_state').on('workflow_instance').columns(['definition', 'state']).execute();
    await db.schema.createIndex('workflow_instance_due').on('workflow_instance').columns(['due_at']).execute();

    await db.schema
      .createTable('workflow_transition')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('instance_id', 'text', (c) => c.notNull().references('workflow_instance.id'))
      // The instance version this step produced: orders the history, and two steps can never both claim one.
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('transition', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_role', 'text')
      .addColumn('comment', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await db.schema.createIndex('workflow_transition_instance').on('workflow_transition').columns(['instance_id', 'version']).unique().execute();

    // The history of a case is evidence (who did what, when): append-only, like the audit log.
    if (dialect === 'postgres') {
      await sql`CREATE OR REPLACE FUNCTION workflow_transition_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'workflow_transition is append-only'; END; $$ LANGUAGE plpgsql`.execute(db);
      await sql`CREATE TRIGGER workflow_transition_no_update BEFORE UPDATE OR DELETE ON workflow_transition
        FOR EACH ROW EXECUTE FUNCTION workflow_transition_append_only()`.execute(db);
    } else {
      await sql`CREATE TRIGGER workflow_transition_no_update BEFORE UPDATE ON workflow_transition
        BEGIN SELECT RAISE(ABORT, 'workflow_transition is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER workflow_transition_no_delete BEFORE DELETE ON workflow_transition
        BEGIN SELECT RAISE(ABORT, 'workflow_transition is append-only'); END`.execute(db);
    }

    await db.schema
      .createTable('scheduled_job')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text')
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    // What a poll asks: due pending jobs, and running jobs whose lease ran out.
    await db.schema.createIndex('scheduled_job_due').on('scheduled_job').columns(['status', 'run_at']).execute();
    await db.schema.createIndex('scheduled_job_lease').on('scheduled_job').columns(['status', 'locked_until']).execute();
  },
  async down() {
    throw new Error('the platform core cannot be rolled back');
  },
};
