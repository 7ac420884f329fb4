import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 舆情 opinion trends: term counts per week, grid and source (no texts, no people); where each
 * source was read up to; stop words and watch words as data; alerts raised by watch words.
 */

/**
 * The stop words the platform starts with (staff add and remove them later): Chinese function
 * words, pronouns, fillers, time words and the words every complaint to a community carries
 * (社区, 小区, 反映, 希望 …). Single characters, digits and punctuation are dropped by the
 * segmenter anyway; the single characters here stay for completeness of the list as data.
 */
export const DEFAULT_STOP_WORDS: readonly string[] = [
  ...'的 了 是 在 我 有 和 就 不 人 都 一 上 也 很 到 说 要 去 你 会 着 看 好 这 那 他 她 它 吗 吧 呢 啊 呀 哦 么 把 被 让 给 跟 对 从 向 与 及 或 而 但 又 还 再 才 只 更 最 太 没 能 想 来 过 得 地 之 其 等 个 次 些'.split(' '),
  ...'我们 你们 他们 她们 它们 大家 自己 人家 别人 您好 你好 一个 一些 一下 一点 一直 一样 一定 一起 一般 没有 这个 那个 这些 那些 这样 那样 这么 那么 这里 那里 这边 那边 这种 那种 什么 怎么 怎么办 怎样 为什么 如何 哪里 哪些 可以 可能 已经 还是 还有 但是 可是 而且 并且 因为 所以 如果 虽然 然后 然而 就是 只是 不是 或者 以及 以后 之后 之前 以前 现在 目前 时候 有点 有些 有人 有的 非常 特别 比较 真的 确实 其实 希望 建议 请问 谢谢 感谢 麻烦 问题 情况 反映 能否 能不能 是否 是不是 不能 不会 不要 不用 不了 应该 需要 觉得 认为 知道 每天 每次 经常 总是 老是 天天 今天 昨天 明天 晚上 早上 上午 下午 中午 最近 其他 另外 通过 进行 而已 起来 出来 过来 下来 上来 东西 事情 地方 方面 相关 关于 对于 很多 太多 多次 左右 之间 以上 以下 等等 还在 一次 一天 两天 三天 好几 很不 社区 小区 居民 业主 住户 我家 家里 楼上 楼下 我的 你的 他的 她的 都不 很大 太大 上面 下面 里面 外面 也没有 也没 都没 没人 找了 停了 掉了 满了 坏了 好了 到了 有关'.split(
    ' ',
  ),
];

/**
 * The watch words (预警词) the platform starts with: `urgent` for danger to life (self-harm,
 * violence, fire, gas), `attention` for what staff should know today (fights, petitions, wages).
 */
export const DEFAULT_WATCH_WORDS: readonly { word: string; level: 'urgent' | 'attention' }[] = [
  { word: '自杀', level: 'urgent' },
  { word: '轻生', level: 'urgent' },
  { word: '跳楼', level: 'urgent' },
  { word: '不想活', level: 'urgent' },
  { word: '持刀', level: 'urgent' },
  { word: '家暴', level: 'urgent' },
  { word: '火灾', level: 'urgent' },
  { word: '燃气泄漏', level: 'urgent' },
  { word: '漏气', level: 'urgent' },
  { word: '煤气', level: 'attention' },
  { word: '打架', level: 'attention' },
  { word: '上访', level: 'attention' },
  { word: '讨薪', level: 'attention' },
  { word: '欠薪', level: 'attention' },
];

const SEEDED_AT = '2026-11-26T00:00:00.000Z';

export const createOpinion: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    // One row per term, Beijing week (its Monday), grid (or community) and source: how many texts
    // of that week and place used the term. No text, no author: the trend store holds no personal data.
    await db.schema
      .createTable('opinion_term_week')
      .addColumn('term', 'text', (c) => c.notNull())
      .addColumn('week_start', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('opinion_term_week_pk', ['term', 'week_start', 'org_node_id', 'source'])
      .execute();
    await db.schema.createIndex('opinion_term_week_week_path').on('opinion_term_week').columns(['week_start', 'org_path']).execute();
    await db.schema.createIndex('opinion_term_week_term_path').on('opinion_term_week').columns(['term', 'org_path', 'week_start']).execute();

    // Where each source has been read up to: its last item's (at, id). Advanced in the same
    // transaction as the counts it led to.
    await db.schema
      .createTable('opinion_watermark')
      .addColumn('source', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('last_id', 'text', (c) => c.notNull())
      .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('opinion_stop_word')
      .addColumn('word', 'text', (c) => c.primaryKey())
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    const stop = [...new Set(DEFAULT_STOP_WORDS)].map((word) => ({ word, created_by: null, created_at: SEEDED_AT }));
    for (let i = 0; i < stop.length; i += 200) await db.insertInto('opinion_stop_word').values(stop.slice(i, i + 200)).execute();

    // Watch words: platform-wide (org_node_id null) or added by staff for their subtree.
    await db.schema
      .createTable('opinion_watch_word')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('word', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_by_name', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('opinion_watch_word_unique').on('opinion_watch_word').columns(['org_path', 'word']).unique().execute();
    await db
      .insertInto('opinion_watch_word')
      .values(DEFAULT_WATCH_WORDS.map((w, i) => ({ id: `seedwatch${String(i).padStart(7, '0')}`, word: w.word, level: w.level, org_node_id: null, org_path: '/', created_by: null, created_by_name: null, created_at: SEEDED_AT })))
      .execute();

    // A text that used a watch word: one alert per source item and word.
    await db.schema
      .createTable('opinion_alert')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('word', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // When the text was written; a short excerpt around the word, personal numbers masked.
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('excerpt', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('acknowledged_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('acknowledged_by_name', 'text')
      .addColumn('acknowledged_at', 'text')
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('opinion_alert_item_word').on('opinion_alert').columns(['source', 'source_id', 'word']).unique().execute();
    await db.schema.createIndex('opinion_alert_path_status').on('opinion_alert').columns(['org_path', 'status', 'at']).execute();

    // The sources read by (created_at, id) after a watermark: an index each, so a run is a range scan.
    await db.schema.createIndex('opinion_src_suggestion').on('suggestion').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('opinion_src_visit_record').on('visit_record').columns(['created_at', 'id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('opinion_src_visit_record').execute();
    await db.schema.dropIndex('opinion_src_suggestion').execute();
    for (const t of ['opinion_alert', 'opinion_watch_word', 'opinion_stop_word', 'opinion_watermark', 'opinion_term_week']) await db.schema.dropTable(t).execute();
  },
};
