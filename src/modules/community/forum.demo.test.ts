import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { modules } from '../index.js';

describe(`demo forum (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has six groups of 西山社区 with posts, comments and likes under nicknames, and one post held for review', async () => {
    const db = platform.ctx.db.kysely;
    const groups = await db.selectFrom('forum_group').select(['name', 'status']).orderBy('created_at').execute();
    expect(groups.map((g) => g.name)).toEqual(['书画交流', '广场舞', '太极拳晨练', '育儿交流', '萌宠之家', '二手闲置']);
    const posts = await db.selectFrom('forum_post').select(['title', 'status', 'like_count', 'review_words', 'body_html']).execute();
    expect(posts.filter((p) => p.status === 'published')).toHaveLength(6);
    expect(posts.filter((p) => p.status === 'pending')).toEqual([expect.objectContaining({ title: '出一辆九成新电动车', review_words: JSON.stringify(['加微信']) })]);
    expect(posts.find((p) => p.title === '冬季晨练时间改为6:30')!.like_count).toBe(5);
    expect(posts.every((p) => !/<script|javascript:|onerror/i.test(p.body_html))).toBe(true);
    const likes = await db.selectFrom('forum_like').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(likes.n)).toBe(posts.reduce((s, p) => s + Number(p.like_count), 0));
    const comments = await db.selectFrom('forum_comment').select(['status']).execute();
    expect(comments.length).toBeGreaterThanOrEqual(8);
    expect(comments.every((c) => c.status === 'published')).toBe(true);
    const nicknames = await db.selectFrom('forum_profile').select('nickname').execute();
    expect(nicknames.map((n) => n.nickname)).toEqual(expect.arrayContaining(['文苑老朱', '美玲志愿者', '太极老张']));
  });
});
