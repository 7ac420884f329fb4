import type { PlatformContext } from '../platform/context.js';
import type { OrgNodeKind } from '../platform/platform.table.js';
import { listInSubtree } from '../platform/org/org.repository.js';
import { findPeopleUnder } from '../modules/registry/registry.repository.js';
import type { DemoNodeKey } from './accounts.js';

export interface DemoNode {
  id: string;
  path: string;
  name: string;
  kind: OrgNodeKind;
  code: string | null;
  geometry: unknown;
}

export interface DemoPerson {
  id: string;
  name: string;
  gender: string;
  birthDate: string | null;
  residenceType: string;
  householdId: string | null;
  dwellingId: string | null;
  orgPath: string;
}

/**
 * Lookups for modules' `seedDemo` hooks, by the names the demo community always has:
 *
 *   const refs = await loadDemoRefs(ctx);
 *   const grid = refs.node('grid01');                        // 西山社区第一网格
 *   const staff = refs.user('xishan');                        // { id, personId }
 *   const elders = await refs.people('xishan', { minAge: 80, limit: 20 });
 *   const blocks = await refs.children(refs.grid(3), 'building');   // buildings of 第三网格
 */
export interface DemoRefs {
  /** The well-known nodes of DEMO_ACCOUNTS: city, street, xishan, dongshan, grid01, grid02. */
  node(key: DemoNodeKey): DemoNode;
  /** Any node of the top of the tree (city … grid) by its exact name, e.g. 西山社区第十二网格. */
  nodeByName(name: string): DemoNode;
  /** Xishan's grid n (1–12). */
  grid(n: number): DemoNode;
  /** Xishan's twelve grids, 第一 … 第十二. */
  grids: DemoNode[];
  user(username: string): { id: string; personId: string | null };
  /** Descendants of a kind, in path order (buildings of a grid, dwellings of a building …). */
  children(under: DemoNode, kind: OrgNodeKind, limit?: number): Promise<DemoNode[]>;
  /** Active residents under a node, in a stable order; ages are counted on the platform clock. */
  people(under: DemoNode | DemoNodeKey, opts?: { limit?: number; gender?: '男' | '女'; minAge?: number; maxAge?: number; residenceType?: string }): Promise<DemoPerson[]>;
}

const KEY_NAMES: Record<DemoNodeKey, string> = {
  city: '海宁市',
  street: '硖石街道',
  xishan: '西山社区',
  dongshan: '东山社区',
  grid01: '西山社区第一网格',
  grid02: '西山社区第二网格',
};

function present(n: { id: string; path: string; name: string; kind: OrgNodeKind; code: string | null; geometry: string | null }): DemoNode {
  return { id: n.id, path: n.path, name: n.name, kind: n.kind, code: n.code, geometry: n.geometry ? (JSON.parse(n.geometry) as unknown) : null };
}

/** Loads the demo's upper tree (city … grids) and accounts once; people and lower nodes are queried on demand. */
export async function loadDemoRefs(ctx: PlatformContext): Promise<DemoRefs> {
  const db = ctx.db.kysely;
  const upper = await db.selectFrom('org_node').selectAll().where('kind', 'in', ['city', 'district', 'street', 'community', 'grid']).execute();
  const byName = new Map(upper.map((n) => [n.name, present(n)]));
  const users = new Map(
    (await db.selectFrom('app_user').select(['id', 'username', 'person_id']).where('is_demo', '=', 1).execute()).map((u) => [u.username, { id: u.id, personId: u.person_id }]),
  );
  const nodeByName = (name: string) => {
    const n = byName.get(name);
    if (!n) throw new Error(`demo node ${name} not found (is the demo seeded?)`);
    return n;
  };
  const xishan = nodeByName(KEY_NAMES.xishan);
  const grids = [...byName.values()].filter((n) => n.kind === 'grid' && n.path.startsWith(xishan.path)).sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
  return {
    node: (key) => nodeByName(KEY_NAMES[key]),
    nodeByName,
    grid: (n) => {
      const g = grids[n - 1];
      if (!g) throw new Error(`西山社区 has no grid ${n}`);
      return g;
    },
    grids,
    user: (username) => {
      const u = users.get(username);
      if (!u) throw new Error(`demo user ${username} not found`);
      return u;
    },
    children: async (under, kind, limit = 10_000) => (await listInSubtree(db, under.path, kind, { limit, offset: 0 })).map(present),
    people: async (under, opts = {}) => {
      const node = typeof under === 'string' ? nodeByName(KEY_NAMES[under]) : under;
      const today = ctx.now();
      // Born on or before today minus minAge years; after today minus (maxAge + 1) years.
      const shift = (years: number) => {
        const d = new Date(today);
        d.setUTCFullYear(d.getUTCFullYear() - years);
        return d.toISOString().slice(0, 10);
      };
      const rows = await findPeopleUnder(db, node.path, {
        limit: opts.limit ?? 100,
        gender: opts.gender,
        bornTo: opts.minAge !== undefined ? shift(opts.minAge) : undefined,
        bornFrom: opts.maxAge !== undefined ? shift(opts.maxAge + 1) : undefined,
        residenceType: opts.residenceType,
      });
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        gender: r.gender,
        birthDate: r.birth_date,
        residenceType: r.residence_type,
        householdId: r.household_id,
        dwellingId: r.dwelling_id,
        orgPath: r.org_path,
      }));
    },
  };
}
