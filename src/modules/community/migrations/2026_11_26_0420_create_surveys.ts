import { type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 民意调查: surveys targeted like notices; one response per eligible person, anonymous or named. */
export const createSurveys: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('survey')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // JSON [{id, kind, title, required, options?, minPicks?, maxPicks?, maxLength?}] in order.
      .addColumn('questions', 'text', (c) => c.notNull())
      // JSON {nodeIds, tags, tagMode}, as notices.
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('audience_label', 'text', (c) => c.notNull())
      .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('results_public', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('opens_at', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('eligible_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('published_at', 'text')
      .addColumn('published_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('survey_path_status').on('survey').columns(['org_path', 'status']).execute();

    // Who may answer, fixed at publishing (so turnout is exact).
    await db.schema
      .createTable('survey_eligible')
      .addColumn('survey_id', 'text', (c) => c.notNull().references('survey.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addPrimaryKeyConstraint('survey_eligible_pk', ['survey_id', 'person_id'])
      .execute();
    await db.schema.createIndex('survey_eligible_user').on('survey_eligible').columns(['user_id', 'survey_id']).execute();

    // "Has responded": one row per person and survey, the unique key that refuses a second
    // response (also under concurrent submits). Never linked to the answers.
    await db.schema
      .createTable('survey_participation')
      .addColumn('survey_id', 'text', (c) => c.notNull().references('survey.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('responded_on', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('survey_participation_pk', ['survey_id', 'person_id'])
      .execute();

    // The answers. person_id / user_id are null for anonymous surveys.
    await db.schema
      .createTable('survey_response')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('survey_id', 'text', (c) => c.notNull().references('survey.id'))
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('survey_response_survey').on('survey_response').columns(['survey_id', 'submitted_at']).execute();
    await db.schema
      .createTable('survey_answer')
      .addColumn('response_id', 'text', (c) => c.notNull().references('survey_response.id'))
      .addColumn('survey_id', 'text', (c) => c.notNull().references('survey.id'))
      .addColumn('question_id', 'text', (c) => c.notNull())
      .addColumn('option_id', 'text')
      .addColumn('rating', 'integer')
      .addColumn('text', 'text')
      .execute();
    await db.schema.createIndex('survey_answer_question').on('survey_answer').columns(['survey_id', 'question_id', 'option_id']).execute();
    await db.schema.createIndex('survey_answer_response').on('survey_answer').columns(['response_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('survey_answer').execute();
    await db.schema.dropTable('survey_response').execute();
    await db.schema.dropTable('survey_participation').execute();
    await db.schema.dropTable('survey_eligible').execute();
    await db.schema.dropTable('survey').execute();
  },
};
