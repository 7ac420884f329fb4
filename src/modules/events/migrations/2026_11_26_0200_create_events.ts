import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 网格事件: categories as data, events (one row per case, mirroring the workflow's state and
 * the facts indicators count, so a year of a sub-district is one range scan), the files of
 * each step, and patrols with their track.
 */
export const createEvents: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('event_category')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('parent_id', 'text', (c) => c.references('event_category.id'))
      // Stable, short, ASCII: the Open311 service_code.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text')
      .addColumn('description', 'text')
      .addColumn('keywords', 'text')
      // community | street | department: who handles it unless the dispatcher decides otherwise.
      .addColumn('default_unit', 'text', (c) => c.notNull())
      .addColumn('default_department_code', 'text', (c) => c.references('department.code'))
      .addColumn('response_hours', 'real', (c) => c.notNull())
      .addColumn('handling_hours', 'real', (c) => c.notNull())
      // JSON array of attribute definitions (code, label, datatype, required, values, order).
      .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('public', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('event_category_parent').on('event_category').columns(['parent_id', 'sort']).execute();

    await db.schema
      .createTable('grid_event')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 事件编号 as people read it out on the phone: SJ + date + sequence.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('category_id', 'text', (c) => c.notNull().references('event_category.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('source', 'text')
      .addColumn('source_order_no', 'text')
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('workflow_instance_id', 'text', (c) => c.references('workflow_instance.id'))
      // Where it happened: a grid (or the community when no grid is known).
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('lat', 'real')
      .addColumn('lng', 'real')
      .addColumn('address', 'text')
      .addColumn('address_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
      // Who reported it: an account, a registry person, an Open311 client; names and phones of
      // callers only encrypted, and never shown outside the staff who handle the event.
      .addColumn('reporter_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('reporter_person_id', 'text')
      .addColumn('reporter_token_id', 'text', (c) => c.references('api_token.id'))
      .addColumn('reporter_name_enc', 'text')
      .addColumn('reporter_phone_enc', 'text')
      .addColumn('patrol_id', 'text')
      .addColumn('promoted_from', 'text')
      .addColumn('merged_into_id', 'text', (c) => c.references('grid_event.id'))
      // Whom it is dispatched to: a unit (node, optionally a department there) and/or a person.
      .addColumn('assignee_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('assignee_department_code', 'text', (c) => c.references('department.code'))
      .addColumn('assignee_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('escalated_at', 'text')
      // The running stage's clock (mirrors the workflow) and what the deadline job has said about it.
      .addColumn('stage_started_at', 'text')
      .addColumn('due_at', 'text')
      .addColumn('warn_at', 'text')
      .addColumn('warned_at', 'text')
      .addColumn('overdue_at', 'text')
      // Facts the indicators count (按期结案率, 返工率, 准确派遣率 …), kept on the row as they happen.
      .addColumn('accepted_at', 'text')
      .addColumn('first_dispatched_at', 'text')
      .addColumn('handling_started_at', 'text')
      .addColumn('handled_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('close_due_at', 'text')
      .addColumn('closed_on_time', 'integer')
      .addColumn('dispatch_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('return_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('handling_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rework_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rating', 'text')
      .addColumn('rating_comment', 'text')
      .addColumn('rated_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('grid_event_path_created').on('grid_event').columns(['org_path', 'created_at']).execute();
    await db.schema.createIndex('grid_event_state_due').on('grid_event').columns(['state', 'due_at']).execute();
    await db.schema.createIndex('grid_event_path_state').on('grid_event').columns(['org_path', 'state', 'due_at']).execute();
    await db.schema.createIndex('grid_event_warn').on('grid_event').columns(['warn_at', 'warned_at']).execute();
    await db.schema.createIndex('grid_event_assignee').on('grid_event').columns(['assignee_node_id', 'state']).execute();
    await db.schema.createIndex('grid_event_assignee_user').on('grid_event').columns(['assignee_user_id', 'state']).execute();
    await db.schema.createIndex('grid_event_reporter').on('grid_event').columns(['reporter_user_id', 'created_at']).execute();
    await db.schema.createIndex('grid_event_token').on('grid_event').columns(['reporter_token_id', 'created_at']).execute();
    await db.schema.createIndex('grid_event_created').on('grid_event').columns(['created_at']).execute();
    await db.schema.createIndex('grid_event_source_order').on('grid_event').columns(['source', 'source_order_no']).execute();

    // Photos and files of a step (report, progress, finish, check): each an attachment.
    await db.schema
      .createTable('event_attachment')
      .addColumn('event_id', 'text', (c) => c.notNull().references('grid_event.id'))
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_attachment_pk', ['event_id', 'attachment_id'])
      .execute();

    await db.schema
      .createTable('event_patrol')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('grid_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('worker_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('distance_m', 'real', (c) => c.notNull().defaultTo(0))
      .addColumn('point_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('summary', 'text')
      .execute();
    await db.schema.createIndex('event_patrol_path').on('event_patrol').columns(['org_path', 'started_at']).execute();
    await db.schema.createIndex('event_patrol_worker').on('event_patrol').columns(['worker_user_id', 'started_at']).execute();

    await db.schema
      .createTable('event_patrol_point')
      .addColumn('patrol_id', 'text', (c) => c.notNull().references('event_patrol.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('lat', 'real', (c) => c.notNull())
      .addColumn('lng', 'real', (c) => c.notNull())
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('event_patrol_point_pk', ['patrol_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('event_patrol_point').execute();
    await db.schema.dropTable('event_patrol').execute();
    await db.schema.dropTable('event_attachment').execute();
    await db.schema.dropTable('grid_event').execute();
    await db.schema.dropTable('event_category').execute();
  },
};
