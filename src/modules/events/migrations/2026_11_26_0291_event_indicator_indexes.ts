import { sql, type Kysely, type Migration } from 'kysely';
import { bigintType, dialectOf } from '../../../platform/db/dialect.js';

/** What the indicators read of an event besides its place and report time. */
export const INDICATOR_COLUMNS = [
  'state',
  'due_at',
  'accepted_at',
  'first_dispatched_at',
  'handled_at',
  'closed_at',
  'close_due_at',
  'closed_on_time',
  'dispatch_count',
  'return_count',
  'handling_count',
  'rework_count',
  'extension_count',
  'suspended',
  'rating',
  'org_node_id',
  'category_id',
  'assignee_node_id',
  'assignee_department_code',
  'response_work_seconds',
  'handling_work_seconds',
  'handling_work_for',
] as const;

/**
 * Rows whose working times are still to be measured (indicators.durations.ts): the partial
 * index holds only them, so the job finds its work without scanning the table. The job's
 * query repeats this condition word for word, which is what lets both databases use it.
 */
export const PENDING_DURATIONS =
  '(accepted_at is not null and response_work_seconds is null) or (handled_at is not null and first_dispatched_at is not null and (handling_work_for is null or handling_work_for <> handled_at))';

/**
 * Indicators (events.indicators.ts) and the dispatcher's queue at a million events.
 *
 * - Working times as facts on the row: response_work_seconds (report → acceptance) and
 *   handling_work_seconds (first dispatch → 处置完毕, measured to handling_work_for, the
 *   handled_at it was measured to: a rework and a new finish make it stale). Filled by the
 *   indicators' job from the calendar; until then the query measures those rows itself.
 * - grid_event_indicators: keyed by place and report time, holding every fact the indicators
 *   count, so a sub-district's year is one contiguous read per grid and never a visit to the
 *   rows (which lie in report order across the whole table). PostgreSQL keeps the facts as
 *   INCLUDE columns.
 * - grid_event_work_pending: the rows still to be measured.
 * - grid_event_state_path: the queue (open states of a subtree, by deadline) seeks each state's
 *   events inside the subtree; (state, due_at) made SQLite visit every open event of the city
 *   to test its path, and (org_path, state, due_at) every event of the subtree.
 */
export const eventIndicatorIndexes: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    await db.schema.alterTable('grid_event').addColumn('response_work_seconds', bigintType(dialect)).execute();
    await db.schema.alterTable('grid_event').addColumn('handling_work_seconds', bigintType(dialect)).execute();
    await db.schema.alterTable('grid_event').addColumn('handling_work_for', 'text').execute();
    if (dialect === 'postgres') {
      const facts = INDICATOR_COLUMNS.join(', ');
      await sql.raw(`create index grid_event_indicators on grid_event (org_path, created_at) include (${facts})`).execute(db);
    } else {
      await db.schema.createIndex('grid_event_indicators').on('grid_event').columns(['org_path', 'created_at', ...INDICATOR_COLUMNS]).execute();
    }
    await sql.raw(`create index grid_event_work_pending on grid_event (id) where ${PENDING_DURATIONS}`).execute(db);
    await db.schema.createIndex('grid_event_state_path').on('grid_event').columns(['state', 'org_path', 'due_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('grid_event_state_path').execute();
    await db.schema.dropIndex('grid_event_work_pending').execute();
    await db.schema.dropIndex('grid_event_indicators').execute();
    await db.schema.alterTable('grid_event').dropColumn('handling_work_for').execute();
    await db.schema.alterTable('grid_event').dropColumn('handling_work_seconds').execute();
    await db.schema.alterTable('grid_event').dropColumn('response_work_seconds').execute();
  },
};
