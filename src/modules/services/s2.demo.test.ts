import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loginAs } from '../../../test/helpers/http.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { isWorkingDay } from '../../platform/calendar/working-time.js';
import type { LinliApp } from '../../platform/http/app.js';
import type { LinliModule } from '../../platform/module.js';
import { servicesTestModules } from './services.fixture.js';
import { seedAppointmentsDemo } from './appointments.demo.js';
import { seedConsultationsDemo } from './consultations.demo.js';
import { seedMerchantsDemo } from './merchants.demo.js';

/** Thursday 26 November 2026, 10:00 Beijing time: the seeding day. */
const START = new Date('2026-11-26T02:00:00Z');

/** The deployment without events, and a services module seeding only S2's demo (appointments, consultations, merchants). */
const modules: LinliModule[] = servicesTestModules({ events: false })
  .map((m) =>
    m.name === 'services'
      ? {
          ...m,
          seedDemo: async (seed) => {
            await seedAppointmentsDemo(seed);
            await seedConsultationsDemo(seed);
            await seedMerchantsDemo(seed);
          },
        }
      : m,
  );

async function seeded(logs: string[]) {
  const platform = await createTestPlatform({ start: START, modules });
  await seedDemoIfEmpty(platform.ctx, modules, (m) => logs.push(m));
  return platform;
}

