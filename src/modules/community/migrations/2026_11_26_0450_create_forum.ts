import { type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';
import { newId } from '../../../platform/ids.js';

/**
 * The platform-wide default 敏感词 list (a modest start; staff add their own per community).
 * `block` is refused outright (fraud, gambling, drugs, weapons); `review` holds the item for a
 * moderator (spam and abuse that may be innocent in context).
 */
export const DEFAULT_SENSITIVE_WORDS: { word: string; level: 'review' | 'block' }[] = [
  { word: '六合彩', level: 'block' },
  { word: '网络赌博', level: 'block' },
  { word: '赌博网站', level: 'block' },
  { word: '代开发票', level: 'block' },
  { word: '办证刻章', level: 'block' },
  { word: '枪支弹药', level: 'block' },
  { word: '冰毒', level: 'block' },
  { word: '裸聊', level: 'block' },
  { word: '迷药', level: 'block' },
  { word: '刷单', level: 'review' },
  { word: '兼职日结', level: 'review' },
  { word: '高利贷', level: 'review' },
  { word: '投资理财', level: 'review' },
  { word: '加微信', level: 'review' },
  { word: '免费领取', level: 'review' },
  { word: '骗子', level: 'review' },
  { word: '傻逼', level: 'review' },
];

/** 兴趣社区: groups, members, nicknames, posts with pictures, comments, likes, reports, sensitive words. */
export const createForum: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('forum_group')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('closed_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('forum_group_node_name').on('forum_group').columns(['org_node_id', 'name']).unique().execute();
    await db.schema.createIndex('forum_group_path').on('forum_group').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('forum_member')
      .addColumn('group_id', 'text', (c) => c.notNull().references('forum_group.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('forum_member_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('forum_member_user').on('forum_member').columns(['user_id']).execute();

    await db.schema
      .createTable('forum_profile')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id'))
      .addColumn('community_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('nickname', 'text', (c) => c.notNull())
      .addColumn('nickname_key', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      .addColumn('last_write_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('forum_profile_nickname').on('forum_profile').columns(['community_node_id', 'nickname_key']).unique().execute();

    await db.schema
      .createTable('forum_post')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('forum_group.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('author_person_id', 'text', (c) => c.references('person.id'))
      .addColumn('author_staff', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('body_text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review_words', 'text')
      .addColumn('moderation_reason', 'text')
      .addColumn('moderated_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('moderated_at', 'text')
      .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'text')
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('forum_post_group').on('forum_post').columns(['group_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('forum_post_author').on('forum_post').columns(['author_user_id', 'created_at']).execute();
    await db.schema.createIndex('forum_post_path').on('forum_post').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('forum_post_image')
      .addColumn('post_id', 'text', (c) => c.notNull().references('forum_post.id'))
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('forum_post_image_pk', ['post_id', 'attachment_id'])
      .execute();
    await db.schema.createIndex('forum_post_image_attachment').on('forum_post_image').columns(['attachment_id']).execute();

    await db.schema
      .createTable('forum_comment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('post_id', 'text', (c) => c.notNull().references('forum_post.id'))
      .addColumn('group_id', 'text', (c) => c.notNull().references('forum_group.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('author_person_id', 'text', (c) => c.references('person.id'))
      .addColumn('author_staff', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review_words', 'text')
      .addColumn('moderation_reason', 'text')
      .addColumn('moderated_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('moderated_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('forum_comment_post').on('forum_comment').columns(['post_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('forum_comment_author').on('forum_comment').columns(['author_user_id', 'created_at']).execute();
    await db.schema.createIndex('forum_comment_path').on('forum_comment').columns(['org_path', 'status']).execute();

    // One like per user and post: the primary key makes a second (or concurrent) like a no-op.
    await db.schema
      .createTable('forum_like')
      .addColumn('post_id', 'text', (c) => c.notNull().references('forum_post.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('forum_like_pk', ['post_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('forum_report')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text', (c) => c.notNull().references('forum_post.id'))
      .addColumn('group_id', 'text', (c) => c.notNull().references('forum_group.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('reporter_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('handled_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('handled_at', 'text')
      .addColumn('resolution', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('forum_report_once').on('forum_report').columns(['target_type', 'target_id', 'reporter_user_id']).unique().execute();
    await db.schema.createIndex('forum_report_path').on('forum_report').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('sensitive_word')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c))
      .addColumn('word', 'text', (c) => c.notNull())
      .addColumn('word_key', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensitive_word_scope_key').on('sensitive_word').columns(['scope', 'word_key']).unique().execute();

    const at = new Date().toISOString();
    await db
      .insertInto('sensitive_word')
      .values(
        DEFAULT_SENSITIVE_WORDS.map((w) => ({
          id: newId(),
          scope: '*',
          org_node_id: null,
          org_path: null,
          word: w.word,
          word_key: w.word.normalize('NFKC').toLowerCase(),
          level: w.level,
          created_by: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['sensitive_word', 'forum_report', 'forum_like', 'forum_comment', 'forum_post_image', 'forum_post', 'forum_profile', 'forum_member', 'forum_group']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
