import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { modules } from '../index.js';

describe(`demo surveys (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has a closed survey of 西山社区第一网格 with 60 anonymous responses and an open one', async () => {
    const db = platform.ctx.db.kysely;
    const rows = await db.selectFrom('survey').select(['id', 'title', 'status', 'eligible_count', 'anonymous']).orderBy('created_at').execute();
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      ['垃圾分类投放点满意度调查', 'closed'],
      ['社区养老与活动需求调查', 'published'],
    ]);
    const closed = rows[0]!;
    expect(closed.eligible_count).toBeGreaterThan(60);
    const responses = await db.selectFrom('survey_response').select(['person_id']).where('survey_id', '=', closed.id).execute();
    expect(responses).toHaveLength(60);
    expect(responses.every((r) => r.person_id === null)).toBe(true);
    const q1 = await db.selectFrom('survey_answer').select('option_id').where('survey_id', '=', closed.id).where('question_id', '=', 'q1').execute();
    expect(q1).toHaveLength(60);
    expect(rows[1]!.eligible_count).toBeGreaterThan(closed.eligible_count);
  });
});
