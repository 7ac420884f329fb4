import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { countAudit } from '../../platform/audit/audit.js';
import { deleteCalendarDay, getWorkCalendar, setCalendarDay } from '../../platform/calendar/calendar.service.js';
import { buildWorkCalendar, workingHoursBetween } from '../../platform/calendar/working-time.js';
import { HOLIDAYS_2026 } from '../../platform/calendar/holidays-2026.js';
import { mulberry32 } from '../../demo/random.js';
import type { GridEventTable } from './events.table.js';
import { eventRow } from './indicators.fixture.js';
import { buildWorkDays, ensureWorkClock } from './indicators.clock.js';
import { measureWorkDurations } from './indicators.durations.js';
import { PENDING_DURATIONS } from './migrations/2026_11_26_0291_event_indicator_indexes.js';
import { sql } from 'kysely';
import type { IndicatorGroup, IndicatorReport } from './indicators.schema.js';
import type { Actor } from '../../platform/policy/actor.js';
import { giveFixturePolygons, loadEventActor, POINTS } from './events.fixture.js';
import { reportEvent, takeStep } from './events.service.js';
import { computeIndicators } from './events.indicators.js';
import { XLSX_MIME } from './indicators.xlsx.js';

/** W(t) from the table's rows, in JS: the same formula the SQL evaluates. */
function workSecondsFromRows(rows: ReturnType<typeof buildWorkDays>['rows'], t: Date): number {
  const day = t.toISOString().slice(0, 10);
  const row = rows.find((r) => r.utc_date === day)!;
  const sec = t.getUTCHours() * 3600 + t.getUTCMinutes() * 60 + t.getUTCSeconds();
  let w = row.base;
  for (let i = 1; i <= 4; i++) {
    const s = (row as unknown as Record<string, number>)[`s${i}`]!;
    const l = (row as unknown as Record<string, number>)[`l${i}`]!;
    w += Math.min(Math.max(sec - s, 0), l);
  }
  return w;
}

describe('the working clock table', () => {
  it('gives the same working time as the calendar, across nights, weekends, holidays and make-up days', () => {
    const cal = buildWorkCalendar(HOLIDAYS_2026);
    const { rows, slots } = buildWorkDays(cal, '2025-12-01', '2027-01-31');
    // Beijing office hours (08:30–12:00, 13:30–17:30) are two stretches of one UTC day.
    expect(slots).toBe(2);
    const rnd = mulberry32(7);
    const start = Date.parse('2025-12-02T00:00:00Z');
    const span = Date.parse('2027-01-30T00:00:00Z') - start;
    for (let i = 0; i < 2000; i++) {
      const a = new Date(start + Math.floor(rnd() * span / 1000) * 1000);
      const b = new Date(a.getTime() + Math.floor(rnd() * 20 * 86_400) * 1000);
      if (b.getTime() >= start + span) continue;
      const fromTable = (workSecondsFromRows(rows, b) - workSecondsFromRows(rows, a)) / 3600;
      expect(fromTable).toBeCloseTo(workingHoursBetween(cal, a, b), 9);
    }
  });

  it('handles office hours that cross UTC midnight (an offset where a local day spans two UTC days)', () => {
    const cal = buildWorkCalendar(HOLIDAYS_2026, { periods: [{ start: 6 * 60, end: 11 * 60 }, { start: 12 * 60, end: 20 * 60 }], utcOffsetMinutes: 600 });
    const { rows, slots } = buildWorkDays(cal, '2026-09-01', '2026-11-30');
    expect(slots).toBeLessThanOrEqual(4);
    const rnd = mulberry32(11);
    const start = Date.parse('2026-09-02T00:00:00Z');
    for (let i = 0; i < 500; i++) {
      const a = new Date(start + Math.floor(rnd() * 60 * 86_400) * 1000);
      const b = new Date(a.getTime() + Math.floor(rnd() * 15 * 86_400) * 1000);
      expect((workSecondsFromRows(rows, b) - workSecondsFromRows(rows, a)) / 3600).toBeCloseTo(workingHoursBetween(cal, a, b), 9);
    }
  });
});

describe('local days in the clock table', () => {
  it('gives each date its local day as stored instants, east and west of Greenwich', () => {
    const beijing = buildWorkDays(buildWorkCalendar(HOLIDAYS_2026), '2026-10-31', '2026-11-01').rows;
    expect(beijing.map((r) => [r.utc_date, r.day_start, r.day_end])).toEqual([
      ['2026-10-31', '2026-10-30T16:00:00.000Z', '2026-10-31T16:00:00.000Z'],
      ['2026-11-01', '2026-10-31T16:00:00.000Z', '2026-11-01T16:00:00.000Z'],
    ]);
    const newYork = buildWorkDays(buildWorkCalendar([], { periods: [{ start: 540, end: 1020 }], utcOffsetMinutes: -300 }), '2026-11-02', '2026-11-02').rows[0]!;
    expect([newYork.day_start, newYork.day_end]).toEqual(['2026-11-02T05:00:00.000Z', '2026-11-03T05:00:00.000Z']);
    // Monday 09:00–17:00 in New York is 14:00–22:00 UTC, all inside the UTC day.
    expect([newYork.s1, newYork.l1, newYork.l2]).toEqual([14 * 3600, 8 * 3600, 0]);
  });
});

