import { afterWatermark, registerOpinionSource, type OpinionSource } from './opinion.sources.js';
import './forum.table.js';

/**
 * 兴趣社区 as opinion sources, read only. Posts: `id`, `org_node_id` (the author's grid, or
 * community), `created_at` (watermark and week), `title` and the plain-text copy `body_text`
 * (never the HTML). Comments: `id`, `org_node_id`, `created_at`, `body`.
 *
 * Every status counts, as suggestions' hidden ones do: what residents wrote is the signal, even
 * when a moderator held, rejected or hid it (block-level words never reach the table). An edit
 * after the ingest read a post is not read again (the watermark is the creation time).
 */
export const forumPostsSource: OpinionSource = {
  name: 'forum-posts',
  label: '论坛帖子',
  consoleLink: () => '/console/community/forum',
  async since(db, watermark, limit) {
    const rows = await db
      .selectFrom('forum_post')
      .select(['id', 'org_node_id', 'created_at', 'title', 'body_text'])
      .where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, orgNodeId: r.org_node_id, at: r.created_at, text: `${r.title}\n${r.body_text}` }));
  },
};

export const forumCommentsSource: OpinionSource = {
  name: 'forum-comments',
  label: '论坛评论',
  consoleLink: () => '/console/community/forum',
  async since(db, watermark, limit) {
    const rows = await db
      .selectFrom('forum_comment')
      .select(['id', 'org_node_id', 'created_at', 'body'])
      .where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, orgNodeId: r.org_node_id, at: r.created_at, text: r.body }));
  },
};

registerOpinionSource(forumPostsSource);
registerOpinionSource(forumCommentsSource);
