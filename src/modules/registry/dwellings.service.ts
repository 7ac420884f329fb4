import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import type { Actor } from '../../platform/policy/actor.js';
import { recordPersonAccess } from './access-log.js';
import * as repo from './dwellings.repository.js';
import * as peopleRepo from './people.repository.js';
import { actorWholeRecordPaths, audit, deny, inTransaction, seesWholeRecord, withDenials, writableNode, type WriteMeta } from './people.write.js';
import { ageOn, maskedIdNumber, maskedPhone } from './registry.service.js';
import type { DwellingInfoTable, DwellingUse } from './registry.table.js';

export const DWELLING_USES = ['自住', '出租', '空置', '商用'] as const satisfies readonly DwellingUse[];

addMessages({
  'error.DWELLING_NOT_FOUND': { 'zh-CN': '房屋不存在', en: 'No such dwelling' },
  'error.RENTAL_FACTS_NEED_RENTAL': { 'zh-CN': '只有用途为“出租”的房屋才能填写租赁信息', en: 'Rental facts belong to a dwelling used as 出租 (rented out)' },
  'error.RENTAL_DATES': { 'zh-CN': '租赁结束日期不能早于开始日期', en: 'The rental end date is before its start' },
});

/** Address text (building, unit, dwelling names) of many paths with one query. */
async function labels(ctx: PlatformContext, paths: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  const nodes = new Map((await peopleRepo.getNodes(ctx.db.kysely, ids)).map((n) => [n.id, n]));
  return new Map(
    paths.map((p) => [
      p,
      p
        .split('/')
        .filter(Boolean)
        .map((id) => nodes.get(id))
        .filter((n) => n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling'))
        .map((n) => n!.name)
        .join(''),
    ]),
  );
}

export interface DwellingQuery {
  orgNodeId?: string;
  use?: DwellingUse;
  page: number;
  pageSize: number;
}

/** Dwellings of a subtree with their use, area, rental facts and number of occupants. */
export function listDwellings(ctx: PlatformContext, actor: Actor, query: DwellingQuery, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    let paths = actorWholeRecordPaths(actor);
    if (query.orgNodeId) {
      const node = await peopleRepo.getNode(db, query.orgNodeId);
      if (!node) throw notFound('NODE_NOT_FOUND');
      if (!seesWholeRecord(actor, node.path)) throw deny('registry.dwelling.list', meta, { targetType: 'org_node', targetId: node.id, orgNodeId: node.id });
      paths = [node.path];
    }
    if (paths.length === 0) throw forbidden();
    const filter = { paths, use: query.use };
    const [rows, total] = await Promise.all([repo.listDwellings(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }), repo.countDwellings(db, filter)]);
    const addr = await labels(ctx, rows.map((r) => r.path));
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        address: addr.get(r.path) ?? r.name,
        use: r.use ?? null,
        areaM2: r.area_m2 ?? null,
        rentalStart: r.rental_start ?? null,
        rentalEnd: r.rental_end ?? null,
        rentalNote: r.rental_note ?? null,
        occupants: Number(r.occupants ?? 0),
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

function presentInfo(info: DwellingInfoTable | undefined) {
  return {
    use: info?.use ?? null,
    areaM2: info?.area_m2 ?? null,
    rentalStart: info?.rental_start ?? null,
    rentalEnd: info?.rental_end ?? null,
    rentalNote: info?.rental_note ?? null,
    updatedAt: info?.updated_at ?? null,
  };
}

/** One dwelling with who lives there (masked), its owner/tenant links and households; the occupants' access logs record the view. */
export function getDwelling(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    const node = await peopleRepo.getNode(db, id);
    if (!node || node.kind !== 'dwelling') throw notFound('DWELLING_NOT_FOUND');
    if (!seesWholeRecord(actor, node.path)) throw deny('registry.dwelling.read', meta, { targetType: 'org_node', targetId: id, orgNodeId: id });
    const [info, people, links, households, addr] = await Promise.all([repo.getInfo(db, id), repo.occupants(db, id), repo.activeLinks(db, id), repo.householdsAt(db, id), labels(ctx, [node.path])]);
    await db.transaction().execute(async (trx) => {
      await audit(ctx, trx, actor, 'registry.dwelling.read', meta, { targetType: 'org_node', targetId: id, orgNodeId: id });
      const seen = [...new Set([...people.map((p) => p.id), ...links.map((l) => l.person_id)])];
      await recordPersonAccess(trx, actor, seen, { kind: 'view', at: ctx.now().toISOString() });
    });
    return {
      id: node.id,
      name: node.name,
      address: addr.get(node.path) ?? node.name,
      ...presentInfo(info),
      occupants: people.map((p) => ({ id: p.id, name: p.name, gender: p.gender, age: ageOn(p.birth_date, ctx.now()), idNumber: maskedIdNumber(p), phone: maskedPhone(p), residenceType: p.residence_type, householdId: p.household_id })),
      links: links.map((l) => ({ id: l.id, personId: l.person_id, name: l.name, relation: l.relation, fromDate: l.from_date })),
      households: households.map((h) => ({ id: h.id, number: h.number, headPersonId: h.head_person_id })),
    };
  });
}

export interface DwellingPatch {
  use?: DwellingUse;
  areaM2?: number | null;
  rentalStart?: string | null;
  rentalEnd?: string | null;
  rentalNote?: string | null;
}

/** Use (自住/出租/空置/商用), area and rental facts of a dwelling; rental facts only while it is rented out. */
export function updateDwelling(ctx: PlatformContext, actor: Actor, id: string, patch: DwellingPatch, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const node = await writableNode(ctx, trx, actor, id, 'dwelling', meta, 'registry.dwelling.update');
    const before = await repo.getInfo(trx, id);
    const use = patch.use ?? before?.use ?? '自住';
    const rentalGiven = [patch.rentalStart, patch.rentalEnd, patch.rentalNote].some((v) => v !== undefined && v !== null);
    if (use !== '出租' && rentalGiven) throw badRequest('RENTAL_FACTS_NEED_RENTAL', {}, [{ field: 'use', code: 'RENTAL_FACTS_NEED_RENTAL' }]);
    const keep = <T>(v: T | undefined, old: T | null | undefined): T | null => (v !== undefined ? v : (old ?? null));
    const after: DwellingInfoTable = {
      org_node_id: id,
      use,
      area_m2: keep(patch.areaM2, before?.area_m2),
      // Leaving 出租 ends the tenancy facts (the audit row keeps them).
      rental_start: use === '出租' ? keep(patch.rentalStart, before?.rental_start) : null,
      rental_end: use === '出租' ? keep(patch.rentalEnd, before?.rental_end) : null,
      rental_note: use === '出租' ? keep(patch.rentalNote === undefined ? undefined : patch.rentalNote?.trim() || null, before?.rental_note) : null,
      updated_at: ctx.now().toISOString(),
    };
    if (after.rental_start && after.rental_end && after.rental_end < after.rental_start) throw badRequest('RENTAL_DATES', {}, [{ field: 'rentalEnd', code: 'RENTAL_DATES' }]);
    await repo.saveInfo(trx, after, !!before);
    await audit(ctx, trx, actor, 'registry.dwelling.update', meta, {
      targetType: 'org_node',
      targetId: id,
      orgNodeId: node.id,
      details: { before: before ? presentInfo(before) : null, after: presentInfo(after) },
    });
    return { id, name: node.name, ...presentInfo(after) };
  });
}
