import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { openDatabase, type Db } from '../db/database.js';
import * as sut from './ledger.service.js';

describe(`ledger (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let db: Db['kysely'];
  const at = () => platform.ctx.now();

  /** A volunteer's points account (what the community owes them) and the community's award/redeem accounts. */
  async function openPointsAccounts(userId: string) {
    await sut.ensureAccount(db, { code: 'points:xishan:awarded', kind: 'expense', unit: 'points', allowNegative: true, at: at() });
    await sut.ensureAccount(db, { code: 'points:xishan:redeemed', kind: 'income', unit: 'points', allowNegative: true, at: at() });
    await sut.ensureAccount(db, { code: `points:user:${userId}`, kind: 'liability', unit: 'points', ownerType: 'user', ownerId: userId, at: at() });
  }
  const award = (userId: string, points: number) =>
    sut.post(db, {
      memo: '志愿服务积分',
      source: { type: 'test.award', id: userId },
      lines: [
        { accountCode: 'points:xishan:awarded', amount: points },
        { accountCode: `points:user:${userId}`, amount: -points },
      ],
      at: at(),
    });
  const redeem = (executor: Db['kysely'], userId: string, points: number) =>
    sut.post(executor, {
      memo: '积分兑换',
      lines: [
        { accountCode: `points:user:${userId}`, amount: points, unit: 'points' },
        { accountCode: 'points:xishan:redeemed', amount: -points, unit: 'points' },
      ],
      at: at(),
    });
  const journalCount = async () => Number((await db.selectFrom('ledger_journal').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    db = platform.ctx.db.kysely;
  });
  afterAll(async () => {
    await platform.close();
  });

  it('derives a balance as the sum of entries, shown in the account’s normal direction', async () => {
    await openPointsAccounts('u-sum');
    await award('u-sum', 100);
    await award('u-sum', 30);
    expect((await sut.balanceOf(db, 'points:user:u-sum')).balance).toBe(130);
    expect((await sut.balanceOf(db, 'points:xishan:awarded')).balance).toBeGreaterThanOrEqual(130);
    const account = await db.selectFrom('ledger_account').select('id').where('code', '=', 'points:user:u-sum').executeTakeFirstOrThrow();
    const raw = await db.selectFrom('ledger_entry').select(sql<number>`sum(amount)`.as('s')).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(Number(raw.s)).toBe(-130); // credits are negative; the liability shows them as +130
    const st = await sut.statement(db, 'points:user:u-sum', { limit: 10, offset: 0 });
    expect(st.total).toBe(2);
    expect(st.account.balance).toBe(130);
    expect(st.items.map((i) => i.amount).sort()).toEqual([100, 30].sort());
  });

  it('opens an account once and refuses the same code with another unit', async () => {
    const a = await sut.ensureAccount(db, { code: 'fund:xishan:cash', kind: 'asset', unit: 'fen', at: at() });
    const again = await sut.ensureAccount(db, { code: 'fund:xishan:cash', kind: 'asset', unit: 'fen', at: at() });
    expect(again.id).toBe(a.id);
    await expect(sut.ensureAccount(db, { code: 'fund:xishan:cash', kind: 'asset', unit: 'points' })).rejects.toMatchObject({ status: 409, code: 'LEDGER_ACCOUNT_CONFLICT' });
  });

  it('refuses an unbalanced journal, mixed units, wrong units, fractions and unknown accounts, writing nothing', async () => {
    await openPointsAccounts('u-bad');
    await sut.ensureAccount(db, { code: 'fund:xishan:donations', kind: 'income', unit: 'fen', allowNegative: true });
    const before = await journalCount();
    await expect(
      sut.post(db, { memo: 'x', lines: [{ accountCode: 'points:xishan:awarded', amount: 100 }, { accountCode: 'points:user:u-bad', amount: -90 }] }),
    ).rejects.toMatchObject({ status: 400, code: 'LEDGER_UNBALANCED', params: { unit: 'points', sum: 10 } });
    // Balanced in numbers but not per unit: 100 points against 100 fen.
    await expect(
      sut.post(db, { memo: 'x', lines: [{ accountCode: 'points:xishan:awarded', amount: 100 }, { accountCode: 'fund:xishan:donations', amount: -100 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_UNBALANCED' });
    await expect(
      sut.post(db, { memo: 'x', lines: [{ accountCode: 'points:xishan:awarded', amount: 100, unit: 'fen' }, { accountCode: 'points:user:u-bad', amount: -100 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_UNIT_MISMATCH', params: { account: 'points:xishan:awarded', expected: 'points' } });
    await expect(
      sut.post(db, { memo: 'x', lines: [{ accountCode: 'points:xishan:awarded', amount: 0.5 }, { accountCode: 'points:user:u-bad', amount: -0.5 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_INVALID_AMOUNT' });
    await expect(
      sut.post(db, { memo: 'x', lines: [{ accountCode: 'points:nobody', amount: 1 }, { accountCode: 'points:user:u-bad', amount: -1 }] }),
    ).rejects.toMatchObject({ status: 404, code: 'LEDGER_ACCOUNT_NOT_FOUND' });
    expect(await journalCount()).toBe(before);
  });

  it('refuses a posting that would take a non-negative account below zero; clearing accounts may go negative', async () => {
    await openPointsAccounts('u-neg');
    await award('u-neg', 50);
    await expect(redeem(db, 'u-neg', 60)).rejects.toMatchObject({
      status: 409,
      code: 'LEDGER_INSUFFICIENT_BALANCE',
      params: { account: 'points:user:u-neg', balance: 50, needed: 60 },
    });
    await redeem(db, 'u-neg', 50);
    expect((await sut.balanceOf(db, 'points:user:u-neg')).balance).toBe(0);

    // Money in fen: the fund's cash cannot pay out more than it holds.
    await sut.ensureAccount(db, { code: 'fund:xishan:cash', kind: 'asset', unit: 'fen' });
    await sut.ensureAccount(db, { code: 'fund:xishan:donations', kind: 'income', unit: 'fen', allowNegative: true });
    await sut.ensureAccount(db, { code: 'fund:xishan:aid', kind: 'expense', unit: 'fen', allowNegative: true });
    await sut.post(db, { memo: '居民捐款', lines: [{ accountCode: 'fund:xishan:cash', amount: 10_000 }, { accountCode: 'fund:xishan:donations', amount: -10_000 }] });
    await expect(
      sut.post(db, { memo: '困难救助', lines: [{ accountCode: 'fund:xishan:aid', amount: 15_000 }, { accountCode: 'fund:xishan:cash', amount: -15_000 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_INSUFFICIENT_BALANCE' });
    await sut.post(db, { memo: '困难救助', lines: [{ accountCode: 'fund:xishan:aid', amount: 10_000 }, { accountCode: 'fund:xishan:cash', amount: -10_000 }] });
    const b = await sut.balances(db, ['fund:xishan:cash', 'fund:xishan:donations', 'fund:xishan:aid']);
    expect(b.get('fund:xishan:cash')!.balance).toBe(0);
    expect(b.get('fund:xishan:donations')!.balance).toBe(10_000);
    expect(b.get('fund:xishan:aid')!.balance).toBe(10_000);
  });

  it('reverses a journal once, with mirror entries, and refuses a second reversal', async () => {
    await openPointsAccounts('u-rev');
    const j = await award('u-rev', 40);
    const r = await sut.reverse(db, j.id, '重复登记', { createdBy: 'tester', at: at() });
    expect(r.reversesId).toBe(j.id);
    const byAccount = (a: { accountCode: string }, b: { accountCode: string }) => a.accountCode.localeCompare(b.accountCode);
    expect([...r.entries].sort(byAccount)).toEqual(j.entries.map((e) => ({ ...e, amount: -e.amount })).sort(byAccount));
    expect((await sut.balanceOf(db, 'points:user:u-rev')).balance).toBe(0);
    const stored = await sut.getJournal(db, r.id);
    expect(stored.memo).toMatch(/重复登记/);
    await expect(sut.reverse(db, j.id, 'again')).rejects.toMatchObject({ status: 409, code: 'LEDGER_ALREADY_REVERSED' });
    await expect(sut.reverse(db, r.id, 'undo the undo')).rejects.toMatchObject({ status: 409, code: 'LEDGER_REVERSAL_NOT_REVERSIBLE' });
    await expect(sut.reverse(db, 'no-such-journal', 'x')).rejects.toMatchObject({ status: 404 });
    expect((await sut.balanceOf(db, 'points:user:u-rev')).balance).toBe(0);
  });

  it('refuses to reverse points the volunteer has already spent', async () => {
    await openPointsAccounts('u-spent');
    const j = await award('u-spent', 100);
    await redeem(db, 'u-spent', 80);
    await expect(sut.reverse(db, j.id, '撤销')).rejects.toMatchObject({ code: 'LEDGER_INSUFFICIENT_BALANCE' });
    expect((await sut.balanceOf(db, 'points:user:u-spent')).balance).toBe(20);
  });

  it('posts inside the caller’s transaction: a rollback leaves no journal behind', async () => {
    await openPointsAccounts('u-tx');
    await award('u-tx', 10);
    const before = await journalCount();
    await expect(
      db.transaction().execute(async (trx) => {
        await sut.post(trx, { memo: 'in trx', lines: [{ accountCode: 'points:xishan:awarded', amount: 5 }, { accountCode: 'points:user:u-tx', amount: -5 }] });
        throw new Error('business step failed');
      }),
    ).rejects.toThrow('business step failed');
    expect(await journalCount()).toBe(before);
    expect((await sut.balanceOf(db, 'points:user:u-tx')).balance).toBe(10);
  });

  it('lets exactly 5 of 20 concurrent redemptions through against a balance that covers 5', async () => {
    // PostgreSQL: a pool of its own so the 20 transactions really run side by side.
    const concurrentDb = IS_PG ? openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 20 }) : platform.ctx.db;
    try {
      await openPointsAccounts('u-race');
      await award('u-race', 50);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => concurrentDb.kysely.transaction().execute((trx) => redeem(trx as unknown as Db['kysely'], 'u-race', 10))),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(5);
      expect(refused).toHaveLength(15);
      for (const r of refused) expect(r.reason).toMatchObject({ code: 'LEDGER_INSUFFICIENT_BALANCE' });
      expect((await sut.balanceOf(db, 'points:user:u-race')).balance).toBe(0);
      const st = await sut.statement(db, 'points:user:u-race', { limit: 50, offset: 0 });
      expect(st.total).toBe(6);
    } finally {
      if (concurrentDb !== platform.ctx.db) await concurrentDb.destroy();
    }
  });

  it('has the database itself refuse UPDATE and DELETE on entries and journals', async () => {
    await openPointsAccounts('u-ro');
    const j = await award('u-ro', 7);
    await expect(db.updateTable('ledger_entry').set({ amount: 7000 }).where('journal_id', '=', j.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('ledger_entry').where('journal_id', '=', j.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.updateTable('ledger_journal').set({ memo: 'edited' }).where('id', '=', j.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('ledger_journal').where('id', '=', j.id).execute()).rejects.toThrow(/append-only/);
    expect((await sut.balanceOf(db, 'points:user:u-ro')).balance).toBe(7);
    expect((await sut.getJournal(db, j.id)).memo).toBe('志愿服务积分');
  });
});
