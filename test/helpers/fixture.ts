import type { PlatformContext } from '../../src/platform/context.js';
import { newNodeRow } from '../../src/platform/org/org.service.js';
import { insertNodes } from '../../src/platform/org/org.repository.js';
import { createUser } from '../../src/platform/auth/users.service.js';
import { hashPassword } from '../../src/platform/auth/passwords.js';
import { DEMO_ACCOUNTS, DEMO_DEPARTMENTS, DEMO_PASSWORD, type DemoNodeKey } from '../../src/demo/accounts.js';

export interface Fixture {
  nodes: Record<DemoNodeKey | 'building01' | 'unit01' | 'dwelling01' | 'dwelling02' | 'building02', { id: string; path: string }>;
  users: Record<string, string>;
}

let cachedHash: string | undefined;

/** A small tree (two communities, two grids, a building) and the demo accounts on it. */
export async function seedFixture(ctx: PlatformContext): Promise<Fixture> {
  const city = newNodeRow(null, 'city', '海宁市', { code: '330481' });
  const street = newNodeRow(city, 'street', '硖石街道', { code: '330481001' });
  const xishan = newNodeRow(street, 'community', '西山社区', { code: '330481001003' });
  const dongshan = newNodeRow(street, 'community', '东山社区', { code: '330481001004' });
  const grid01 = newNodeRow(xishan, 'grid', '西山社区第一网格', { code: '11000033048100100301' });
  const grid02 = newNodeRow(xishan, 'grid', '西山社区第二网格', { code: '11000033048100100302' });
  const building01 = newNodeRow(grid01, 'building', '1幢');
  const unit01 = newNodeRow(building01, 'unit', '1单元');
  const dwelling01 = newNodeRow(unit01, 'dwelling', '101室');
  const dwelling02 = newNodeRow(unit01, 'dwelling', '102室');
  const building02 = newNodeRow(grid02, 'building', '8幢');
  const all = [city, street, xishan, dongshan, grid01, grid02, building01, unit01, dwelling01, dwelling02, building02];
  await insertNodes(ctx.db.kysely, all);
  for (const d of DEMO_DEPARTMENTS) {
    await ctx.db.kysely.insertInto('department').values({ code: d.code, name: d.name, mandate: JSON.stringify(d.mandate) }).execute();
  }
  const nodes = { city, street, xishan, dongshan, grid01, grid02, building01, unit01, dwelling01, dwelling02, building02 };
  cachedHash ??= await hashPassword(DEMO_PASSWORD);
  const users: Record<string, string> = {};
  for (const a of DEMO_ACCOUNTS) {
    users[a.username] = await createUser(
      ctx,
      {
        username: a.username,
        displayName: a.displayName,
        password: DEMO_PASSWORD,
        mustChangePassword: false,
        isDemo: true,
        grants: [{ role: a.role, orgNodeId: nodes[a.node].id, departmentCode: a.departmentCode }],
      },
      ctx.db.kysely,
      cachedHash,
    );
  }
  return { nodes, users };
}
