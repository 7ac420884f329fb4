import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { Actor, Grant } from '../../platform/policy/actor.js';
import type { Role } from '../../platform/policy/roles.js';
import { linkDefaultDepartments } from './categories.service.js';
import { forgetPolygons } from './events.service.js';

/**
 * Test and demo helpers: polygons for the test fixture's community and grids (西山社区 split
 * into 第一网格 west and 第二网格 east), and actors loaded the way a request gets them.
 */
export const XISHAN_BOX = { west: 120.68, south: 30.52, east: 120.7, north: 30.54 };

const rect = (west: number, south: number, east: number, north: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
      [west, south],
    ],
  ],
});

/** A point inside grid01 (west half), one inside grid02 (east half), one outside every polygon. */
export const POINTS = {
  grid01: { lat: 30.531, lng: 120.6851 },
  grid02: { lat: 30.5262, lng: 120.6953 },
  outside: { lat: 31.2304, lng: 121.4737 },
};

export async function giveFixturePolygons(ctx: PlatformContext, nodes: { xishan: { id: string }; grid01: { id: string }; grid02: { id: string } }) {
  const db = ctx.db.kysely;
  const at = ctx.now().toISOString();
  const b = XISHAN_BOX;
  const mid = (b.west + b.east) / 2;
  const set = (id: string, g: unknown) => db.updateTable('org_node').set({ geometry: JSON.stringify(g), updated_at: at }).where('id', '=', id).execute();
  await set(nodes.xishan.id, rect(b.west, b.south, b.east, b.north));
  await set(nodes.grid01.id, rect(b.west, b.south, mid, b.north));
  await set(nodes.grid02.id, rect(mid, b.south, b.east, b.north));
  forgetPolygons(ctx.db);
  await linkDefaultDepartments(ctx);
}

export async function loadEventActor(db: Executor, userId: string): Promise<Actor> {
  const user = await db.selectFrom('app_user').select(['id', 'username', 'display_name', 'person_id']).where('id', '=', userId).executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .select(['role_grant.role', 'role_grant.org_node_id', 'role_grant.department_code', 'org_node.path'])
    .where('role_grant.user_id', '=', userId)
    .execute();
  const grants: Grant[] = rows.map((r) => ({ role: r.role as Role, orgNodeId: r.org_node_id, orgPath: r.path, departmentCode: r.department_code }));
  return { userId: user.id, username: user.username, displayName: user.display_name, grants, personId: user.person_id, via: 'session' };
}
