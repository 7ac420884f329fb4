import { randomBytes } from 'node:crypto';
import type { PlatformContext } from '../../platform/context.js';
import { createUser } from '../../platform/auth/users.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import type { LinliModule } from '../../platform/module.js';
import { modules as allModules } from '../index.js';

/**
 * Test helpers for the service hall, on top of test/helpers/fixture.ts and the registry's
 * people: resident01 is 朱志强 (grid01), resident02 is 王秀英 (grid02), and 东山社区 gets a
 * staff account of its own, so tests can show who sees what.
 */
export interface ServicesFixture {
  reg: RegistryFixture;
  users: { resident02: string; dongshanStaff: string };
}

type Node = { id: string; path: string };

export async function seedServicesFixture(
  ctx: PlatformContext,
  nodes: { grid01: Node; grid02: Node; dongshan: Node; building02: Node; dwelling01: Node },
): Promise<ServicesFixture> {
  const db = ctx.db.kysely;
  const reg = await seedRegistryFixture(ctx, nodes);
  await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('username', '=', 'resident01').execute();
  const resident02 = await createUser(ctx, {
    username: 'resident02',
    displayName: '居民 王秀英',
    password: DEMO_PASSWORD,
    mustChangePassword: false,
    isDemo: true,
    personId: reg.people.wang,
    grants: [{ role: 'resident', orgNodeId: nodes.grid02.id }],
  });
  const dongshanStaff = await createUser(ctx, {
    username: 'dongshan',
    displayName: '东山社区 钱慧芳',
    password: DEMO_PASSWORD,
    mustChangePassword: false,
    isDemo: true,
    grants: [{ role: 'community_staff', orgNodeId: nodes.dongshan.id }],
  });
  return { reg, users: { resident02, dongshanStaff } };
}

/** A phone photo as multipart (the mobile page uploads materials with purpose service.application). */
export async function materialUpload(purpose = 'service.application'): Promise<{ payload: Buffer; contentType: string; url: string }> {
  const png = await renderQrPng(`linli-material-${randomBytes(4).toString('hex')}`);
  const boundary = `----linli${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_2026.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}`, url: `/api/v1/files?purpose=${purpose}` };
}

/**
 * The deployment's modules up to the service hall; without events (and its demo history) for a
 * faster demo seed in tests. Modules after services (community …) build on events, so they go too.
 */
export function servicesTestModules(opts: { events?: boolean } = {}): LinliModule[] {
  const upTo = allModules.slice(0, allModules.findIndex((m) => m.name === 'services') + 1);
  return upTo.filter((m) => opts.events !== false || m.name !== 'events');
}
