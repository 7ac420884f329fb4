import { createTestApp, createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { createUser } from '../../platform/auth/users.service.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { LinliApp } from '../../platform/http/app.js';
import type { Actor } from '../../platform/policy/actor.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import type { OpportunityInput } from './shop.schema.js';
import * as volunteers from './volunteers.service.js';

/**
 * What the volunteers tests share: a platform on the test clock (Thursday 2026-11-26 10:00
 * Beijing), the fixture tree and accounts, resident01 and volunteer01 linked to registry people,
 * logged-in sessions, and helpers that make volunteers with accounts and opportunities.
 */

export const START = new Date('2026-11-26T02:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'volunteers-test' };

export interface Kit {
  platform: TestPlatform;
  app: LinliApp;
  fx: Fixture;
  reg: RegistryFixture;
  s: Record<string, Session>;
  actor(username: string): Promise<Actor>;
  call(who: string | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, lang?: string): Promise<Awaited<ReturnType<LinliApp['inject']>>>;
  /** n volunteers with accounts (residents of grid01 who registered themselves, not in the registry). */
  makeVolunteers(prefix: string, n: number): Promise<{ userId: string; actor: Actor; volunteerId: string }[]>;
  /** A published opportunity of 西山社区 starting `startsIn` from now, 2 hours long, by default. */
  opportunity(input?: Partial<OpportunityInput> & { startsIn?: number; hours?: number }): Promise<{ id: string; version: number }>;
  login(username: string): Promise<Session>;
  /** Moves the clock; sessions idle that long have expired, so everyone logs in again. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function volunteersKit(): Promise<Kit> {
  const platform = await createTestPlatform({ start: START });
  const fx = await seedFixture(platform.ctx);
  const reg = await seedRegistryFixture(platform.ctx, fx.nodes);
  const db = platform.ctx.db.kysely;
  await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
  await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
  const app = await createTestApp(platform);
  const s: Record<string, Session> = {};
  for (const u of ['xishan', 'grid01', 'street', 'resident01', 'volunteer01']) s[u] = await loginAs(app, u);
  const hash = await hashPassword(DEMO_PASSWORD);
  const kit: Kit = {
    platform,
    app,
    fx,
    reg,
    s,
    actor: async (username) => {
      const row = await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
      return (await loadActor(db, row.id))!;
    },
    call: (who, method, url, payload, lang) =>
      app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } }),
    makeVolunteers: async (prefix, n) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const k = ++counter;
        const userId = await createUser(platform.ctx, { username: `${prefix}${i}`, displayName: `志愿者${prefix}${i}`, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'resident', orgNodeId: fx.nodes.grid01.id }] }, db, hash);
        const actor = (await loadActor(db, userId))!;
        const v = await volunteers.registerSelf(
          platform.ctx,
          actor,
          { skills: [], availability: [], consent: true, consentVersion: volunteers.CONSENT_VERSION, identity: { name: `测试${k}`, idType: '居民身份证', idNumber: composeIdNumber('330481', '1990-01-01', 100 + (k % 800)), phone: `139${String(10_000_000 + k).padStart(8, '0')}` } },
          meta,
        );
        out.push({ userId, actor, volunteerId: v.id });
      }
      return out;
    },
    opportunity: async (input = {}) => {
      const now = platform.ctx.now().getTime();
      const startsIn = input.startsIn ?? DAY;
      const starts = new Date(now + startsIn);
      const ends = new Date(starts.getTime() + (input.hours ?? 2) * HOUR);
      const { startsIn: _s, hours: _h, ...rest } = input;
      const res = await kit.call('xishan', 'POST', '/api/v1/volunteer-opportunities', {
        orgNodeId: fx.nodes.xishan.id,
        category: '环境',
        title: '护卫鹃湖：湖岸垃圾清理',
        description: '沿湖岸清理白色垃圾。',
        place: '鹃湖公园东岸',
        startsAt: starts.toISOString(),
        endsAt: ends.toISOString(),
        signupDeadline: new Date(Math.min(starts.getTime(), now + Math.max(startsIn - HOUR, MINUTE))).toISOString(),
        quota: 10,
        publish: true,
        ...rest,
      });
      if (res.statusCode !== 201) throw new Error(`opportunity: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; version: number };
    },
    login: async (username) => {
      s[username] = await loginAs(app, username);
      return s[username]!;
    },
    advance: async (ms) => {
      platform.advance(ms);
      for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    },
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
  return kit;
}
