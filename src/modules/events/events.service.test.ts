import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { countAudit, verifyAuditChain } from '../../platform/audit/audit.js';
import { writeBatchStats } from '../../platform/db/write-batch.js';
import { createUser } from '../../platform/auth/users.service.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingHours, workingHoursBetween } from '../../platform/calendar/working-time.js';
import { AppError } from '../../platform/errors.js';
import { getInstance } from '../../platform/workflow/workflow.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { giveFixturePolygons, loadEventActor, POINTS } from './events.fixture.js';
import { getEventDetail, listEvents, listMyEvents, listPublicEvents, reportEvent, takeStep, type ReportEventInput, type StepInput } from './events.service.js';
import type { GridEventTransition } from './events.workflow.js';

const bj = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; params: Record<string, unknown> }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toBeInstanceOf(AppError);
  const e = err as AppError;
  return { status: e.status, code: e.code, params: e.params };
}

describe(`grid events: reporting and the loop (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fx: Fixture;
  const a: Record<string, Actor> = {};
  const ctx = () => platform.ctx;
  const db = () => platform.ctx.db.kysely;
  const row = (id: string) => db().selectFrom('grid_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  const report = (who: string, input: Partial<ReportEventInput> = {}) =>
    reportEvent(
      ctx(),
      { kind: 'user', actor: a[who]! },
      {
        categoryCode: '0102',
        description: '1幢楼道墙面贴满了开锁小广告',
        channel: who === 'resident01' || who === 'resident02' ? 'resident_app' : 'phone',
        ...POINTS.grid01,
        ...input,
      } as ReportEventInput,
      {},
    );
  const step = (who: string | 'system', id: string, name: GridEventTransition, input: StepInput = {}) =>
    takeStep(ctx(), who === 'system' ? 'system' : a[who]!, id, name, input, {});
  const toGrid01 = { assignee: { orgNodeId: '', userId: '' } };

  /** An event reported by resident01 in grid01, accepted and dispatched to grid01's worker. */
  async function dispatched(input: Partial<ReportEventInput> = {}) {
    const r = await report('resident01', input);
    await step('xishan', r.id, 'accept');
    await step('xishan', r.id, 'dispatch', toGrid01);
    return r;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    // A second resident, in grid02, to show one resident cannot act on another's event.
    fx.users.resident02 = await createUser(
      platform.ctx,
      { username: 'resident02', displayName: '居民 钱小红', password: 'Linli@2026', mustChangePassword: false, isDemo: true, grants: [{ role: 'resident', orgNodeId: fx.nodes.grid02.id }] },
      platform.ctx.db.kysely,
      'not-a-login-account',
    );
    for (const u of ['grid01', 'grid02', 'xishan', 'street', 'civil', 'resident01', 'resident02', 'volunteer01']) a[u] = await loadEventActor(db(), fx.users[u]!);
    toGrid01.assignee = { orgNodeId: fx.nodes.grid01.id, userId: fx.users.grid01! };
  });
  afterAll(() => platform.close());
  beforeEach(() => platform.setNow(bj('2026-11-30T09:00:00')));

  describe('reporting', () => {
    it('locates a point inside grid01 polygon to grid01, numbers it SJYYYYMMDD-NNNN and starts the response clock', async () => {
      const before = await countAudit(ctx().db, 'events.event.report');
      const r = await report('resident01', { categoryCode: '0101', attributes: { amount: 'cart' } });
      expect(r.orgNodeId).toBe(fx.nodes.grid01.id);
      expect(r.code).toMatch(/^SJ20261130-\d{4}$/);
      expect(r.state).toBe('reported');
      // 0101 暴露垃圾: 2 working hours to accept; 09:00 Monday → 11:00, warned at 80 % (10:36).
      expect(r.dueAt).toBe(bj('2026-11-30T11:00:00').toISOString());
      const e = await row(r.id);
      expect(e.warn_at).toBe(bj('2026-11-30T10:36:00').toISOString());
      expect(e.stage_started_at).toBe(bj('2026-11-30T09:00:00').toISOString());
      expect(e.reporter_user_id).toBe(fx.users.resident01);
      expect(JSON.parse(e.attributes)).toEqual({ amount: 'cart' });
      expect(e.workflow_instance_id).toBeTruthy();
      const instance = await getInstance(db(), e.workflow_instance_id!);
      expect(instance).toMatchObject({ state: 'reported', dueAt: r.dueAt, subjectId: r.id });
      expect(await countAudit(ctx().db, 'events.event.report')).toBe(before + 1);
    });

    it('numbers events of a day one after another, and starts again the next day', async () => {
      const first = await report('xishan');
      const second = await report('xishan');
      const n = (code: string) => Number(code.split('-')[1]);
      expect(n(second.code)).toBe(n(first.code) + 1);
      platform.setNow(bj('2026-12-01T09:00:00'));
      const nextDay = await report('xishan');
      expect(nextDay.code).toBe('SJ20261201-0001');
    });

    it('a point in grid02 lands in grid02; one outside every polygon is refused; no place at all is refused', async () => {
      expect((await report('resident01', POINTS.grid02)).orgNodeId).toBe(fx.nodes.grid02.id);
      expect(await refusal(report('resident01', POINTS.outside))).toMatchObject({ status: 400, code: 'EVENT_LOCATION_OUTSIDE' });
      expect(await refusal(report('resident01', { lat: undefined, lng: undefined }))).toMatchObject({ status: 400, code: 'EVENT_LOCATION_REQUIRED' });
    });

    it('an address naming a dwelling resolves to it and its grid; an address node resolves to its grid', async () => {
      const byText = await report('resident01', { lat: undefined, lng: undefined, address: '西山社区1幢1单元101室' });
      expect(byText.orgNodeId).toBe(fx.nodes.grid01.id);
      expect((await row(byText.id)).address_node_id).toBe(fx.nodes.dwelling01.id);
      const byNode = await report('resident01', { lat: undefined, lng: undefined, addressNodeId: fx.nodes.building02.id });
      expect(byNode.orgNodeId).toBe(fx.nodes.grid02.id);
      expect((await row(byNode.id)).address).toBe('西山社区8幢');
      expect(await refusal(report('resident01', { lat: undefined, lng: undefined, address: '杭州市西湖区文三路90号' }))).toMatchObject({ code: 'EVENT_LOCATION_OUTSIDE' });
    });

    it('checks attributes against the category: required, list values, numbers; unknown and group categories are refused', async () => {
      expect(await refusal(report('resident01', { categoryCode: '0101' }))).toMatchObject({ status: 400, code: 'EVENT_ATTRIBUTE_REQUIRED', params: { attribute: 'amount' } });
      expect(await refusal(report('resident01', { categoryCode: '0101', attributes: { amount: 'truckloads' } }))).toMatchObject({ status: 400, code: 'EVENT_ATTRIBUTE_INVALID', params: { attribute: 'amount' } });
      expect(await refusal(report('resident01', { categoryCode: '0401', attributes: { parties: 'two' } }))).toMatchObject({ code: 'EVENT_ATTRIBUTE_INVALID', params: { attribute: 'parties' } });
      const multi = await report('resident01', { categoryCode: '0501', attributes: { need: ['medical', 'living', 'medical'], unknown: 'dropped' } });
      expect(JSON.parse((await row(multi.id)).attributes)).toEqual({ need: ['medical', 'living'] });
      expect(await refusal(report('resident01', { categoryCode: 'NOPE' }))).toMatchObject({ status: 404, code: 'EVENT_CATEGORY_NOT_FOUND', params: { code: 'NOPE' } });
      expect(await refusal(report('resident01', { categoryCode: '01' }))).toMatchObject({ status: 400, code: 'EVENT_CATEGORY_NOT_LEAF' });
    });

    it('residents report on public categories only; staff on any', async () => {
      expect(await refusal(report('resident01', { categoryCode: '0303' }))).toMatchObject({ status: 404, code: 'EVENT_CATEGORY_NOT_FOUND' });
      expect((await report('xishan', { categoryCode: '0303' })).state).toBe('reported');
    });

    it('who may report on which channel, and where', async () => {
      // A resident cannot enter a phone call; a grid worker cannot report for another grid.
      expect(await refusal(report('resident01', { channel: 'phone' }))).toMatchObject({ status: 403, code: 'EVENT_REPORT_FORBIDDEN' });
      expect(await refusal(report('grid02', { channel: 'patrol' }))).toMatchObject({ status: 403, code: 'EVENT_OUTSIDE_SCOPE' });
      expect(await refusal(report('xishan', { channel: 'open311' }))).toMatchObject({ status: 400, code: 'EVENT_CHANNEL_INVALID' });
      expect((await report('grid01', { channel: 'patrol' })).orgNodeId).toBe(fx.nodes.grid01.id);
    });

    it('hotline work orders need their source and number, once; a caller\'s name and phone are stored encrypted', async () => {
      expect(await refusal(report('street', { channel: 'hotline', source: '12345' }))).toMatchObject({ status: 400, code: 'EVENT_HOTLINE_ORDER_REQUIRED' });
      const r = await report('street', { channel: 'hotline', source: '12345', sourceOrderNo: 'HN2026113000017', reporterName: '张建明', reporterPhone: '13857312345' });
      const e = await row(r.id);
      expect(e).toMatchObject({ channel: 'hotline', source: '12345', source_order_no: 'HN2026113000017' });
      expect(e.reporter_name_enc).not.toContain('张建明');
      expect(e.reporter_phone_enc).not.toContain('13857312345');
      expect(ctx().pii.decrypt(e.reporter_phone_enc!)).toBe('13857312345');
      expect(await refusal(report('street', { channel: 'hotline', source: '12345', sourceOrderNo: 'HN2026113000017' }))).toMatchObject({ status: 409, code: 'EVENT_HOTLINE_DUPLICATE', params: { code: r.code } });
    });

    it('staff may name the grid directly (orgNodeId) and keep the point', async () => {
      const r = await report('xishan', { orgNodeId: fx.nodes.grid02.id });
      expect(r.orgNodeId).toBe(fx.nodes.grid02.id);
      expect(Number((await row(r.id)).lat)).toBeCloseTo(POINTS.grid01.lat, 6);
    });

    it('urgency shortens the limits: 特急 quarters the response and handling limits', async () => {
      const r = await report('xishan', { urgency: '特急' });
      // 0102: response 2 h × 0.25 = 30 min.
      expect(r.dueAt).toBe(bj('2026-11-30T09:30:00').toISOString());
      await step('xishan', r.id, 'accept');
      await step('xishan', r.id, 'dispatch', toGrid01);
      // Handling 16 h × 0.25 = 4 working hours from dispatch at 09:00: 09:00–12:00 is 3 h, then 13:30 + 1 h.
      expect((await row(r.id)).close_due_at).toBe(bj('2026-11-30T14:30:00').toISOString());
      const normal = await report('xishan');
      await step('xishan', normal.id, 'accept');
      await step('xishan', normal.id, 'dispatch', toGrid01);
      const cal = await getWorkCalendar(ctx());
      expect(workingHoursBetween(cal, bj('2026-11-30T09:00:00'), new Date((await row(normal.id)).close_due_at!))).toBeCloseTo(16, 6);
    });

    it('names a patrol only on a patrol report; an unknown patrol is 404, not a missing place', async () => {
      platform.setNow(bj('2026-11-30T08:40:00'));
      const at = ctx().now().toISOString();
      await db()
        .insertInto('event_patrol')
        .values({ id: 'patrol-of-grid01', grid_id: fx.nodes.grid01.id, org_path: fx.nodes.grid01.path, worker_user_id: fx.users.grid01!, started_at: at, ended_at: null, distance_m: 0, point_count: 0, event_count: 0, summary: null })
        .execute();
      platform.setNow(bj('2026-11-30T09:00:00'));
      for (const channel of ['phone', 'visit', 'hotline'] as const) {
        expect(await refusal(report('grid01', { channel, patrolId: 'patrol-of-grid01', source: '12345', sourceOrderNo: `HN-P-${channel}` })), channel).toMatchObject({ status: 400, code: 'EVENT_PATROL_CHANNEL', params: { channel } });
      }
      expect(await refusal(report('resident01', { patrolId: 'patrol-of-grid01' }))).toMatchObject({ status: 400, code: 'EVENT_PATROL_CHANNEL', params: { channel: 'resident_app' } });
      // Without a place the patrol's grid would place it: an unknown patrol is what is wrong.
      const noPlace = { lat: undefined, lng: undefined };
      expect(await refusal(report('grid01', { channel: 'patrol', patrolId: 'no-such-patrol', ...noPlace }))).toMatchObject({ status: 404, code: 'PATROL_NOT_FOUND' });
      expect(await refusal(report('grid01', { channel: 'patrol', patrolId: 'no-such-patrol' }))).toMatchObject({ status: 404, code: 'PATROL_NOT_FOUND' });
      expect(await refusal(report('grid01', { channel: 'patrol', ...noPlace }))).toMatchObject({ status: 400, code: 'EVENT_LOCATION_REQUIRED' });
      expect(await db().selectFrom('grid_event').select('id').where('patrol_id', 'is not', null).execute()).toEqual([]);
      const ok = await report('grid01', { channel: 'patrol', patrolId: 'patrol-of-grid01', ...noPlace });
      expect(await row(ok.id)).toMatchObject({ patrol_id: 'patrol-of-grid01', org_node_id: fx.nodes.grid01.id, lat: null, lng: null });
      await db().updateTable('event_patrol').set({ ended_at: ctx().now().toISOString() }).where('id', '=', 'patrol-of-grid01').execute();
    });

    it('keeps the reported point to the full double precision the phone sent (PostgreSQL too)', async () => {
      // Seven decimals (about 1 cm): a 4-byte float keeps about 7 significant digits, 120.68512 here.
      const point = { lat: 30.5310123, lng: 120.6851234 };
      const r = await report('grid01', { channel: 'patrol', ...point });
      const e = await row(r.id);
      expect([Number(e.lat), Number(e.lng)]).toEqual([point.lat, point.lng]);
      expect((await listEvents(ctx(), a.grid01!, { q: r.code, page: 1, pageSize: 5 })).items[0]).toMatchObject(point);
      if (IS_PG) {
        const types = await sql<{ column_name: string; data_type: string }>`
          select column_name, data_type from information_schema.columns
          where table_schema = ${platform.schema} and table_name = 'grid_event' and column_name in ('lat', 'lng') order by column_name`.execute(db());
        expect(types.rows).toEqual([
          { column_name: 'lat', data_type: 'double precision' },
          { column_name: 'lng', data_type: 'double precision' },
        ]);
      }
    });

    it('refuses attachments the reporter did not upload', async () => {
      const at = ctx().now().toISOString();
      await db()
        .insertInto('attachment')
        .values({ id: 'att-of-grid02', sha256: 'a'.repeat(64), size: 10, mime: 'image/png', original_name: 'x.png', owner_user_id: fx.users.grid02!, org_node_id: null, purpose: 'event.photo', created_at: at })
        .execute();
      expect(await refusal(report('resident01', { attachmentIds: ['att-of-grid02'] }))).toMatchObject({ status: 400, code: 'EVENT_ATTACHMENT_INVALID' });
      expect(await refusal(report('resident01', { attachmentIds: ['no-such-file'] }))).toMatchObject({ code: 'EVENT_ATTACHMENT_INVALID' });
      const ok = await report('grid02', { ...POINTS.grid02, channel: 'patrol', attachmentIds: ['att-of-grid02'] });
      expect(await db().selectFrom('event_attachment').selectAll().where('event_id', '=', ok.id).execute()).toMatchObject([{ attachment_id: 'att-of-grid02', step: 'report' }]);
    });

    it('reports that arrive together share a transaction: each keeps its own code, case, history and audit rows; one refused inside the batch rolls back alone', async () => {
      platform.setNow(bj('2026-12-02T09:00:00'));
      const at = ctx().now().toISOString();
      await db()
        .insertInto('event_patrol')
        .values({ id: 'patrol-ended-batch', grid_id: fx.nodes.grid01.id, org_path: fx.nodes.grid01.path, worker_user_id: fx.users.grid01!, started_at: at, ended_at: at, distance_m: 0, point_count: 0, event_count: 0, summary: null })
        .execute();
      const count = async (table: 'grid_event' | 'workflow_instance' | 'workflow_transition') => Number((await db().selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
      const before = { events: await count('grid_event'), cases: await count('workflow_instance'), steps: await count('workflow_transition'), reports: await countAudit(ctx().db, 'events.event.report'), starts: await countAudit(ctx().db, 'workflow.start') };
      const batches = writeBatchStats(ctx().db);
      const byStaff = (i: number) => report('xishan', { orgNodeId: fx.nodes.grid01.id, description: `来电反映路灯不亮 ${i}` });
      // Twelve staff reports and two residents' at once; in the middle, a patrol report naming a patrol that has
      // ended: the patrol is checked inside the write (PATROL_ENDED), so it fails there and must take nothing with it.
      const calls: Promise<{ id: string; code: string }>[] = [];
      for (let i = 0; i < 12; i++) {
        calls.push(byStaff(i));
        if (i === 5) calls.push(report('grid01', { channel: 'patrol', patrolId: 'patrol-ended-batch' }));
        if (i % 6 === 2) calls.push(report('resident01'));
      }
      const outcomes = await Promise.allSettled(calls);
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as AppError] : []));
      expect(refused.map((e) => [e.status, e.code])).toEqual([[409, 'PATROL_ENDED']]);
      const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect(done).toHaveLength(14);
      // The day's numbers 1…14, none lost to the refused one; staff reports (same path, same look-ups) in call order.
      const seq = (code: string) => Number(code.split('-')[1]);
      expect(done.map((d) => d.code.slice(0, 10))).toEqual(done.map(() => 'SJ20261202'));
      expect(done.map((d) => seq(d.code)).sort((x, y) => x - y)).toEqual(Array.from({ length: 14 }, (_, k) => k + 1));
      const staffSeqs = (await Promise.all(done.map(async (d) => ({ seq: seq(d.code), e: await row(d.id) })))).filter((x) => x.e.channel === 'phone').map((x) => ({ seq: x.seq, i: Number(x.e.description.split(' ')[1]) }));
      expect(staffSeqs.sort((x, y) => x.i - y.i).map((x) => x.seq)).toEqual([...staffSeqs.map((x) => x.seq)].sort((x, y) => x - y));
      // Each has its row, its case at 上报 with the first history row, and its two audit rows.
      for (const d of done) {
        const e = await row(d.id);
        expect(e.code).toBe(d.code);
        expect(await getInstance(db(), e.workflow_instance_id!)).toMatchObject({ state: 'reported', subjectId: d.id });
        const audits = await db().selectFrom('audit_log').select('action').where('target_id', '=', d.id).execute();
        expect(audits.map((r) => r.action).sort()).toEqual(['events.event.report', 'workflow.start']);
      }
      expect(await count('grid_event')).toBe(before.events + 14);
      expect(await count('workflow_instance')).toBe(before.cases + 14);
      expect(await count('workflow_transition')).toBe(before.steps + 14);
      expect(await countAudit(ctx().db, 'events.event.report')).toBe(before.reports + 14);
      expect(await countAudit(ctx().db, 'workflow.start')).toBe(before.starts + 14);
      expect(await db().selectFrom('grid_event').select('id').where('patrol_id', '=', 'patrol-ended-batch').execute()).toEqual([]);
      // They were written in fewer transactions than reports, and the audit chain holds.
      const after = writeBatchStats(ctx().db);
      expect(after.batches - batches.batches).toBeLessThan(15);
      expect(after.largest).toBeGreaterThan(1);
      expect(await verifyAuditChain(ctx().db)).toMatchObject({ ok: true });
    });
  });

  describe('the loop', () => {
    it('walks 上报 → 受理 → 派遣 → 签收 → 进展 → 处置完毕 → 返工 → 处置完毕 → 核查 → 评价, keeping the mirror and the facts', async () => {
      const r = await report('resident01');
      platform.setNow(bj('2026-11-30T09:30:00'));
      let e = await step('xishan', r.id, 'accept');
      expect(e).toMatchObject({ state: 'accepted', version: 2, dueAt: bj('2026-11-30T11:30:00').toISOString() });
      expect((await row(r.id)).accepted_at).toBe(bj('2026-11-30T09:30:00').toISOString());

      platform.setNow(bj('2026-11-30T10:00:00'));
      e = await step('xishan', r.id, 'dispatch', { ...toGrid01, comment: '请今天处理' });
      let f = await row(r.id);
      // 16 working hours from Monday 10:00: Monday 6 h, Tuesday 7.5 h, Wednesday 2.5 h → 11:00.
      expect(f).toMatchObject({
        state: 'dispatched',
        first_dispatched_at: bj('2026-11-30T10:00:00').toISOString(),
        close_due_at: bj('2026-12-02T11:00:00').toISOString(),
        dispatch_count: 1,
        assignee_node_id: fx.nodes.grid01.id,
        assignee_user_id: fx.users.grid01,
        due_at: bj('2026-11-30T12:00:00').toISOString(),
      });
      // The assignee hears of it; the reporter hears of every step.
      const inbox = (user: string) => db().selectFrom('notification').select(['kind', 'title', 'link']).where('user_id', '=', fx.users[user]!).orderBy('created_at').execute();
      expect((await inbox('grid01')).some((n) => n.kind === 'events.assigned' && n.title.includes(r.code))).toBe(true);
      expect((await inbox('resident01')).filter((n) => n.link === `/m/me/events/${r.id}`).map((n) => n.kind)).toEqual(['events.accept', 'events.dispatch']);

      platform.setNow(bj('2026-11-30T10:30:00'));
      await step('grid01', r.id, 'take');
      f = await row(r.id);
      expect(f).toMatchObject({ state: 'handling', handling_started_at: bj('2026-11-30T10:30:00').toISOString(), due_at: f.close_due_at, warned_at: null, overdue_at: null });
      expect(f.stage_started_at).toBe(bj('2026-11-30T10:30:00').toISOString());

      platform.setNow(bj('2026-11-30T14:00:00'));
      await step('grid01', r.id, 'progress', { comment: '已联系物业，明早清理' });
      expect(await row(r.id)).toMatchObject({ state: 'handling', due_at: f.close_due_at, stage_started_at: f.stage_started_at, warn_at: f.warn_at });

      platform.setNow(bj('2026-12-01T09:00:00'));
      await step('grid01', r.id, 'finish', { comment: '已清理干净' });
      f = await row(r.id);
      expect(f).toMatchObject({ state: 'checking', handled_at: bj('2026-12-01T09:00:00').toISOString(), handling_count: 1, due_at: bj('2026-12-02T09:30:00').toISOString() });

      await step('resident01', r.id, 'rework', { comment: '还有两张没撕掉' });
      f = await row(r.id);
      expect(f).toMatchObject({ state: 'handling', rework_count: 1, due_at: bj('2026-12-02T11:00:00').toISOString() });

      platform.setNow(bj('2026-12-01T10:00:00'));
      await step('grid01', r.id, 'finish', { comment: '已全部清理' });
      platform.setNow(bj('2026-12-01T11:00:00'));
      e = await step('grid01', r.id, 'verify', { comment: '现场已干净' });
      f = await row(r.id);
      expect(f).toMatchObject({ state: 'closed', closed_at: bj('2026-12-01T11:00:00').toISOString(), closed_on_time: 1, handling_count: 2, due_at: null, warn_at: null });

      e = await step('resident01', r.id, 'rate', { rating: '满意', comment: '处理及时' });
      expect(e).toMatchObject({ state: 'rated', rating: '满意' });
      expect(await row(r.id)).toMatchObject({ rating: '满意', rating_comment: '处理及时', rated_at: bj('2026-12-01T11:00:00').toISOString() });

      const detail = await getEventDetail(ctx(), a.xishan!, r.id);
      expect(detail.timeline.map((s) => s.transition)).toEqual(['start', 'accept', 'dispatch', 'take', 'progress', 'finish', 'rework', 'finish', 'verify', 'rate']);
      expect(detail.timeline.map((s) => s.label['zh-CN'])).toEqual(['上报', '受理', '派遣', '签收', '处置进展', '处置完毕', '返工', '处置完毕', '核查通过', '评价']);
      expect(detail.timeline[1]!.actorName).toBe('西山社区 王秀英');
      expect(detail.transitions).toEqual([]);
      expect(detail.facts).toMatchObject({ closedOnTime: true, dispatchCount: 1, reworkCount: 1, handlingCount: 2 });
      expect(await countAudit(ctx().db, 'workflow.transition')).toBeGreaterThanOrEqual(9);
    });

    it('closed after the close limit is not on time', async () => {
      const r = await dispatched();
      await step('grid01', r.id, 'take');
      platform.setNow(bj('2026-12-03T09:00:00')); // past Wednesday 11:00
      await step('grid01', r.id, 'finish', { comment: '已处理' });
      await step('grid01', r.id, 'verify');
      expect(await row(r.id)).toMatchObject({ state: 'closed', closed_on_time: 0 });
    });

    it('refuses the wrong state (409), the wrong role or grid (403), a missing comment (400) and a stale version (409)', async () => {
      const r = await report('resident01');
      expect(await refusal(step('grid01', r.id, 'take'))).toMatchObject({ status: 409, code: 'WORKFLOW_INVALID_TRANSITION' });
      expect(await refusal(step('grid01', r.id, 'accept'))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      expect(await refusal(step('resident01', r.id, 'accept'))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      expect(await refusal(step('xishan', r.id, 'reject'))).toMatchObject({ status: 400, code: 'WORKFLOW_COMMENT_REQUIRED' });
      expect(await refusal(step('xishan', r.id, 'accept', { expectedVersion: 7 }))).toMatchObject({ status: 409, code: 'WORKFLOW_CONFLICT' });
      await step('xishan', r.id, 'accept', { expectedVersion: 1 });
      // grid02's worker holds take on grid02 only: the engine refuses a grid01 event.
      await step('xishan', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid02.id } });
      expect(await refusal(step('grid02', r.id, 'take'))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      // grid01's worker may act on grid01 but it went to grid02's unit: the service refuses.
      expect(await refusal(step('grid01', r.id, 'take'))).toMatchObject({ status: 403, code: 'EVENT_NOT_ASSIGNEE' });
      // Staff above the unit may act for it.
      expect((await step('xishan', r.id, 'take')).state).toBe('handling');
    });

    it('dispatch needs an assignee in the dispatcher\'s area, a real department and a person who handles there', async () => {
      const r = await report('resident01');
      await step('xishan', r.id, 'accept');
      expect(await refusal(step('xishan', r.id, 'dispatch'))).toMatchObject({ status: 400, code: 'EVENT_ASSIGNEE_REQUIRED' });
      expect(await refusal(step('xishan', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.dongshan.id } }))).toMatchObject({ status: 403, code: 'EVENT_ASSIGNEE_OUTSIDE' });
      expect(await refusal(step('xishan', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.street.id, departmentCode: 'civil' } }))).toMatchObject({ status: 403, code: 'EVENT_ASSIGNEE_OUTSIDE' });
      expect(await refusal(step('street', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.street.id, departmentCode: 'no-such' } }))).toMatchObject({ status: 400, code: 'EVENT_DEPARTMENT_UNKNOWN' });
      expect(await refusal(step('xishan', r.id, 'dispatch', { assignee: { userId: fx.users.resident01! } }))).toMatchObject({ status: 400, code: 'EVENT_ASSIGNEE_INVALID' });
      expect(await refusal(step('xishan', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid02.id, userId: fx.users.grid01! } }))).toMatchObject({ status: 400, code: 'EVENT_ASSIGNEE_INVALID' });
      // A person alone: their unit is where they handle.
      await step('xishan', r.id, 'dispatch', { assignee: { userId: fx.users.grid01! } });
      expect(await row(r.id)).toMatchObject({ assignee_node_id: fx.nodes.grid01.id, assignee_user_id: fx.users.grid01 });
    });

    it('a department handles what was dispatched to it, and nothing else', async () => {
      const toCivil = await report('resident01', { categoryCode: '0501', attributes: { need: 'living' } });
      await step('street', toCivil.id, 'accept');
      await step('street', toCivil.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.street.id, departmentCode: 'civil' } });
      expect((await step('civil', toCivil.id, 'take')).state).toBe('handling');
      const toCommunity = await report('resident01');
      await step('xishan', toCommunity.id, 'accept');
      await step('xishan', toCommunity.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.xishan.id } });
      expect(await refusal(step('civil', toCommunity.id, 'take'))).toMatchObject({ status: 403, code: 'EVENT_NOT_ASSIGNEE' });
      expect(await refusal(step('grid01', toCommunity.id, 'take'))).toMatchObject({ status: 403, code: 'EVENT_NOT_ASSIGNEE' });
    });

    it('回退 returns it to the dispatcher (reason required), clears the assignee and counts; 重新派遣 needs a reason', async () => {
      const r = await dispatched();
      expect(await refusal(step('grid01', r.id, 'return'))).toMatchObject({ status: 400, code: 'WORKFLOW_COMMENT_REQUIRED' });
      await step('grid01', r.id, 'return', { comment: '不属于本网格' });
      expect(await row(r.id)).toMatchObject({ state: 'accepted', return_count: 1, assignee_node_id: null, assignee_user_id: null });
      await step('xishan', r.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.xishan.id } });
      expect(await refusal(step('xishan', r.id, 'redispatch', { assignee: { orgNodeId: fx.nodes.grid02.id } }))).toMatchObject({ code: 'WORKFLOW_COMMENT_REQUIRED' });
      await step('xishan', r.id, 'redispatch', { assignee: { orgNodeId: fx.nodes.grid02.id }, comment: '改派第二网格' });
      const f = await row(r.id);
      expect(f).toMatchObject({ state: 'dispatched', dispatch_count: 3, assignee_node_id: fx.nodes.grid02.id });
      // The close limit runs from the first dispatch: re-dispatching does not buy time.
      expect(f.close_due_at).toBe(bj('2026-12-02T10:00:00').toISOString());
    });

    it('only the reporter withdraws, before acceptance; another resident cannot verify or rate', async () => {
      const r = await report('resident01');
      expect(await refusal(step('xishan', r.id, 'withdraw'))).toMatchObject({ status: 403, code: 'EVENT_NOT_REPORTER' });
      expect(await refusal(step('resident02', r.id, 'withdraw'))).toMatchObject({ status: 403 });
      expect((await step('resident01', r.id, 'withdraw', { comment: '已自行解决' })).state).toBe('withdrawn');

      const accepted = await report('resident01');
      await step('xishan', accepted.id, 'accept');
      expect(await refusal(step('resident01', accepted.id, 'withdraw'))).toMatchObject({ status: 409, code: 'WORKFLOW_INVALID_TRANSITION' });

      // resident02 lives in grid02: the event is in grid02, so the role reaches, but it is not theirs.
      const other = await report('resident01', POINTS.grid02);
      await step('xishan', other.id, 'accept');
      await step('xishan', other.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid02.id } });
      await step('grid02', other.id, 'take');
      await step('grid02', other.id, 'finish', { comment: '已处理' });
      expect(await refusal(step('resident02', other.id, 'verify'))).toMatchObject({ status: 403, code: 'EVENT_NOT_REPORTER' });
      expect(await refusal(step('resident02', other.id, 'rework', { comment: '没修好' }))).toMatchObject({ status: 403, code: 'EVENT_NOT_REPORTER' });
      // The reporter lives in grid01 yet checks their own event in grid02.
      await step('resident01', other.id, 'verify');
      expect(await refusal(step('resident02', other.id, 'rate', { rating: '不满意' }))).toMatchObject({ status: 403, code: 'EVENT_NOT_REPORTER' });
      expect(await refusal(step('xishan', other.id, 'rate', { rating: '满意' }))).toMatchObject({ status: 403, code: 'EVENT_RESIDENT_RATES' });
      expect(await refusal(step('resident01', other.id, 'rate'))).toMatchObject({ status: 400, code: 'EVENT_RATING_REQUIRED' });
      expect(await refusal(step('resident01', other.id, 'rate', { rating: '很好' as never }))).toMatchObject({ status: 400, code: 'EVENT_RATING_REQUIRED' });
      expect((await step('resident01', other.id, 'rate', { rating: '基本满意' })).rating).toBe('基本满意');
    });

    it('staff record a caller\'s rating (回访) for a phone report', async () => {
      const r = await report('xishan', { reporterName: '李秀兰', reporterPhone: '13957311111' });
      await step('xishan', r.id, 'accept');
      await step('xishan', r.id, 'dispatch', toGrid01);
      await step('grid01', r.id, 'take');
      await step('grid01', r.id, 'finish', { comment: '已处理' });
      await step('grid01', r.id, 'verify');
      expect((await step('xishan', r.id, 'rate', { rating: '满意', comment: '电话回访满意' })).state).toBe('rated');
    });

    it('不予受理 with a reason ends it', async () => {
      const r = await report('resident01');
      expect((await step('street', r.id, 'reject', { comment: '不属于受理范围' })).state).toBe('rejected');
      expect(await row(r.id)).toMatchObject({ due_at: null, warn_at: null });
    });

    it('merges a duplicate into another open event in scope', async () => {
      const original = await report('resident01');
      const dup = await report('xishan');
      expect(await refusal(step('xishan', dup.id, 'merge'))).toMatchObject({ status: 400, code: 'EVENT_MERGE_TARGET_REQUIRED' });
      expect(await refusal(step('xishan', dup.id, 'merge', { mergeInto: dup.id }))).toMatchObject({ status: 409, code: 'EVENT_MERGE_TARGET_INVALID' });
      const closed = await report('resident01');
      await step('xishan', closed.id, 'reject', { comment: '重复' });
      expect(await refusal(step('xishan', dup.id, 'merge', { mergeInto: closed.id }))).toMatchObject({ code: 'EVENT_MERGE_TARGET_INVALID' });
      // Outside the merger's area: grid01's worker cannot merge at all (role), xishan cannot merge into 东山.
      const inDongshan = await report('street', { orgNodeId: fx.nodes.dongshan.id });
      expect(await refusal(step('xishan', dup.id, 'merge', { mergeInto: inDongshan.id }))).toMatchObject({ code: 'EVENT_MERGE_TARGET_INVALID' });
      const e = await step('xishan', dup.id, 'merge', { mergeInto: original.id, comment: '同一处小广告' });
      expect(e.state).toBe('merged');
      expect((await row(dup.id)).merged_into_id).toBe(original.id);
      expect((await getEventDetail(ctx(), a.xishan!, dup.id)).mergedInto).toEqual({ id: original.id, code: original.code });
    });

    it('延期: approved extensions move the close limit (and the handling clock); refused ones do not', async () => {
      const r = await dispatched();
      await step('grid01', r.id, 'take');
      const closeDue = (await row(r.id)).close_due_at!;
      expect(await refusal(step('grid01', r.id, 'request_extension', { comment: '等配件' }))).toMatchObject({ status: 400, code: 'EVENT_EXTENSION_HOURS_REQUIRED' });
      await step('grid01', r.id, 'request_extension', { comment: '等配件', extensionHours: 8 });
      expect(await row(r.id)).toMatchObject({ state: 'extension_requested', due_at: closeDue, close_due_at: closeDue });
      expect(await refusal(step('grid01', r.id, 'approve_extension'))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      await step('xishan', r.id, 'refuse_extension', { comment: '请按期完成' });
      expect(await row(r.id)).toMatchObject({ state: 'handling', due_at: closeDue, close_due_at: closeDue, extension_count: 0 });

      await step('grid01', r.id, 'request_extension', { comment: '还要等配件', extensionHours: 8 });
      await step('street', r.id, 'approve_extension');
      const cal = await getWorkCalendar(ctx());
      const moved = addWorkingHours(cal, new Date(closeDue), 8).toISOString();
      expect(await row(r.id)).toMatchObject({ state: 'handling', close_due_at: moved, due_at: moved, extension_count: 1 });
      const instance = await getInstance(db(), (await row(r.id)).workflow_instance_id!);
      expect(instance!.dueAt).toBe(moved);
      // The approver may grant fewer hours than asked.
      await step('grid01', r.id, 'request_extension', { comment: '再延一天', extensionHours: 7.5 });
      await step('xishan', r.id, 'approve_extension', { extensionHours: 2 });
      expect((await row(r.id)).close_due_at).toBe(addWorkingHours(cal, new Date(moved), 2).toISOString());
      expect((await getEventDetail(ctx(), a.xishan!, r.id)).timeline.filter((s) => s.transition === 'approve_extension').map((s) => s.extensionHours)).toEqual([8, 2]);
    });

    it('挂账 stops the clock; 恢复 moves the close limit by the working time it stood suspended', async () => {
      const r = await dispatched();
      await step('grid01', r.id, 'take');
      const closeDue = (await row(r.id)).close_due_at!;
      expect(await refusal(step('grid01', r.id, 'suspend', { comment: '产权纠纷' }))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      await step('xishan', r.id, 'suspend', { comment: '涉及产权纠纷，待判决' });
      expect(await row(r.id)).toMatchObject({ state: 'suspended', suspended: 1, due_at: null, warn_at: null, close_due_at: closeDue });
      // Two working days later (Monday 09:00 → Wednesday 09:00 = 15 working hours).
      platform.advance(48 * HOUR);
      await step('xishan', r.id, 'resume');
      const cal = await getWorkCalendar(ctx());
      const moved = addWorkingHours(cal, new Date(closeDue), 15).toISOString();
      expect(await row(r.id)).toMatchObject({ state: 'handling', close_due_at: moved, due_at: moved, suspended: 1 });
      expect(workingHoursBetween(cal, bj('2026-12-02T09:00:00'), new Date(moved))).toBeCloseTo(16, 6);
    });

    it('作废 needs someone else\'s approval; a refused void goes back to the dispatcher', async () => {
      const r = await dispatched();
      await step('grid01', r.id, 'take');
      await step('grid01', r.id, 'request_void', { comment: '经核实问题不存在' });
      expect(await row(r.id)).toMatchObject({ state: 'void_requested', due_at: null });
      expect(await refusal(step('grid01', r.id, 'approve_void'))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
      await step('xishan', r.id, 'refuse_void', { comment: '问题仍存在' });
      expect(await row(r.id)).toMatchObject({ state: 'accepted' });
      await step('xishan', r.id, 'request_void', { comment: '重复登记' });
      expect(await refusal(step('xishan', r.id, 'approve_void'))).toMatchObject({ status: 403, code: 'EVENT_VOID_SELF_APPROVAL' });
      expect((await step('street', r.id, 'approve_void')).state).toBe('voided');
    });

    it('the scheduler escalates an accepted event to the sub-district without touching its clock', async () => {
      const r = await report('resident01');
      await step('xishan', r.id, 'accept');
      const before = await row(r.id);
      platform.advance(3 * HOUR);
      await step('system', r.id, 'escalate');
      const after = await row(r.id);
      expect(after).toMatchObject({ state: 'accepted', due_at: before.due_at, warn_at: before.warn_at, escalated_at: ctx().now().toISOString() });
      expect(await refusal(step('system', r.id, 'dispatch', toGrid01))).toMatchObject({ status: 403, code: 'WORKFLOW_FORBIDDEN' });
    });

    it('上报街道: the escalation step itself tells the street’s dispatchers, in its transaction', async () => {
      const notices = (id: string) =>
        db().selectFrom('notification').innerJoin('app_user', 'app_user.id', 'notification.user_id').select(['app_user.username', 'notification.title', 'notification.body', 'notification.created_at']).where('notification.link', '=', `/console/events/${id}`).where('notification.kind', '=', 'events.escalated').execute();
      // By the system, once the limit has passed: the street's dispatcher, not the community or the grid.
      const r = await report('resident01');
      await step('xishan', r.id, 'accept');
      platform.setNow(bj('2026-11-30T11:05:00'));
      await step('system', r.id, 'escalate', { comment: '社区受理后超过时限未派遣，系统自动上报街道' });
      const e = await row(r.id);
      expect(await notices(r.id)).toEqual([
        { username: 'street', title: `事件上报街道：${r.code}`, body: `${e.title}：西山社区受理后超过时限（11月30日 11:00）仍未派遣，系统已上报街道，请及时派遣。`, created_at: e.escalated_at },
      ]);
      // A step refused leaves no notice behind.
      expect(await refusal(step('system', r.id, 'escalate', { expectedVersion: 2 }))).toMatchObject({ code: 'WORKFLOW_CONFLICT' });
      expect(await notices(r.id)).toHaveLength(1);

      // By the community's staff, with their reason; the reporter hears of it as of every step.
      platform.setNow(bj('2026-11-30T09:00:00'));
      const m = await report('resident01');
      await step('xishan', m.id, 'accept');
      platform.setNow(bj('2026-11-30T09:20:00'));
      await step('xishan', m.id, 'escalate', { comment: '涉及多个部门，社区无法协调' });
      const me = await row(m.id);
      expect(await notices(m.id)).toEqual([
        { username: 'street', title: `事件上报街道：${m.code}`, body: `${me.title}：西山社区已上报街道（涉及多个部门，社区无法协调），请及时派遣。`, created_at: bj('2026-11-30T09:20:00').toISOString() },
      ]);
      const toReporter = await db().selectFrom('notification').select('user_id').where('link', '=', `/m/me/events/${m.id}`).where('kind', '=', 'events.escalate').execute();
      expect(toReporter.map((n) => n.user_id)).toEqual([fx.users.resident01]);
      // A disabled dispatcher is not told.
      await db().updateTable('app_user').set({ disabled: 1 }).where('id', '=', fx.users.street!).execute();
      try {
        const q = await report('resident01');
        await step('xishan', q.id, 'accept');
        await step('xishan', q.id, 'escalate');
        expect(await notices(q.id)).toEqual([]);
      } finally {
        await db().updateTable('app_user').set({ disabled: 0 }).where('id', '=', fx.users.street!).execute();
      }
    });

    it('offers each caller only the steps they may take', async () => {
      const r = await dispatched();
      const names = async (who: string) => (await getEventDetail(ctx(), a[who]!, r.id)).transitions.map((t) => t.name).sort();
      expect(await names('grid01')).toEqual(['request_void', 'return', 'take']);
      expect(await names('xishan')).toEqual(['redispatch', 'request_void', 'return', 'take']);
      expect(await names('street')).toEqual(['redispatch']);
      const own = await getEventDetail(ctx(), a.resident01!, r.id, 'reporter');
      expect(own.transitions).toEqual([]);
      const fresh = await report('resident01');
      expect((await getEventDetail(ctx(), a.resident01!, fresh.id, 'reporter')).transitions.map((t) => t.name)).toEqual(['withdraw']);
    });
  });

  describe('reading', () => {
    it('a resident sees only their own events; a grid worker only their grid', async () => {
      const mine = await report('resident01');
      const theirs = await report('resident02', POINTS.grid02);
      const own = await listMyEvents(ctx(), a.resident01!, { page: 1, pageSize: 100 });
      expect(own.items.some((e) => e.id === mine.id)).toBe(true);
      expect(own.items.some((e) => e.id === theirs.id)).toBe(false);
      expect(own.items.every((e) => e.id !== theirs.id)).toBe(true);
      expect(await refusal(getEventDetail(ctx(), a.resident01!, theirs.id, 'reporter'))).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
      const g2 = await listEvents(ctx(), a.grid02!, { page: 1, pageSize: 200 });
      expect(g2.items.length).toBeGreaterThan(0);
      expect(g2.items.every((e) => e.orgNodeId === fx.nodes.grid02.id)).toBe(true);
      expect(await refusal(getEventDetail(ctx(), a.grid02!, mine.id))).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
    });

    it('the reporter\'s view hides staff names; the staff view masks the caller', async () => {
      const r = await report('xishan', { reporterName: '周丽萍', reporterPhone: '13812345678' });
      const staff = await getEventDetail(ctx(), a.xishan!, r.id);
      expect(staff.reporter).toEqual({ kind: 'caller', name: '周**', phone: '138****5678', isMe: true });
      const res = await dispatched();
      const own = await getEventDetail(ctx(), a.resident01!, res.id, 'reporter');
      expect(own.timeline.every((s) => s.actorName === null)).toBe(true);
      expect(own.assignee).toMatchObject({ nodeName: '西山社区第一网格', userId: null, userName: null });
      expect(own.reporter).toMatchObject({ kind: 'resident', name: '朱**', isMe: true });
    });

    it('lists by deadline status on the fake clock: normal, then warning at 80 %, then overdue', async () => {
      platform.setNow(bj('2026-12-07T09:00:00'));
      const r = await report('xishan', { categoryCode: '0701', attributes: { how: 'flying' } }); // response 1 h
      const has = async (deadline: 'normal' | 'warning' | 'overdue') =>
        (await listEvents(ctx(), a.xishan!, { page: 1, pageSize: 200, deadline, state: ['reported'] })).items.some((e) => e.id === r.id);
      expect([await has('normal'), await has('warning'), await has('overdue')]).toEqual([true, false, false]);
      platform.advance(50 * 60_000);
      expect([await has('normal'), await has('warning'), await has('overdue')]).toEqual([false, true, false]);
      platform.advance(15 * 60_000);
      expect([await has('normal'), await has('warning'), await has('overdue')]).toEqual([false, false, true]);
    });

    it('filters by state, category group, channel, urgency, code, assignee and creation time, sorted by deadline', async () => {
      platform.setNow(bj('2026-12-08T09:00:00'));
      const x = await report('xishan', { categoryCode: '0702', urgency: '紧急' });
      await step('xishan', x.id, 'accept');
      await step('xishan', x.id, 'dispatch', toGrid01);
      const q = (extra: Record<string, unknown>) => listEvents(ctx(), a.xishan!, { page: 1, pageSize: 200, ...extra }).then((p) => p.items.map((e) => e.id));
      expect(await q({ state: ['dispatched'], assignee: 'me' })).not.toContain(x.id);
      expect(await listEvents(ctx(), a.grid01!, { page: 1, pageSize: 200, assignee: 'me' }).then((p) => p.items.map((e) => e.id))).toContain(x.id);
      expect(await listEvents(ctx(), a.grid01!, { page: 1, pageSize: 200, assignee: 'myUnit' }).then((p) => p.items.map((e) => e.id))).toContain(x.id);
      const group = (await db().selectFrom('event_category').select('id').where('code', '=', '07').executeTakeFirstOrThrow()).id;
      expect(await q({ categoryId: group })).toContain(x.id);
      expect(await q({ channel: 'phone', urgency: '紧急' })).toContain(x.id);
      expect(await q({ channel: 'hotline' })).not.toContain(x.id);
      expect(await q({ q: x.code })).toEqual([x.id]);
      expect(await q({ q: x.code.slice(0, 10) })).toContain(x.id);
      expect(await q({ createdFrom: bj('2026-12-08T00:00:00').toISOString() })).toEqual([x.id]);
      const page = await listEvents(ctx(), a.xishan!, { page: 1, pageSize: 5, sort: 'due_at', state: ['reported', 'accepted', 'dispatched', 'handling'] });
      expect(page.items).toHaveLength(5);
      expect(page.total).toBeGreaterThan(5);
      const dues = page.items.map((e) => e.dueAt!);
      expect([...dues].sort()).toEqual(dues);
    });

    it('the public map has no personal data: public categories, rounded points, no text but the title', async () => {
      platform.setNow(bj('2026-12-09T09:00:00'));
      const r = await report('xishan', { title: '1幢小广告，联系人13812345678', reporterName: '王国华', reporterPhone: '13812345678' });
      const secret = await report('xishan', { categoryCode: '0403' });
      const gone = await report('resident01');
      await step('resident01', gone.id, 'withdraw');
      const { items } = await listPublicEvents(ctx(), { days: 30, limit: 1000 });
      const found = items.find((e) => e.code === r.code)!;
      expect(found).toBeTruthy();
      expect(found.title).toBe('1幢小广告，联系人138****5678');
      expect(found.lat).toBe(30.531);
      expect(found.lng).toBe(120.685);
      expect(found.gridName).toBe('西山社区第一网格');
      const text = JSON.stringify(items);
      for (const bad of ['王国华', '13812345678', '楼道墙面贴满了开锁小广告', 'description', 'reporter', 'assignee']) expect(text).not.toContain(bad);
      expect(items.some((e) => e.code === secret.code)).toBe(false);
      expect(items.some((e) => e.code === gone.code)).toBe(false);
    });
  });
});
