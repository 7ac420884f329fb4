import { createTestPlatform, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { createUser } from '../../platform/auth/users.service.js';
import { loadActor as loadUserActor } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import type { Role } from '../../platform/policy/roles.js';
import { createWindow, type WindowView } from './appointments.service.js';

/**
 * Test helpers of S2 (appointments, consultations, merchants): actors loaded the way a request
 * gets them, extra resident accounts for races, and a world with a window of 西山社区.
 */

export const bj = (local: string) => new Date(`${local}+08:00`);

/** A user's actor as a request gets it (through a session). */
export async function loadActor(db: Executor, userId: string): Promise<Actor> {
  const actor = await loadUserActor(db, userId);
  if (!actor) throw new Error(`no active user ${userId}`);
  return { ...actor, via: 'session' };
}

let residentHash: string | undefined;

/** `n` more resident accounts (password Linli@2026) in a node, named 居民 测试01 …, for races. */
export async function createResidents(ctx: PlatformContext, nodeId: string, n: number, prefix = 'res'): Promise<{ id: string; username: string }[]> {
  residentHash ??= await hashPassword(DEMO_PASSWORD);
  const out: { id: string; username: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const username = `${prefix}${String(i).padStart(2, '0')}`;
    const id = await createUser(
      ctx,
      { username, displayName: `居民 测试${String(i).padStart(2, '0')}`, password: DEMO_PASSWORD, mustChangePassword: false, grants: [{ role: 'resident', orgNodeId: nodeId }] },
      ctx.db.kysely,
      residentHash,
    );
    out.push({ id, username });
  }
  return out;
}

export interface AppointmentWorld {
  platform: TestPlatform;
  fx: Fixture;
  actors: Record<string, Actor>;
  window: WindowView;
}

/** The fixture tree and accounts, and 西山社区's 社保窗口 with slots laid out from `start`. */
export async function appointmentWorld(start: Date, windowInput: Partial<Parameters<typeof createWindow>[2]> = {}): Promise<AppointmentWorld> {
  const platform = await createTestPlatform({ start });
  const fx = await seedFixture(platform.ctx);
  const actors: Record<string, Actor> = {};
  for (const u of Object.keys(fx.users)) actors[u] = await loadActor(platform.ctx.db.kysely, fx.users[u]!);
  const window = await createWindow(
    platform.ctx,
    actors.xishan!,
    {
      orgNodeId: fx.nodes.xishan.id,
      code: 'SB',
      name: '社保窗口',
      location: '西山社区党群服务中心一楼 1号窗口',
      matters: [
        { code: 'SB-001', name: '城乡居民基本养老保险参保登记' },
        { code: 'SB-002', name: '城乡居民医保参保缴费' },
      ],
      officeHours: '08:30-12:00,13:30-17:30',
      slotMinutes: 30,
      capacity: 2,
      bookAheadDays: 14,
      ...windowInput,
    },
    {},
  );
  return { platform, fx, actors, window };
}

/** Extra accounts (password Linli@2026) with one grant each: professionals, staff of another area … */
export async function createAccounts(ctx: PlatformContext, accounts: { username: string; displayName: string; role: Role; nodeId: string; departmentCode?: string }[]): Promise<Record<string, string>> {
  residentHash ??= await hashPassword(DEMO_PASSWORD);
  const out: Record<string, string> = {};
  for (const a of accounts) {
    out[a.username] = await createUser(
      ctx,
      { username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, mustChangePassword: false, grants: [{ role: a.role, orgNodeId: a.nodeId, departmentCode: a.departmentCode }] },
      ctx.db.kysely,
      residentHash,
    );
  }
  return out;
}
