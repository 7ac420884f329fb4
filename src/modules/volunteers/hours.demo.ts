import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import * as hours from './hours.service.js';
import * as shopRepo from './shop.repository.js';
import * as shop from './shop.service.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * The demo's hours: everyone confirmed for the four past opportunities was checked in and out by
 * the leader (some a little late, some leaving early), which credited their minutes in the ledger;
 * one forgot to check out at the lake and one was checked in 40 minutes late by mistake at the
 * crossing — both corrected by staff (the second with a reversing journal); the people at the
 * calligraphy afternoon going on now are checked in; 徐美玲 has one certificate (志愿服务证明).
 */

const MINUTE = 60_000;

export async function seedHoursDemo(seed: DemoSeedContext) {
  const { ctx, random } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const when = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const xishan = refs.node('xishan');
  const xuUser = refs.user('volunteer01').id;
  const xu = await volunteersRepo.volunteerOfUser(db, xuUser);
  if (!xu) return;

  const { rows: opportunities } = await shopRepo.listOpportunities(db, { paths: [xishan.path], statuses: ['published'], when: 'all', now: new Date(anchor).toISOString() }, { limit: 100, offset: 0 });
  const now = new Date(anchor).toISOString();
  let credited = 0;
  const toFix: { recordId: string; title: string; kind: 'forgot' | 'late' }[] = [];
  for (const o of opportunities.filter((x) => x.starts_at <= now)) {
    const past = o.ends_at <= now;
    const start = Date.parse(o.starts_at);
    const end = Date.parse(o.ends_at);
    const later = when(past ? end + 30 * MINUTE : anchor);
    const { items } = await shop.listSignups(later, staff, o.id);
    const confirmed = items.filter((s) => s.status === 'confirmed');
    for (const [k, s] of confirmed.entries()) {
      const forgot = past && o.title.includes('鹃湖') && k === 1;
      const late = past && o.title.includes('文明路') && k === 2;
      const inAt = start + (late ? 40 : Math.floor(random() * 12)) * MINUTE;
      const rec = await hours.attendByLeader(later, staff, o.id, { signupId: s.id, action: 'in', at: new Date(Math.min(inAt, later.now().getTime())).toISOString() }, meta);
      if (!past) continue;
      if (forgot) {
        toFix.push({ recordId: rec.record.id, title: o.title, kind: 'forgot' });
        continue;
      }
      const leftEarly = random() < 0.25 ? 10 + Math.floor(random() * 20) : Math.floor(random() * 6);
      const out = await hours.attendByLeader(later, staff, o.id, { signupId: s.id, action: 'out', at: new Date(end - leftEarly * MINUTE).toISOString() }, meta);
      credited += out.record.creditedMinutes;
      if (late) toFix.push({ recordId: rec.record.id, title: o.title, kind: 'late' });
    }
  }

  // Corrections by staff the next morning: each reverses what was credited (if anything) and posts anew.
  for (const fix of toFix) {
    const record = (await hours.getRecord(when(anchor), staff, fix.recordId))!;
    const o = opportunities.find((x) => x.id === record.opportunityId)!;
    const fixedAt = when(Date.parse(o.ends_at) + 15 * 3_600_000);
    await hours.correctRecord(
      fixedAt,
      staff,
      record.id,
      fix.kind === 'forgot'
        ? { checkInAt: record.checkInAt, checkOutAt: o.ends_at, reason: '忘记扫码签退，经队长核实按活动结束时间补录', expectedVersion: record.version }
        : { checkInAt: o.starts_at, checkOutAt: record.checkOutAt!, reason: '队长代签时误记签到时间，按现场签到表更正为活动开始时间', expectedVersion: record.version },
      meta,
    );
  }

  const certificate = await hours.issueCertificate(when(anchor - 30 * MINUTE), staff, { volunteerId: xu.id, issuingOrg: '西山社区居民委员会', responsiblePerson: '沈国良' }, meta);
  seed.log(`volunteers: ${(credited / 60).toFixed(1)} hours credited, ${toFix.length} corrections, certificate ${certificate.number}`);
}
