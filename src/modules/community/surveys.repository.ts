import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import './surveys.table.js';
import { accountOfPerson, audiencePeople, countAudience, type AudienceFilter } from '../registry/registry.facts.js';

/** The only SQL of surveys. The audience is the same rule as notices' (subtrees × tags valid on the day). */

export { countAudience };
export type { AudienceFilter };

/** One eligibility row per person of the audience, in one statement; returns how many. */
export async function insertEligible(db: Executor, surveyId: string, a: AudienceFilter): Promise<number> {
  const res = await db
    .insertInto('survey_eligible')
    .columns(['survey_id', 'person_id', 'user_id', 'org_path'])
    .expression(audiencePeople(db, a).select([sql<string>`cast(${surveyId} as text)`.as('survey_id'), 'p.id', accountOfPerson.as('user_id'), 'p.org_path']))
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

export async function eligibleUsers(db: Executor, surveyId: string): Promise<string[]> {
  const rows = await db.selectFrom('survey_eligible').select('user_id').where('survey_id', '=', surveyId).where('user_id', 'is not', null).execute();
  return rows.map((r) => r.user_id!);
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function responseCounts(db: Executor, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('survey_participation').select(['survey_id', sql<number>`count(*)`.as('n')]).where('survey_id', 'in', ids).groupBy('survey_id').execute();
  return new Map(rows.map((r) => [r.survey_id, Number(r.n)]));
}

/** Who the resident is to a survey: the registry person when linked, else the account. */
export function eligibleRow(db: Executor, surveyId: string, who: { personId: string | null; userId: string }) {
  return db
    .selectFrom('survey_eligible')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .where((eb) => (who.personId ? eb('person_id', '=', who.personId) : eb('user_id', '=', who.userId)))
    .executeTakeFirst();
}

export async function hasResponded(db: Executor, surveyId: string, personId: string) {
  return !!(await db.selectFrom('survey_participation').select('person_id').where('survey_id', '=', surveyId).where('person_id', '=', personId).executeTakeFirst());
}

/** Published or closed surveys this resident is eligible for, with whether they answered. */
export function listMine(db: Executor, who: { personId: string | null; userId: string }) {
  return db
    .selectFrom('survey_eligible as e')
    .innerJoin('survey as s', 's.id', 'e.survey_id')
    .leftJoin('survey_participation as sp', (j) => j.onRef('sp.survey_id', '=', 'e.survey_id').onRef('sp.person_id', '=', 'e.person_id'))
    .selectAll('s')
    .select(sql<string | null>`sp.responded_on`.as('responded_on'))
    .where('s.status', '!=', 'draft')
    .where((eb) => (who.personId ? eb('e.person_id', '=', who.personId) : eb('e.user_id', '=', who.userId)))
    .orderBy('s.closes_at', 'desc')
    .limit(100)
    .execute();
}

export async function optionCounts(db: Executor, surveyId: string) {
  return db
    .selectFrom('survey_answer')
    .select(['question_id', 'option_id', 'rating', sql<number>`count(*)`.as('n'), sql<number>`count(text)`.as('texts'), sql<number>`count(distinct response_id)`.as('responses')])
    .where('survey_id', '=', surveyId)
    .groupBy(['question_id', 'option_id', 'rating'])
    .execute();
}

export async function answeredPerQuestion(db: Executor, surveyId: string) {
  return db
    .selectFrom('survey_answer')
    .select(['question_id', sql<number>`count(distinct response_id)`.as('n')])
    .where('survey_id', '=', surveyId)
    .groupBy('question_id')
    .execute();
}
