import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import './tags.table.js';

/**
 * "The person holds one of these tags today": not ended, and today inside its validity dates.
 * Used by the people list (department scopes, tag filters) and by ledgers, so every reader
 * agrees on what "has the tag" means. `today` is `YYYY-MM-DD` in Beijing time.
 */
export function whereHasActiveTag(tags: string[], today: string) {
  return (eb: ExpressionBuilder<Database, 'person'>): Expression<SqlBool> => {
    if (tags.length === 0) return sql<SqlBool>`1 = 0`;
    return eb.exists(
      eb
        .selectFrom('person_tag')
        .select(sql`1`.as('one'))
        .whereRef('person_tag.person_id', '=', 'person.id')
        .where('person_tag.tag', 'in', tags)
        .where('person_tag.ended_at', 'is', null)
        .where((w) => w.or([w('person_tag.valid_from', 'is', null), w('person_tag.valid_from', '<=', today)]))
        .where((w) => w.or([w('person_tag.valid_to', 'is', null), w('person_tag.valid_to', '>=', today)])),
    );
  };
}

/** Today's date in China (UTC+8, no daylight saving), as tags' validity dates are written. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
