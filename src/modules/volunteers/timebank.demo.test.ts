import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { modules } from '../index.js';
import { volunteersModule } from './volunteers.module.js';
import { escrowAccountCode, memberAccountCode } from './timebank.accounts.js';
import { STARTING_MINUTES } from './timebank.service.js';

describe(`demo time bank and micro-lectures (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    // Seeds run in manifest order: the modules after this one cannot change what it seeds.
    await seedDemoIfEmpty(platform.ctx, modules.slice(0, modules.indexOf(volunteersModule) + 1), () => {});
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has the members of 西山社区, one completed exchange at least, one held and one disputed, the ledger agreeing', async () => {
    const db = platform.ctx.db.kysely;
    const members = await db.selectFrom('timebank_member as m').innerJoin('app_user as u', 'u.id', 'm.user_id').select(['m.id', 'u.username']).execute();
    expect(members.map((m) => m.username).sort()).toEqual(['elder01', 'elder02', 'elder03', 'elder04', 'elder05', 'resident01', 'volunteer01']);
    const exchanges = await db.selectFrom('timebank_exchange').select(['id', 'status', 'minutes']).execute();
    expect(exchanges.map((e) => e.status).sort()).toEqual(['completed', 'completed', 'disputed', 'held']);
    const posts = await db.selectFrom('timebank_post').select(['kind', 'status']).execute();
    expect(posts.filter((p) => p.status === 'open' && p.kind === 'offer')).toHaveLength(4);
    expect(posts.filter((p) => p.status === 'open' && p.kind === 'need')).toHaveLength(2);
    // Every minute is somewhere: members' accounts and live escrows add up to the grants.
    const balances = await ledger.balances(db, members.map((m) => memberAccountCode(m.id)));
    const escrows = await ledger.balances(db, exchanges.map((e) => escrowAccountCode(e.id)));
    const total = [...balances.values(), ...escrows.values()].reduce((a, b) => a + b.balance, 0);
    expect(total).toBe(members.length * STARTING_MINUTES);
    for (const e of exchanges) expect(escrows.get(escrowAccountCode(e.id))!.balance).toBe(e.status === 'held' || e.status === 'disputed' ? e.minutes : 0);
    for (const b of balances.values()) expect(b.balance).toBeGreaterThanOrEqual(0);
  });

  it('has three lectures, two past with attendance (QR and staff) and one to come', async () => {
    const db = platform.ctx.db.kysely;
    const lectures = await db.selectFrom('lecture').select(['id', 'title', 'starts_at', 'taken', 'capacity', 'status']).orderBy('starts_at').execute();
    expect(lectures.map((l) => l.title)).toEqual(['守好钱袋子：防范电信网络诈骗', '智能手机课堂：微信视频、网上挂号和防骗设置', '急救知识：心肺复苏与 AED 使用']);
    const now = platform.ctx.now().toISOString();
    expect(lectures.map((l) => l.starts_at < now)).toEqual([true, true, false]);
    const signups = await db.selectFrom('lecture_signup').select(['lecture_id', 'attended_method']).where('status', '=', 'signed').execute();
    for (const l of lectures) expect(signups.filter((s) => s.lecture_id === l.id)).toHaveLength(l.taken);
    const methods = (id: string) => signups.filter((s) => s.lecture_id === id).map((s) => s.attended_method);
    expect(methods(lectures[0]!.id).filter((m) => m === 'staff')).toHaveLength(6);
    expect(methods(lectures[0]!.id).filter((m) => m === null)).toHaveLength(1);
    expect(methods(lectures[1]!.id).filter((m) => m === 'qr')).toHaveLength(4);
    expect(methods(lectures[1]!.id).filter((m) => m === 'staff')).toHaveLength(1);
    expect(methods(lectures[2]!.id).every((m) => m === null)).toBe(true);
  });
});
