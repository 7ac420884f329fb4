import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import { modules } from '../index.js';
import { CLOCKED_STATES, runDeadlineCheck } from './events.deadlines.job.js';
import { loadEventActor } from './events.fixture.js';
import { containsPoint, type Geometry } from './events.geo.js';
import { coverage, haversineMetres } from './patrols.service.js';

/** Thursday 26 November 2026, 10:00 Beijing time: the seeding day. */
const START = new Date('2026-11-26T02:00:00Z');
const DAY = 86_400_000;

describe(`events demo: patrols and the deadline history (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  const logs: string[] = [];
  const db = () => platform.ctx.db.kysely;
  const userId = async (username: string) => (await db().selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: START });
    // The demo community and the events module's own demo (other modules' demos are theirs to test).
    await seedDemoIfEmpty(platform.ctx, modules.filter((m) => m.name === 'events'), (m) => logs.push(m));
  }, 300_000);
  afterAll(async () => {
    await platform?.close();
  });

  it('the grid workers patrolled most working days of the last four weeks, every fix inside their own grid', async () => {
    expect(logs.join('\n')).toMatch(/patrols: \d+ demo patrols by grid01, grid02/);
    for (const username of ['grid01', 'grid02']) {
      const worker = await userId(username);
      const grant = await db().selectFrom('role_grant').innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id').select(['org_node.id', 'org_node.geometry']).where('role_grant.user_id', '=', worker).executeTakeFirstOrThrow();
      const grid = JSON.parse(grant.geometry!) as Geometry;
      const patrols = await db().selectFrom('event_patrol').selectAll().where('worker_user_id', '=', worker).orderBy('started_at').execute();
      expect(patrols.length, username).toBeGreaterThanOrEqual(15);
      const days = new Set(patrols.map((p) => new Date(Date.parse(p.started_at) + 8 * 3_600_000).toISOString().slice(0, 10)));
      expect(days.size, username).toBeGreaterThanOrEqual(12);
      for (const p of patrols) {
        expect(p.grid_id).toBe(grant.id);
        // Over before the seed's clock: no round left open, none in the future.
        expect(p.ended_at).not.toBeNull();
        expect(Date.parse(p.started_at)).toBeGreaterThanOrEqual(START.getTime() - 28 * DAY);
        expect(Date.parse(p.ended_at!)).toBeLessThan(START.getTime());
        const points = await db().selectFrom('event_patrol_point').selectAll().where('patrol_id', '=', p.id).orderBy('seq').execute();
        expect(points.map((x) => Number(x.seq))).toEqual(points.map((_, i) => i + 1));
        expect(Number(p.point_count)).toBe(points.length);
        expect(points.length).toBeGreaterThan(20);
        let metres = 0;
        for (const [i, x] of points.entries()) {
          expect(containsPoint(grid, Number(x.lat), Number(x.lng)), `${username} ${x.at}`).toBe(true);
          expect(x.at >= p.started_at && x.at <= p.ended_at!).toBe(true);
          if (i > 0) {
            const prev = points[i - 1]!;
            const leg = haversineMetres({ lat: Number(prev.lat), lng: Number(prev.lng) }, { lat: Number(x.lat), lng: Number(x.lng) });
            // On foot: at most about 100 m between fixes a minute apart.
            expect(leg / ((Date.parse(x.at) - Date.parse(prev.at)) / 60_000)).toBeLessThan(100);
            metres += leg;
          }
        }
        expect(Number(p.distance_m)).toBeCloseTo(metres, 3);
        expect(p.summary).toMatch(/^巡查/);
      }
    }
  });

  it('events were reported from patrols by the worker, in the grid, while the patrol ran, and walked on', async () => {
    const events = await db()
      .selectFrom('grid_event')
      .innerJoin('event_patrol', 'event_patrol.id', 'grid_event.patrol_id')
      .select(['grid_event.id', 'grid_event.channel', 'grid_event.state', 'grid_event.reporter_user_id', 'grid_event.org_node_id', 'grid_event.created_at', 'event_patrol.id as patrol_id', 'event_patrol.worker_user_id', 'event_patrol.grid_id', 'event_patrol.started_at', 'event_patrol.ended_at', 'event_patrol.event_count'])
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const e of events) {
      expect(e).toMatchObject({ channel: 'patrol', reporter_user_id: e.worker_user_id, org_node_id: e.grid_id });
      expect(e.created_at > e.started_at && e.created_at < e.ended_at!).toBe(true);
      expect(Number(e.event_count)).toBe(events.filter((x) => x.patrol_id === e.patrol_id).length);
    }
    expect(events.some((e) => e.state === 'closed' || e.state === 'rated')).toBe(true);
  });

  it('the coverage screen shows both grids patrolled and the other ten not', async () => {
    const xishan = await loadEventActor(db(), await userId('xishan'));
    const cov = await coverage(platform.ctx, xishan, { from: '2026-10-30', to: '2026-11-26' }, {});
    expect(cov.grids).toHaveLength(12);
    const [first, second, ...rest] = cov.grids;
    for (const g of [first!, second!]) {
      expect(g.patrols).toBeGreaterThanOrEqual(15);
      expect(g.workingDays.patrolled).toBeGreaterThanOrEqual(10);
      expect(g.distanceKm).toBeGreaterThan(10);
    }
    expect(rest.every((g) => g.patrols === 0)).toBe(true);
    const reported = Number((await db().selectFrom('grid_event').select((eb) => eb.fn.countAll().as('n')).where('patrol_id', 'is not', null).executeTakeFirstOrThrow()).n);
    expect(cov.totals.eventsReported).toBe(reported);
    expect(cov.workers.map((w) => w.workerName).slice(0, 2).sort()).toEqual(['网格员 李建华', '网格员 陈丽娟'].sort());
  });

  it('old open events carry their warning and overdue marks, dated when they fell due, so the first run of the job has nothing to do', async () => {
    // The job's first run, at the seed's clock: no burst.
    expect(await runDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 0, escalated: 0 });
    const now = START.toISOString();
    const open = await db().selectFrom('grid_event').selectAll().where('state', 'in', CLOCKED_STATES).where('warn_at', '<=', now).execute();
    const warned = open.filter((e) => e.due_at! > now);
    const overdue = open.filter((e) => e.due_at! <= now);
    expect(warned.length + overdue.length).toBeGreaterThanOrEqual(10);
    expect(overdue.length).toBeGreaterThanOrEqual(5);
    const kinds = async (id: string) =>
      (await db().selectFrom('notification').select(['kind', 'created_at']).where('link', '=', `/console/events/${id}`).where('kind', 'in', ['events.deadline.warning', 'events.deadline.overdue', 'events.escalated']).execute()).map(
        (n) => `${n.kind}@${n.created_at}`,
      );
    const street = await userId('street');
    for (const e of warned) {
      expect(e.warned_at, e.code).toBe(e.warn_at);
      expect(e.overdue_at).toBeNull();
      expect(await kinds(e.id)).toContain(`events.deadline.warning@${e.warn_at}`);
    }
    for (const e of overdue) {
      // Warned at 80 % and marked overdue at 100 %, each then (a limit reached with no working time between can do both at once).
      expect(e.overdue_at, e.code).toBe(e.due_at);
      expect(e.warned_at! <= e.overdue_at!).toBe(true);
      const told = await kinds(e.id);
      expect(told).toContain(`events.deadline.overdue@${e.due_at}`);
      if (e.warned_at! < e.overdue_at!) expect(told).toContain(`events.deadline.warning@${e.warned_at}`);
      if (e.escalated_at) {
        // Escalated by the system when it fell due, with its notice to the street.
        expect(e.escalated_at).toBe(e.due_at);
        expect(told).toContain(`events.escalated@${e.escalated_at}`);
        const notice = await db().selectFrom('notification').select('user_id').where('link', '=', `/console/events/${e.id}`).where('kind', '=', 'events.escalated').execute();
        expect(notice.map((n) => n.user_id)).toEqual([street]);
      }
    }
    // An accepted event of a community past its limit has been escalated.
    for (const e of overdue.filter((x) => x.state === 'accepted')) expect(e.escalated_at, e.code).not.toBeNull();
    // History, not a burst at seeding: the notices are spread over the weeks before.
    const dates = await db().selectFrom('notification').select('created_at').where('kind', 'in', ['events.deadline.warning', 'events.deadline.overdue']).execute();
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => d.created_at <= now)).toBe(true);
    expect(dates.filter((d) => d.created_at < new Date(START.getTime() - 7 * DAY).toISOString()).length).toBeGreaterThan(0);
    expect(new Set(dates.map((d) => d.created_at.slice(0, 10))).size).toBeGreaterThanOrEqual(5);
  });
});