describe(`event indicators (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const indicators = async (username: string, query: string): Promise<IndicatorReport> => {
    const res = await get(username, `/api/v1/events/indicators?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as IndicatorReport;
  };
  const byLabel = (r: IndicatorReport, label: string): IndicatorGroup => {
    const g = r.groups.find((x) => x.label === label);
    if (!g) throw new Error(`no group ${label} in ${r.groups.map((x) => x.label).join(', ')}`);
    return g;
  };
  let cat: Record<string, string>;
  const insert = async (rows: GridEventTable[]) => {
    for (const r of rows) await platform.ctx.db.kysely.insertInto('grid_event').values(r).execute();
  };

  beforeAll(async () => {
    // Thursday 2026-11-26, 10:00 Beijing time: deadlines are judged as of now.
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    const cats = await platform.ctx.db.kysely.selectFrom('event_category').select(['id', 'code']).where('code', 'in', ['0101', '0201']).execute();
    cat = Object.fromEntries(cats.map((c) => [c.code, c.id]));
    const { grid01, grid02, xishan, dongshan, street } = fx.nodes;
    const at = (node: { id: string; path: string }, code = '0101') => ({ categoryId: cat[code]!, node });
    const done = { dispatch_count: 1, handling_count: 1 };
    await insert([
      // grid01 ------------------------------------------------------------------------------
      // E1: Mon 09:00 reported, accepted at 10:00 (1 h), dispatched 11:00, done Tue 09:00
      // (5.5 working hours), closed on time, 满意.
      eventRow(at(grid01), {
        created_at: '2026-11-02T01:00:00.000Z', state: 'rated', accepted_at: '2026-11-02T02:00:00.000Z',
        first_dispatched_at: '2026-11-02T03:00:00.000Z', handling_started_at: '2026-11-02T03:30:00.000Z', handled_at: '2026-11-03T01:00:00.000Z',
        close_due_at: '2026-11-04T09:30:00.000Z', closed_at: '2026-11-03T06:00:00.000Z', closed_on_time: 1, ...done,
        assignee_node_id: grid01.id, rating: '满意', rated_at: '2026-11-03T07:00:00.000Z',
      }),
      // E2: Fri 16:00 reported, accepted Mon 09:00 (2 h over the weekend); returned once and
      // re-dispatched, one extension, reworked once, done Thu 10:00 (22.5 h) after its limit, closed late.
      eventRow(at(grid01), {
        created_at: '2026-11-06T08:00:00.000Z', state: 'closed', accepted_at: '2026-11-09T01:00:00.000Z',
        first_dispatched_at: '2026-11-09T02:00:00.000Z', handled_at: '2026-11-12T02:00:00.000Z',
        close_due_at: '2026-11-11T09:30:00.000Z', closed_at: '2026-11-13T02:00:00.000Z', closed_on_time: 0,
        dispatch_count: 2, return_count: 1, handling_count: 2, rework_count: 1, extension_count: 1, assignee_node_id: xishan.id,
      }),
      // E3: suspended (挂账) while handling, its limit past: due, but out of both on-time rates.
      eventRow(at(grid01), {
        created_at: '2026-11-10T01:00:00.000Z', state: 'handling', accepted_at: '2026-11-10T01:30:00.000Z',
        first_dispatched_at: '2026-11-10T02:00:00.000Z', close_due_at: '2026-11-20T09:30:00.000Z', dispatch_count: 1, suspended: 1,
        assignee_node_id: xishan.id,
      }),
      // E4: withdrawn by the reporter.
      eventRow(at(grid01), { created_at: '2026-11-12T01:00:00.000Z', state: 'withdrawn' }),
      // E5: still waiting, its acceptance limit past; E6: waiting inside its limit (not yet due).
      eventRow(at(grid01), { created_at: '2026-11-25T01:00:00.000Z', state: 'reported', due_at: '2026-11-25T03:00:00.000Z' }),
      eventRow(at(grid01), { created_at: '2026-11-26T01:30:00.000Z', state: 'reported', due_at: '2026-11-26T04:00:00.000Z' }),
      // E15: Sunday 1 November 00:00 Beijing time exactly: inside November.
      eventRow(at(grid01, '0201'), { created_at: '2026-10-31T16:00:00.000Z', state: 'reported', due_at: '2026-11-02T02:30:00.000Z' }),
      // E14: one second earlier, 31 October: outside.
      eventRow(at(grid01, '0201'), { created_at: '2026-10-31T15:59:59.000Z', state: 'reported', due_at: '2026-11-02T02:30:00.000Z' }),
      // grid02 ------------------------------------------------------------------------------
      // E7: rejected.
      eventRow(at(grid02, '0201'), { created_at: '2026-11-03T02:00:00.000Z', state: 'rejected' }),
      // E8: dispatched to the street's 民政; limit not reached yet.
      eventRow(at(grid02, '0201'), {
        created_at: '2026-11-16T02:00:00.000Z', state: 'handling', accepted_at: '2026-11-16T02:30:00.000Z',
        first_dispatched_at: '2026-11-16T03:00:00.000Z', close_due_at: '2026-11-30T09:30:00.000Z', dispatch_count: 1,
        assignee_node_id: street.id, assignee_department_code: 'civil',
      }),
      // E9: done on time (Mon 14:00 → Tue 14:00, 7.5 h), closed late, 不满意.
      eventRow(at(grid02, '0201'), {
        created_at: '2026-11-16T05:30:00.000Z', state: 'rated', accepted_at: '2026-11-16T05:45:00.000Z',
        first_dispatched_at: '2026-11-16T06:00:00.000Z', handled_at: '2026-11-17T06:00:00.000Z',
        close_due_at: '2026-11-18T09:30:00.000Z', closed_at: '2026-11-19T02:00:00.000Z', closed_on_time: 0, ...done,
        assignee_node_id: xishan.id, rating: '不满意', rated_at: '2026-11-19T03:00:00.000Z',
      }),
      // E10: voided after dispatch: accepted (1 h) and dispatched, never due.
      eventRow(at(grid02, '0201'), {
        created_at: '2026-11-04T02:00:00.000Z', state: 'voided', accepted_at: '2026-11-04T03:00:00.000Z',
        first_dispatched_at: '2026-11-04T05:30:00.000Z', close_due_at: '2026-11-06T09:30:00.000Z', dispatch_count: 1, assignee_node_id: xishan.id,
      }),
      // E11: merged into another: not counted at all.
      eventRow(at(grid02, '0201'), { created_at: '2026-11-05T02:00:00.000Z', state: 'merged', accepted_at: '2026-11-05T02:10:00.000Z' }),
      // dongshan (reported to the community, no grid) ---------------------------------------
      eventRow(at(dongshan), {
        created_at: '2026-11-20T02:00:00.000Z', state: 'rated', accepted_at: '2026-11-20T02:30:00.000Z',
        first_dispatched_at: '2026-11-20T03:00:00.000Z', handled_at: '2026-11-20T06:00:00.000Z',
        close_due_at: '2026-11-23T09:30:00.000Z', closed_at: '2026-11-20T08:00:00.000Z', closed_on_time: 1, ...done,
        assignee_node_id: dongshan.id, rating: '基本满意',
      }),
      // Around the National Day holiday (grid01): Wed 30 Sep 16:00 → Thu 8 Oct 09:00 is 2 working
      // hours; Sat 10 Oct (a make-up working day) 09:00 → Mon 12 Oct 09:00 is 7.5.
      eventRow(at(grid01), { created_at: '2026-09-30T08:00:00.000Z', state: 'accepted', accepted_at: '2026-10-08T01:00:00.000Z' }),
      eventRow(at(grid01), { created_at: '2026-10-10T01:00:00.000Z', state: 'accepted', accepted_at: '2026-10-12T01:00:00.000Z' }),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  const NOVEMBER = 'from=2026-11-01&to=2026-11-30';

  it('should require authentication and the permission', async () => {
    expect((await app.inject({ method: 'GET', url: `/api/v1/events/indicators?${NOVEMBER}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/api/v1/events/indicators/export.xlsx?${NOVEMBER}` })).statusCode).toBe(401);
    expect((await get('resident01', `/api/v1/events/indicators?${NOVEMBER}`)).statusCode).toBe(403);
    // Grid workers report and handle; the 考核 figures are for community staff, dispatchers and departments.
    expect((await get('grid01', `/api/v1/events/indicators?${NOVEMBER}`)).statusCode).toBe(403);
    expect((await get('grid01', `/api/v1/events/indicators?${NOVEMBER}&orgNodeId=${fx.nodes.dongshan.id}`)).statusCode).toBe(403);
  });

  it('counts a community month by the formulas (community staff, whole scope)', async () => {
    const r = await indicators('xishan', `${NOVEMBER}&groupBy=grid`);
    expect(r).toMatchObject({ from: '2026-11-01', to: '2026-11-30', asOf: '2026-11-26T02:00:00.000Z', groupBy: 'grid', orgNode: null, unit: '西山社区' });
    expect(r.total.counts).toEqual({
      reported: 11, // E1–E10 and E15; E11 merged, E14 in October, dongshan outside the scope
      withdrawn: 1,
      dueToAccept: 9, // all but E4 (withdrawn) and E6 (inside its limit)
      accepted: 6,
      rejected: 1,
      dispatchedEvents: 6,
      dispatches: 7,
      returns: 1,
      handlings: 4,
      reworks: 1,
      extended: 1,
      dueToHandle: 4, // E1, E2, E9 done; E3 past its limit; E8 not yet due; E10 voided
      dueToHandleSuspended: 1,
      handledOnTime: 2, // E1, E9
      dueToClose: 4,
      dueToCloseSuspended: 1,
      closed: 3,
      closedOnTime: 1, // E1
      rated: 2,
      satisfied: 1,
      responseCount: 6,
      responseHours: 5.25, // 1 + 2 + 0.5 + 0.5 + 0.25 + 1
      handlingCount: 3,
      handlingHours: 35.5, // 5.5 + 22.5 + 7.5
    });
    expect(r.total.rates).toEqual({
      acceptanceRate: 0.6667,
      onTimeHandlingRate: 0.6667, // 2 / (4 − 1)
      closingRate: 0.75,
      onTimeClosingRate: 0.3333, // 1 / (4 − 1)
      reworkRate: 0.25,
      accurateDispatchRate: 0.8571, // (7 − 1) / 7
      extensionRate: 0.1667,
      satisfactionRate: 0.5,
      avgResponseHours: 0.88, // 5.25 / 6 = 0.875
      avgHandlingHours: 11.83,
    });
    expect(r.groups.map((g) => g.label)).toEqual(['西山社区第一网格', '西山社区第二网格']);
    const g1 = byLabel(r, '西山社区第一网格');
    expect(g1.counts).toMatchObject({ reported: 7, dueToAccept: 5, accepted: 3, dueToClose: 3, closed: 2, closedOnTime: 1, dueToCloseSuspended: 1 });
    expect(g1.rates).toMatchObject({ acceptanceRate: 0.6, closingRate: 0.6667, onTimeClosingRate: 0.5, reworkRate: 0.3333, accurateDispatchRate: 0.75, satisfactionRate: 1, avgResponseHours: 1.17, avgHandlingHours: 14 });
    const g2 = byLabel(r, '西山社区第二网格');
    expect(g2.counts).toMatchObject({ reported: 4, dueToAccept: 4, accepted: 3, rejected: 1, dueToClose: 1, closed: 1, closedOnTime: 0, rated: 1, satisfied: 0 });
    expect(g2.rates).toMatchObject({ acceptanceRate: 0.75, closingRate: 1, onTimeClosingRate: 0, onTimeHandlingRate: 1, reworkRate: 0, extensionRate: 0, satisfactionRate: 0 });
  });

  it('answers null, not 0 or NaN, where a denominator is zero', async () => {
    const r = await indicators('xishan', `from=2026-11-01&to=2026-11-07&groupBy=day`);
    expect(r.groups.map((g) => g.key)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07']);
    const sunday = r.groups[0]!; // E15 alone: waiting past its acceptance limit
    expect(sunday.counts).toMatchObject({ reported: 1, dueToAccept: 1, accepted: 0, dispatches: 0, handlings: 0 });
    expect(sunday.rates).toEqual({
      acceptanceRate: 0,
      onTimeHandlingRate: null,
      closingRate: null,
      onTimeClosingRate: null,
      reworkRate: null,
      accurateDispatchRate: null,
      extensionRate: null,
      satisfactionRate: null,
      avgResponseHours: null,
      avgHandlingHours: null,
    });
    // Thursday the 5th: only E11, merged, so an empty day.
    expect(r.groups[4]!.counts.reported).toBe(0);
    expect(Object.values(r.groups[4]!.rates).every((v) => v === null)).toBe(true);
    // A suspended-only due set: 应结案数 − 挂账数 = 0.
    const tenth = await indicators('xishan', `from=2026-11-10&to=2026-11-10&groupBy=day`);
    expect(tenth.total.counts).toMatchObject({ dueToClose: 1, dueToCloseSuspended: 1 });
    expect(tenth.total.rates).toMatchObject({ closingRate: 0, onTimeClosingRate: null, onTimeHandlingRate: null, avgHandlingHours: null });
    const empty = await indicators('xishan', `from=2026-12-01&to=2026-12-31&groupBy=month`);
    expect(empty.groups).toHaveLength(1);
    expect(empty.total.counts.reported).toBe(0);
    expect(Object.values(empty.total.rates).every((v) => v === null)).toBe(true);
  });

  it('groups by week (Monday to Sunday) and month over the Beijing calendar', async () => {
    const weeks = await indicators('xishan', `${NOVEMBER}&groupBy=week`);
    expect(weeks.groups.map((g) => g.key)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(weeks.groups.map((g) => g.counts.reported)).toEqual([1, 4, 2, 2, 2, 0]);
    expect(weeks.groups[1]!.label).toBe('2026-11-02 至 2026-11-08');
    const months = await indicators('xishan', `from=2026-09-01&to=2026-11-30&groupBy=month`);
    expect(months.groups.map((g) => [g.label, g.counts.reported])).toEqual([
      ['2026年9月', 1],
      ['2026年10月', 2], // 10 October and 31 October 23:59:59
      ['2026年11月', 11],
    ]);
  });

  it('measures response time in working hours over a holiday and a make-up working day', async () => {
    const r = await indicators('xishan', `from=2026-09-30&to=2026-10-12&groupBy=day`);
    expect(r.total.counts).toMatchObject({ reported: 2, responseCount: 2, responseHours: 9.5 });
    expect(r.total.rates.avgResponseHours).toBe(4.75);
    expect(r.groups.find((g) => g.key === '2026-10-10')!.rates.avgResponseHours).toBe(7.5);
  });

  it('follows a calendar change at once', async () => {
    // Monday 9 November made a holiday: E2 (Friday 16:00 → accepted Monday 09:00) then counts
    // Friday's 1.5 working hours only.
    const admin = await platform.ctx.db.kysely.selectFrom('app_user').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    const actor = { userId: admin.id, username: 'admin', displayName: 'admin', grants: [], personId: null, via: 'session' as const };
    await setCalendarDay(platform.ctx, actor, { date: '2026-11-09', kind: 'holiday', name: '测试' });
    try {
      const r = await indicators('xishan', `from=2026-11-06&to=2026-11-06&groupBy=day`);
      expect(r.total.counts.responseHours).toBe(1.5);
    } finally {
      await deleteCalendarDay(platform.ctx, actor, '2026-11-09');
    }
    const back = await indicators('xishan', `from=2026-11-06&to=2026-11-06&groupBy=day`);
    expect(back.total.counts.responseHours).toBe(2);
  });

  it('groups by community, unit and category for the street', async () => {
    const c = await indicators('street', `${NOVEMBER}&groupBy=community`);
    expect(c.unit).toBe('硖石街道');
    expect(c.groups.map((g) => [g.label, g.counts.reported])).toEqual([
      ['西山社区', 11],
      ['东山社区', 1],
    ]);
    expect(byLabel(c, '东山社区').rates).toMatchObject({ closingRate: 1, onTimeClosingRate: 1, satisfactionRate: 1, avgResponseHours: 0.5, avgHandlingHours: 1.5 });
    expect(c.total.counts.reported).toBe(12);

    const grids = await indicators('street', `${NOVEMBER}&groupBy=grid`);
    expect(grids.groups.map((g) => g.label)).toEqual(['西山社区第一网格', '西山社区第二网格', '东山社区（未分网格）']);

    const units = await indicators('street', `${NOVEMBER}&groupBy=unit`);
    expect(units.groups.map((g) => [g.label, g.counts.reported])).toEqual([
      ['硖石街道 民政', 1],
      ['西山社区', 4], // E2, E3, E9, E10
      ['西山社区第一网格', 1],
      ['东山社区', 1],
      ['未派遣', 5], // E4, E5, E6, E7, E15
    ]);
    expect(units.groups.find((g) => g.label === '西山社区')!.rates).toMatchObject({ accurateDispatchRate: 0.8, reworkRate: 0.3333, onTimeClosingRate: 0 });

    const cats = await indicators('street', `${NOVEMBER}&groupBy=category`);
    const names = await platform.ctx.db.kysely.selectFrom('event_category as c').innerJoin('event_category as p', 'p.id', 'c.parent_id').select(['c.code', 'c.name', 'p.name as parent']).where('c.code', 'in', ['0101', '0201']).execute();
    const label = (code: string) => {
      const n = names.find((x) => x.code === code)!;
      return `${n.parent} / ${n.name}`;
    };
    expect(cats.groups.map((g) => [g.label, g.counts.reported])).toEqual([
      [label('0101'), 7], // E1–E6 and dongshan's
      [label('0201'), 5], // E15, E7–E10
    ]);
  });

  it('keeps each caller to their subtree; a department sees what was dispatched to it', async () => {
    const audits = await countAudit(platform.ctx.db, 'events.indicators.read');
    const other = await get('xishan', `/api/v1/events/indicators?${NOVEMBER}&orgNodeId=${fx.nodes.dongshan.id}`);
    expect(other.statusCode).toBe(403);
    const above = await get('xishan', `/api/v1/events/indicators?${NOVEMBER}&orgNodeId=${fx.nodes.street.id}`);
    expect(above.statusCode).toBe(403);
    expect(await countAudit(platform.ctx.db, 'events.indicators.read')).toBe(audits + 2);
    expect((await get('xishan', `/api/v1/events/indicators?${NOVEMBER}&orgNodeId=nosuchnode`)).statusCode).toBe(404);

    const grid = await indicators('xishan', `${NOVEMBER}&orgNodeId=${fx.nodes.grid02.id}&groupBy=grid`);
    expect(grid.orgNode).toEqual({ id: fx.nodes.grid02.id, name: '西山社区第二网格' });
    expect(grid.groups.map((g) => g.label)).toEqual(['西山社区第二网格']);
    expect(grid.total.counts.reported).toBe(4);

    const civil = await indicators('civil', `${NOVEMBER}&groupBy=unit`);
    expect(civil.groups.map((g) => [g.label, g.counts.reported])).toEqual([['硖石街道 民政', 1]]);
    expect(civil.total.counts).toMatchObject({ reported: 1, accepted: 1, dispatchedEvents: 1, dueToClose: 0 });
    const civilInXishan = await indicators('civil', `${NOVEMBER}&orgNodeId=${fx.nodes.xishan.id}&groupBy=grid`);
    expect(civilInXishan.total.counts.reported).toBe(1);
    expect(civilInXishan.groups.map((g) => g.label)).toEqual(['西山社区第二网格']);
  });

  it('refuses a bad period with a clear message', async () => {
    const backwards = await get('xishan', `/api/v1/events/indicators?from=2026-11-30&to=2026-11-01`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({ code: 'INDICATOR_RANGE_INVALID', message: '开始日期不能晚于结束日期' });
    const long = await get('xishan', `/api/v1/events/indicators?from=2020-01-01&to=2026-11-01&lang=en`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({ code: 'INDICATOR_RANGE_TOO_LONG', message: 'The period may not exceed 1096 days' });
    expect((await get('xishan', `/api/v1/events/indicators?from=2026-02-30`)).statusCode).toBe(400);
    const early = await get('xishan', `/api/v1/events/indicators?from=2019-12-01&to=2020-01-31`);
    expect(early.statusCode).toBe(400);
    expect(early.json().error).toMatchObject({ code: 'INDICATOR_RANGE_OUTSIDE', message: '统计期间须在 2020 年至 2049 年之间' });
    expect((await get('xishan', `/api/v1/events/indicators?groupBy=year`)).statusCode).toBe(400);
  });

  it('defaults to this month so far', async () => {
    const r = await indicators('xishan', `groupBy=month`);
    expect(r).toMatchObject({ from: '2026-11-01', to: '2026-11-26' });
    expect(r.total.counts.reported).toBe(11);
  });

  it('exports the table as a clerk’s xlsx, read back cell by cell; audited', async () => {
    const before = await countAudit(platform.ctx.db, 'events.indicators.export');
    const res = await get('xishan', `/api/v1/events/indicators/export.xlsx?${NOVEMBER}&groupBy=grid`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('事件考核指标_西山社区_20261101-20261130.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const text = (r: number, c: number) => ws.getRow(r).getCell(c).text;
    const value = (r: number, c: number) => ws.getRow(r).getCell(c).value;
    expect(text(1, 1)).toBe('网格事件考核指标统计表');
    expect(text(2, 1)).toBe('单位：西山社区');
    expect(text(3, 1)).toContain('统计期间：2026年11月1日至2026年11月30日');
    expect(text(3, 1)).toContain('分组：按网格');
    expect(text(3, 1)).toContain('统计截至：2026-11-26 10:00');
    expect(text(4, 1)).toContain('制表日期：2026年11月26日');
    expect(text(4, 1)).toContain('制表人：西山社区 王秀英');
    const headers = (r: number) => Array.from({ length: 30 }, (_, i) => text(r, i + 1));
    expect(headers(5).slice(0, 7)).toEqual(['序号', '网格', '受理', '受理', '受理', '受理', '处置']);
    expect(headers(6)).toEqual([
      '序号', '网格', '上报数', '应受理数', '受理数', '受理率', '应处置数', '其中挂账', '按期处置数', '按期处置率',
      '应结案数', '其中挂账', '结案数', '结案率', '按期结案数', '按期结案率', '派遣次数', '回退次数', '准确派遣率',
      '处置次数', '返工次数', '返工率', '派遣案件数', '延期案件数', '延期率', '评价数', '满意数', '满意率', '响应', '处置',
    ]);
    const col = (h: string, occurrence = 0) => headers(6).reduce<number[]>((acc, x, i) => (x === h ? [...acc, i + 1] : acc), [])[occurrence]!;
    // Row 7: grid01, row 8: grid02, row 9: 合计.
    expect([text(7, 1), text(7, 2), text(8, 2), text(9, 2)]).toEqual(['1', '西山社区第一网格', '西山社区第二网格', '合计']);
    expect(value(7, col('上报数'))).toBe(7);
    expect(value(7, col('受理率'))).toBe(0.6);
    expect(ws.getRow(7).getCell(col('受理率')).numFmt).toBe('0.0%');
    expect(value(9, col('应结案数'))).toBe(4);
    expect(value(9, col('其中挂账', 1))).toBe(1);
    expect(value(9, col('按期结案数'))).toBe(1);
    expect(value(9, col('按期结案率'))).toBe(0.3333);
    expect(value(9, col('准确派遣率'))).toBe(0.8571);
    expect(value(9, col('处置'))).toBe(11.83);
    expect(ws.getRow(9).getCell(col('处置')).numFmt).toBe('0.0');
    expect(value(8, col('响应'))).toBe(0.58); // (0.5 + 0.25 + 1) / 3
    expect(value(8, col('处置'))).toBe(7.5);
    expect(value(8, col('延期率'))).toBe(0);
    expect(text(9, col('处置次数'))).toBe('4');
    const notes = Array.from({ length: 6 }, (_, i) => text(11 + i, 1)).join('\n');
    expect(notes).toContain('按期结案率 = 按期结案数 ÷（应结案数 − 挂账数）');
    expect(await countAudit(platform.ctx.db, 'events.indicators.export')).toBe(before + 1);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'events.indicators.export').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_name: 'xishan', outcome: 'success' });
    expect(JSON.parse(audit.details!)).toEqual({ from: '2026-11-01', to: '2026-11-30', groupBy: 'grid', orgNodeId: null, rows: 2 });
  });

  it('shows a dash where a rate has no denominator in the xlsx', async () => {
    const res = await get('xishan', `/api/v1/events/indicators/export.xlsx?from=2026-11-01&to=2026-11-01&groupBy=day`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const row = wb.worksheets[0]!.getRow(7);
    expect(row.getCell(2).text).toBe('2026-11-01');
    expect(row.getCell(6).value).toBe(0); // 受理率 0 of 1
    expect(row.getCell(10).value).toBe('—'); // 按期处置率: nothing due
  });

  it('keeps working times on the rows: measured once, the same figures, measured again where the calendar or the row changed', async () => {
    const db = platform.ctx.db.kysely;
    const pending = async () => Number((await sql<{ n: number }>`select count(*) as n from grid_event where ${sql.raw(PENDING_DURATIONS)}`.execute(db)).rows[0]!.n);
    const e = (created: string) => db.selectFrom('grid_event').selectAll().where('created_at', '=', created).executeTakeFirstOrThrow() as Promise<GridEventTable & Record<string, unknown>>;
    const E1 = '2026-11-02T01:00:00.000Z';
    const E2 = '2026-11-06T08:00:00.000Z';
    const before = await indicators('xishan', `${NOVEMBER}&groupBy=grid`);
    // Every accepted fixture event (E1–E3, E8–E11, dongshan's, the two around National Day).
    expect(await pending()).toBe(10);
    expect(await measureWorkDurations(platform.ctx)).toBe(10);
    expect(await pending()).toBe(0);
    expect(await e(E2)).toMatchObject({ response_work_seconds: 7200, handling_work_seconds: 81_000, handling_work_for: '2026-11-12T02:00:00.000Z' });
    const measured = await indicators('xishan', `${NOVEMBER}&groupBy=grid`);
    expect(measured.groups).toEqual(before.groups);
    expect(measured.total).toEqual(before.total);

    // Monday 9 November becomes a holiday: E2's acceptance and handling touch it, E1's do not.
    const admin = await db.selectFrom('app_user').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    const actor = { userId: admin.id, username: 'admin', displayName: 'admin', grants: [], personId: null, via: 'session' as const };
    await setCalendarDay(platform.ctx, actor, { date: '2026-11-09', kind: 'holiday', name: '测试' });
    try {
      const changed = await indicators('xishan', `from=2026-11-06&to=2026-11-06&groupBy=day`);
      expect(changed.total.counts).toMatchObject({ responseHours: 1.5, handlingHours: 16.5 }); // Tue, Wed, Thu to 10:00
      expect(await e(E2)).toMatchObject({ response_work_seconds: null, handling_work_for: null });
      expect(await e(E1)).toMatchObject({ response_work_seconds: 3600, handling_work_seconds: 19_800 });
      expect(await measureWorkDurations(platform.ctx)).toBeGreaterThanOrEqual(1);
      expect(await e(E2)).toMatchObject({ response_work_seconds: 5400, handling_work_seconds: 59_400 });
      expect((await indicators('xishan', `from=2026-11-06&to=2026-11-06&groupBy=day`)).total.counts).toMatchObject({ responseHours: 1.5, handlingHours: 16.5 });
    } finally {
      await deleteCalendarDay(platform.ctx, actor, '2026-11-09');
    }
    expect((await indicators('xishan', `${NOVEMBER}&groupBy=grid`)).total).toEqual(before.total);
    await measureWorkDurations(platform.ctx);
    expect(await e(E2)).toMatchObject({ response_work_seconds: 7200, handling_work_seconds: 81_000 });

    // Another 处置完毕 moves handled_at: the measured time is stale until measured again.
    await db.updateTable('grid_event').set({ handled_at: '2026-11-03T02:00:00.000Z' }).where('created_at', '=', E1).execute();
    expect(await pending()).toBe(1);
    const moved = await indicators('xishan', `from=2026-11-02&to=2026-11-02&groupBy=day`);
    expect(moved.total.counts.handlingHours).toBe(6.5); // Mon 11:00 → Tue 10:00
    expect(await measureWorkDurations(platform.ctx)).toBe(1);
    expect(await e(E1)).toMatchObject({ handling_work_seconds: 23_400, handling_work_for: '2026-11-03T02:00:00.000Z' });
    await db.updateTable('grid_event').set({ handled_at: '2026-11-03T01:00:00.000Z' }).where('created_at', '=', E1).execute();
    await measureWorkDurations(platform.ctx);
  });

  it('agrees with the calendar on random events (the SQL working clock)', async () => {
    await ensureWorkClock(platform.ctx);
    const cal = await getWorkCalendar(platform.ctx);
    const rnd = mulberry32(2027);
    const start = Date.parse('2027-01-04T00:00:00Z');
    let response = 0;
    let handling = 0;
    const rows: GridEventTable[] = [];
    for (let i = 0; i < 120; i++) {
      const created = new Date(start + Math.floor(rnd() * 300 * 86_400) * 1000);
      const accepted = new Date(created.getTime() + Math.floor(rnd() * 5 * 86_400) * 1000);
      const dispatched = new Date(accepted.getTime() + Math.floor(rnd() * 3 * 3600) * 1000);
      const handled = new Date(dispatched.getTime() + Math.floor(rnd() * 12 * 86_400) * 1000);
      response += workingHoursBetween(cal, created, accepted);
      handling += workingHoursBetween(cal, dispatched, handled);
      rows.push(
        eventRow({ categoryId: cat['0101']!, node: fx.nodes.grid01 }, {
          created_at: created.toISOString(), state: 'checking', accepted_at: accepted.toISOString(),
          first_dispatched_at: dispatched.toISOString(), handled_at: handled.toISOString(), close_due_at: handled.toISOString(), dispatch_count: 1, handling_count: 1,
        }),
      );
    }
    await insert(rows);
    const r = await indicators('xishan', `from=2027-01-01&to=2027-12-31&groupBy=month`);
    expect(r.total.counts.reported).toBe(120);
    expect(r.total.counts.responseHours).toBeCloseTo(response, 1);
    expect(r.total.counts.handlingHours).toBeCloseTo(handling, 1);
    expect(r.total.rates.avgResponseHours).toBeCloseTo(response / 120, 1);
    expect(r.total.rates.avgHandlingHours).toBeCloseTo(handling / 120, 1);
    expect(r.total.counts.handledOnTime).toBe(120);
  });
});

describe(`event indicators through the loop (${DIALECT_LABEL})`, () => {
  const bj = (local: string) => new Date(`${local}+08:00`);
  let platform: TestPlatform;
  let fx: Fixture;
  const a: Record<string, Actor> = {};

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-02T09:00:00') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    for (const u of ['grid01', 'grid02', 'xishan', 'resident01']) a[u] = await loadEventActor(platform.ctx.db.kysely, fx.users[u]!);
  });
  afterAll(() => platform.close());

  it('counts what the service recorded as each step was taken', async () => {
    const ctx = platform.ctx;
    const at = (local: string) => platform.setNow(bj(local));
    const step = (who: string, id: string, t: Parameters<typeof takeStep>[3], input: Parameters<typeof takeStep>[4] = {}) => takeStep(ctx, a[who]!, id, t, input, {});
    const staffReport = (categoryCode: string, orgNodeId: string, description: string) =>
      reportEvent(ctx, { kind: 'user', actor: a.xishan! }, { categoryCode, orgNodeId, description, channel: 'phone', attributes: categoryCode === '0101' ? { amount: 'cart' } : {} }, {});

    // A: a resident's report, accepted in 1 h, handled in 2 working hours, closed on time, 满意.
    at('2026-11-02T09:00:00');
    const A = await reportEvent(ctx, { kind: 'user', actor: a.resident01! }, { categoryCode: '0101', description: '3幢楼下垃圾没人清', channel: 'resident_app', ...POINTS.grid01, attributes: { amount: 'cart' } }, {});
    // B: a phone call, accepted in 2 h, sent to the wrong grid and returned, handled, reworked once.
    const B = await staffReport('0201', fx.nodes.grid02.id, '8幢门口路灯不亮');
    at('2026-11-02T09:30:00');
    const C = await staffReport('0101', fx.nodes.grid01.id, '重复来电');
    at('2026-11-02T09:45:00');
    await step('xishan', C.id, 'reject', { comment: '已由同一来电人反映，不予受理' });
    at('2026-11-02T10:00:00');
    await step('xishan', A.id, 'accept');
    at('2026-11-02T10:30:00');
    await step('xishan', A.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid01.id } });
    at('2026-11-02T11:00:00');
    await step('grid01', A.id, 'take');
    await step('xishan', B.id, 'accept');
    at('2026-11-02T11:10:00');
    await step('xishan', B.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid02.id } });
    at('2026-11-02T11:20:00');
    await step('grid02', B.id, 'return', { comment: '路灯归社区报修，不属网格处置' });
    at('2026-11-02T11:30:00');
    await step('xishan', B.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.xishan.id } });
    at('2026-11-02T13:30:00');
    await step('xishan', B.id, 'take');
    at('2026-11-02T14:00:00');
    await step('grid01', A.id, 'finish', { comment: '已清运' });
    at('2026-11-02T14:30:00');
    await step('xishan', B.id, 'finish', { comment: '已通知路灯所' });
    at('2026-11-02T15:00:00');
    await step('resident01', A.id, 'verify');
    await step('grid02', B.id, 'rework', { comment: '仍然不亮' });
    at('2026-11-02T15:10:00');
    await step('resident01', A.id, 'rate', { rating: '满意' });
    at('2026-11-02T16:00:00');
    await step('xishan', B.id, 'finish', { comment: '已更换灯泡' });
    at('2026-11-02T16:30:00');
    await step('grid02', B.id, 'verify');
    await step('xishan', B.id, 'rate', { rating: '基本满意', comment: '电话回访' });

    // D: accepted in 0.5 h, an extension approved, then suspended (挂账) past its limit.
    at('2026-11-03T09:00:00');
    const D = await staffReport('0101', fx.nodes.grid01.id, '绿化带内建筑垃圾');
    at('2026-11-03T09:30:00');
    await step('xishan', D.id, 'accept');
    at('2026-11-03T09:40:00');
    await step('xishan', D.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid01.id } });
    at('2026-11-03T10:00:00');
    await step('grid01', D.id, 'take');
    await step('grid01', D.id, 'request_extension', { comment: '需联系渣土车', extensionHours: 4 });
    at('2026-11-03T10:20:00');
    await step('xishan', D.id, 'approve_extension');
    at('2026-11-03T10:30:00');
    await step('xishan', D.id, 'suspend', { comment: '待城管执法队认定责任单位' });
    // E: withdrawn by the resident.
    at('2026-11-03T10:00:00');
    const E = await reportEvent(ctx, { kind: 'user', actor: a.resident01! }, { categoryCode: '0101', description: '路边有垃圾', channel: 'resident_app', ...POINTS.grid01, attributes: { amount: 'small' } }, {});
    await step('resident01', E.id, 'withdraw', { comment: '已自行处理' });

    const row = await ctx.db.kysely.selectFrom('grid_event').selectAll().where('id', '=', D.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'suspended', suspended: 1, extension_count: 1 });

    at('2026-11-06T10:00:00');
    const r = await computeIndicators(ctx, a.xishan!, { from: '2026-11-01', to: '2026-11-30', groupBy: 'grid' });
    expect(r.total.counts).toMatchObject({
      reported: 5,
      withdrawn: 1,
      dueToAccept: 4,
      accepted: 3,
      rejected: 1,
      dispatchedEvents: 3,
      dispatches: 4,
      returns: 1,
      handlings: 3,
      reworks: 1,
      extended: 1,
      dueToHandle: 3,
      dueToHandleSuspended: 1,
      handledOnTime: 2,
      dueToClose: 3,
      dueToCloseSuspended: 1,
      closed: 2,
      closedOnTime: 2,
      rated: 2,
      satisfied: 2,
      responseCount: 3,
      responseHours: 3.5, // 1 + 2 + 0.5
      handlingCount: 2,
      handlingHours: 5.33, // A 10:30 → 14:00 is 2 h; B 11:10 → 16:00 is 3 h 20 min
    });
    expect(r.total.rates).toEqual({
      acceptanceRate: 0.75,
      onTimeHandlingRate: 1,
      closingRate: 0.6667,
      onTimeClosingRate: 1,
      reworkRate: 0.3333,
      accurateDispatchRate: 0.75,
      extensionRate: 0.3333,
      satisfactionRate: 1,
      avgResponseHours: 1.17,
      avgHandlingHours: 2.67,
    });
    expect(r.groups.map((g) => [g.label, g.counts.reported])).toEqual([
      ['西山社区第一网格', 4],
      ['西山社区第二网格', 1],
    ]);
    // Before D's extended limit passed (Wednesday 15:40), it was not yet due to close.
    at('2026-11-04T15:00:00');
    const before = await computeIndicators(ctx, a.xishan!, { from: '2026-11-01', to: '2026-11-30', groupBy: 'month' });
    expect(before.total.counts).toMatchObject({ dueToClose: 2, dueToCloseSuspended: 0, closed: 2 });
  });
});
