import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { lit, nullInt, nullText, openWhen, type DemandSource } from '../../platform/demands/demand-source.js';
import { wordsApplying } from './forum.repository.js';
import { findWords } from './forum.text.js';

/**
 * What other modules may read of the online community without an actor: the caller (the demands
 * module, 全响应) has already scoped its user. SELECTs in the common demand shape of
 * src/platform/demands/demand-source.ts; the caller filters, pages and counts them in SQL.
 */

/** 意见建议: the deadline is the 5-working-day answer limit; answered = responded and closed. */
export function suggestionDemandSource(db: Executor): DemandSource {
  return db.selectFrom('suggestion').select([
    lit('suggestion').as('kind'),
    'id',
    nullText().as('code'),
    'title',
    lit('resident_app').as('channel'),
    sql<string>`status`.as('state'),
    'org_path',
    sql<string | null>`org_node_id`.as('org_node_id'),
    'created_at',
    sql<string | null>`answer_due_at`.as('due_at'),
    sql<string | null>`answered_at`.as('responded_at'),
    sql<string | null>`answered_at`.as('closed_at'),
    sql<number | null>`answered_on_time`.as('on_time'),
    nullInt().as('satisfaction'),
    sql<string | null>`author_person_id`.as('person_id'),
    sql<string | null>`author_user_id`.as('user_id'),
    openWhen('status', ['submitted']).as('is_open'),
  ]);
}

/**
 * 论坛提问: the forum has no question category or flag, so every resident's (non-staff) post that
 * is not deleted counts; it is responded when staff first commented (one correlated subquery, no
 * N+1) and stays open until then. No deadline and no rating.
 */
export function forumDemandSource(db: Executor): DemandSource {
  const staffReply = sql<string | null>`(select min(c.created_at) from forum_comment c where c.post_id = forum_post.id and c.author_staff = 1 and c.status = 'published')`;
  return db
    .selectFrom('forum_post')
    .where('author_staff', '=', 0)
    .where('status', '!=', 'deleted')
    .select([
      lit('forum').as('kind'),
      'id',
      nullText().as('code'),
      'title',
      lit('resident_app').as('channel'),
      sql<string>`status`.as('state'),
      'org_path',
      sql<string | null>`org_node_id`.as('org_node_id'),
      'created_at',
      nullText().as('due_at'),
      staffReply.as('responded_at'),
      staffReply.as('closed_at'),
      nullInt().as('on_time'),
      nullInt().as('satisfaction'),
      sql<string | null>`author_person_id`.as('person_id'),
      sql<string | null>`author_user_id`.as('user_id'),
      sql<number>`case when ${staffReply} is null then 1 else 0 end`.as('is_open'),
    ]);
}

/**
 * 敏感词: the community's word list (the default list and the words set for `path` and above)
 * found in texts written at `path`, normalised as the forum matches them. Block-level words
 * refuse a text; review-level ones ask a moderator to look.
 */
export async function sensitiveWordsIn(db: Executor, path: string, texts: string[]): Promise<{ block: string[]; review: string[] }> {
  const words = (await wordsApplying(db, path)).map((w) => ({ word: w.word, key: w.word_key, level: w.level }));
  return findWords(texts, words);
}
