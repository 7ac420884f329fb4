import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 志愿者与队伍: the volunteer register (linked to a registry person where there is one), the
 * consent each gave, teams with their leaders (service teams and supervision teams, 监督团), and
 * the observations supervision-team members file (监督记录), which staff turn into grid events.
 * Numbers (志愿者编号, 证明编号) come from `volunteer_number_seq`, one row per scope and year.
 */
export const createVolunteers: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('volunteer_number_seq')
      // `volunteer:2026`, `certificate:2026`
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('volunteer')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Where they registered (their community or grid): its staff manage the record.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // 志愿者编号, e.g. ZY2026-000123.
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      // Shown in lists; for a registry person a copy taken at registration (the certificate reads the registry).
      .addColumn('name', 'text', (c) => c.notNull())
      // 身份证件类型 (居民身份证, 港澳台居民居住证, 护照 …), printed on certificates.
      .addColumn('id_type', 'text', (c) => c.notNull())
      // Only for volunteers without a registry record: the number encrypted, its blind index, masked.
      .addColumn('id_number_enc', 'text')
      .addColumn('id_number_idx', 'text')
      .addColumn('id_masked', 'text')
      .addColumn('phone_enc', 'text')
      .addColumn('phone_masked', 'text')
      // JSON string arrays: skills (急救, 驾驶, 摄影 …) and availability (工作日白天, 周末 …).
      .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('availability', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('intro', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'inactive')`))
      // 知情同意: the exact text agreed to, its version, when and how (online, or on paper at the desk).
      .addColumn('consent_version', 'text', (c) => c.notNull())
      .addColumn('consent_text', 'text', (c) => c.notNull())
      .addColumn('consent_at', 'text', (c) => c.notNull())
      .addColumn('consent_how', 'text', (c) => c.notNull().check(sql`consent_how in ('online', 'paper')`))
      .addColumn('registered_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // One record per account and per person; NULLs (no account, not in the registry) repeat freely.
    await db.schema.createIndex('volunteer_user').unique().on('volunteer').column('user_id').execute();
    await db.schema.createIndex('volunteer_person').unique().on('volunteer').column('person_id').execute();
    await db.schema.createIndex('volunteer_id_number').unique().on('volunteer').column('id_number_idx').execute();
    await db.schema.createIndex('volunteer_path').on('volunteer').columns(['org_path', 'created_at']).execute();

    await db.schema
      .createTable('volunteer_team')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      // service: a service team (志愿服务队); supervision: a supervision team (监督团) whose members file observations.
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('service', 'supervision')`))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volunteer_team_node_name').unique().on('volunteer_team').columns(['org_node_id', 'name']).execute();
    await db.schema.createIndex('volunteer_team_path').on('volunteer_team').column('org_path').execute();

    await db.schema
      .createTable('volunteer_team_member')
      .addColumn('team_id', 'text', (c) => c.notNull().references('volunteer_team.id'))
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
      // 队长 (leaders, one or more) and members: leadership is data, checked by the services.
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('leader', 'member')`))
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('volunteer_team_member_pk', ['team_id', 'volunteer_id'])
      .execute();
    await db.schema.createIndex('volunteer_team_member_volunteer').on('volunteer_team_member').columns(['volunteer_id', 'role']).execute();

    await db.schema
      .createTable('volunteer_observation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('team_id', 'text', (c) => c.notNull().references('volunteer_team.id'))
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
      // The team's node: its staff review and forward.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('lat', 'double precision')
      .addColumn('lng', 'double precision')
      // JSON attachment ids (photos of purpose `volunteers.observation`).
      .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('filed', 'forwarded', 'dismissed')`))
      // Set once, in the event's own transaction (conditional UPDATE … WHERE event_id IS NULL).
      .addColumn('event_id', 'text', (c) => c.references('grid_event.id'))
      .addColumn('handled_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('handled_by_name', 'text')
      .addColumn('handled_at', 'text')
      .addColumn('dismiss_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volunteer_observation_path').on('volunteer_observation').columns(['org_path', 'status', 'created_at']).execute();
    await db.schema.createIndex('volunteer_observation_team').on('volunteer_observation').columns(['team_id', 'created_at']).execute();
    await db.schema.createIndex('volunteer_observation_volunteer').on('volunteer_observation').columns(['volunteer_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['volunteer_observation', 'volunteer_team_member', 'volunteer_team', 'volunteer', 'volunteer_number_seq']) await db.schema.dropTable(t).execute();
  },
};