/** What the seed draws (ids and tokens aside): same seed, same digest. */
async function digest(p: TestPlatform) {
  const db = p.ctx.db.kysely;
  const lines = [
    ...(await db.selectFrom('service_window').select(['code', 'name', 'matters']).execute()).map((w) => `${w.code}|${w.name}|${w.matters}`),
    ...(await db.selectFrom('appointment_slot').select(['starts_at', 'booked', 'closed']).execute()).map((s) => `${s.starts_at}|${s.booked}|${s.closed}`),
    ...(await db.selectFrom('appointment').select(['code', 'holder_name', 'status', 'slot_starts_at', 'matter_code', 'on_behalf']).execute()).map((a) => Object.values(a).join('|')),
    ...(await db.selectFrom('consultation').select(['code', 'kind', 'status', 'rating']).execute()).map((c) => Object.values(c).join('|')),
    ...(await db.selectFrom('merchant').select(['name', 'category', 'lat', 'lng', 'opening_hours']).execute()).map((m) => Object.values(m).join('|')),
    ...(await db.selectFrom('merchant_offer').select(['title', 'starts_on', 'ends_on']).execute()).map((o) => Object.values(o).join('|')),
  ].sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

describe(`S2 demo: windows, slots, bookings, consultations, merchants (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const logs: string[] = [];
  const db = () => platform.ctx.db.kysely;

  beforeAll(async () => {
    platform = await seeded(logs);
    app = await createTestApp(platform, modules);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('opens three windows of 西山社区 with a month of slots on working days only', async () => {
    const windows = await db().selectFrom('service_window').innerJoin('org_node', 'org_node.id', 'service_window.org_node_id').select(['service_window.code', 'service_window.name', 'org_node.name as node']).orderBy('service_window.code').execute();
    expect(windows.map((w) => `${w.code} ${w.name} ${w.node}`)).toEqual(['MZ 民政救助窗口 西山社区', 'SB 社保医保窗口 西山社区', 'ZH 综合受理窗口 西山社区']);
    const cal = await getWorkCalendar(platform.ctx);
    const dates = [...new Set((await db().selectFrom('appointment_slot').select('date').execute()).map((s) => s.date))].sort();
    expect(dates.every((d) => isWorkingDay(cal, d))).toBe(true);
    expect(dates[0]! < '2026-11-26').toBe(true);
    expect(dates[dates.length - 1]! >= '2026-12-24').toBe(true);
    expect(dates.length).toBeGreaterThanOrEqual(40);
  });

  it('has bookings in every state, none overbooked, most made by staff for elderly residents', async () => {
    expect(logs.join('\n')).toMatch(/appointments: 3 windows, \d+ slots in view, \d+ bookings/);
    const rows = await db().selectFrom('appointment').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['booked', 'checked_in', 'cancelled', 'no_show']));
    expect(rows.filter((r) => r.on_behalf === 1).length).toBeGreaterThan(rows.length / 2);
    for (const r of rows) {
      if (r.status === 'booked') expect(r.slot_starts_at > START.toISOString()).toBe(true);
      if (r.status === 'checked_in' || r.status === 'no_show') expect(r.slot_starts_at < START.toISOString()).toBe(true);
      expect(r.created_at <= START.toISOString()).toBe(true);
    }
    const slots = await db().selectFrom('appointment_slot').select(['id', 'capacity', 'booked']).where('booked', '>', 0).execute();
    const held = new Map<string, number>();
    for (const r of rows) if (r.status !== 'cancelled') held.set(r.slot_id, (held.get(r.slot_id) ?? 0) + 1);
    for (const s of slots) {
      expect(s.booked).toBeLessThanOrEqual(s.capacity);
      expect(s.booked).toBe(held.get(s.id) ?? 0);
    }
  });

  it("shows resident01 his bookings: one coming up with its QR code, one done, one cancelled", async () => {
    const s = await loginAs(app, 'resident01');
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/me/appointments', headers: s.headers })).json();
    const states = mine.items.map((a: { status: string }) => a.status).sort();
    expect(states).toEqual(['booked', 'cancelled', 'checked_in']);
    const next = mine.items.find((a: { status: string }) => a.status === 'booked');
    expect(next).toMatchObject({ window: { code: 'SB' }, holderName: '朱志强', canCancel: true });
    expect(next.checkInPath).toMatch(/^\/console\/services\/check-in\?t=/);
    const qr = await app.inject({ method: 'GET', url: `/api/v1/me/appointments/${next.id}/qr`, headers: s.headers });
    expect(qr.statusCode).toBe(200);
  });

  it('has consultations in every state, private to their askers', async () => {
    expect(logs.join('\n')).toMatch(/consultations: 2 kinds of professional, 4 consultations/);
    const rows = await db().selectFrom('consultation').select(['status', 'asker_user_id']).execute();
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['submitted', 'assigned', 'answered', 'closed']));
    const s = await loginAs(app, 'resident01');
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/me/consultations', headers: s.headers })).json();
    expect(mine.items.map((c: { subject: string }) => c.subject).sort()).toEqual(['父亲血压偏高需要注意什么', '租房押金被扣怎么办']);
    const other = await loginAs(app, 'volunteer01');
    const id = mine.items[0].id;
    expect((await app.inject({ method: 'GET', url: `/api/v1/me/consultations/${id}`, headers: other.headers })).statusCode).toBe(404);
  });

  it('lists about twenty merchants by category with hours and running offers, publicly', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/merchants?pageSize=100' });
    const items = res.json().items as { name: string; category: string; todayHours: string; offers: { current: boolean }[]; address: string }[];
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(new Set(items.map((m) => m.category)).size).toBeGreaterThanOrEqual(9);
    expect(items.every((m) => m.address.startsWith('海宁市硖石街道'))).toBe(true);
    expect(items.filter((m) => m.offers.length > 0).length).toBeGreaterThanOrEqual(8);
    expect(items.flatMap((m) => m.offers).every((o) => o.current)).toBe(true);
    const cats = (await app.inject({ method: 'GET', url: '/api/v1/merchants/categories' })).json().items as { code: string; count: number }[];
    expect(cats.find((c) => c.code === 'food')!.count).toBe(4);
  });

  it('is deterministic: a second seed draws the same windows, bookings, consultations and merchants', async () => {
    const again = await seeded([]);
    try {
      expect(await digest(again)).toBe(await digest(platform));
    } finally {
      await again.close();
    }
  }, 300_000);
});
