import type { PlatformContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import type { TagSource } from './tags.table.js';

export interface FixtureTag {
  personId: string;
  tag: string;
  source?: TagSource;
  departmentCode?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  /** An ended tag (history only): not held any more. */
  ended?: boolean;
}

/**
 * Tags for read-path tests, written straight to person_tag (the tags API is tested on its
 * own): the tag definitions are created first when missing.
 */
export async function tagPeople(ctx: PlatformContext, tags: FixtureTag[]): Promise<void> {
  const db = ctx.db.kysely;
  const at = ctx.now().toISOString();
  const codes = [...new Set(tags.map((t) => t.tag))];
  const known = new Set((await db.selectFrom('tag_definition').select('code').where('code', 'in', codes).execute()).map((r) => r.code));
  const missing = codes.filter((c) => !known.has(c));
  if (missing.length) {
    await db
      .insertInto('tag_definition')
      .values(missing.map((code, i) => ({ code, category: '特殊人群', description: null, derived_rule: null, sensitive: 1, sort: 100 + i, created_at: at })))
      .execute();
  }
  await db
    .insertInto('person_tag')
    .values(
      tags.map((t) => ({
        id: newId(),
        person_id: t.personId,
        tag: t.tag,
        source: t.source ?? 'typed',
        department_code: t.departmentCode ?? null,
        valid_from: t.validFrom ?? null,
        valid_to: t.validTo ?? null,
        note: null,
        created_by: null,
        created_at: at,
        ended_at: t.ended ? at : null,
        ended_by: null,
        end_reason: t.ended ? '测试：已结束' : null,
      })),
    )
    .execute();
}
