import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { HEAD_RELATIONS, RELATION_TO_HEAD, codeName } from '../../platform/cn/codes.js';
import type { Executor } from '../../platform/db/database.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt } from '../../platform/policy/actor.js';
import { recordPersonAccess } from './access-log.js';
import * as repo from './households.repository.js';
import * as peopleRepo from './people.repository.js';
import {
  WRITE,
  actorWholeRecordPaths,
  afterPeopleWrite,
  audit,
  communityPathOf,
  deny,
  inTransaction,
  nodeIdOf,
  personForWrite,
  placeLabel,
  recordChanges,
  resolveCode,
  seesWholeRecord,
  withDenials,
  writableNode,
  type WriteMeta,
} from './people.write.js';
import { ageOn, maskedIdNumber } from './registry.service.js';
import type { HouseholdTable } from './registry.table.js';

addMessages({
  'error.HOUSEHOLD_NOT_FOUND': { 'zh-CN': '户不存在', en: 'No such household' },
  'error.HOUSEHOLD_NUMBER_EXISTS': { 'zh-CN': '本社区已有该户号', en: 'This household number already exists in the community' },
  'error.HOUSEHOLD_HAS_HEAD': { 'zh-CN': '该户已有户主，请使用“变更户主”', en: 'The household already has a head; use "change head"' },
  'error.NOT_A_MEMBER': { 'zh-CN': '该人员不是本户成员', en: 'This person is not a member of the household' },
  'error.HEAD_CANNOT_LEAVE': { 'zh-CN': '户主不能移出本户，请先变更户主', en: 'The head cannot leave the household; change the head first' },
});

export interface HouseholdQuery {
  orgNodeId?: string;
  number?: string;
  page: number;
  pageSize: number;
}

/** Households of the actor's subtree (or of `orgNodeId`), with head and number of members. */
export function listHouseholds(ctx: PlatformContext, actor: Actor, query: HouseholdQuery, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    let paths = actorWholeRecordPaths(actor);
    if (query.orgNodeId) {
      const node = await peopleRepo.getNode(db, query.orgNodeId);
      if (!node) throw notFound('NODE_NOT_FOUND');
      if (!seesWholeRecord(actor, node.path)) throw deny('registry.household.list', meta, { targetType: 'org_node', targetId: node.id, orgNodeId: node.id });
      paths = [node.path];
    }
    if (paths.length === 0) throw forbidden();
    const filter = { paths, number: query.number };
    const [rows, total] = await Promise.all([repo.listHouseholds(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }), repo.countHouseholds(db, filter)]);
    const items = [];
    for (const r of rows) {
      items.push({ id: r.id, number: r.number, headPersonId: r.head_person_id, headName: r.head_name ?? null, dwellingId: r.dwelling_id, address: await placeLabel(db, r.org_path), memberCount: Number(r.member_count ?? 0) });
    }
    await audit(ctx, undefined, actor, 'registry.household.list', meta, { targetType: 'org_node', targetId: query.orgNodeId ?? null, details: { count: items.length } });
    return { items, total, page: query.page, pageSize: query.pageSize };
  });
}

async function presentHousehold(ctx: PlatformContext, db: Executor, h: HouseholdTable) {
  const members = await repo.activeMembers(db, h.id);
  return {
    id: h.id,
    number: h.number,
    headPersonId: h.head_person_id,
    dwellingId: h.dwelling_id,
    orgNodeId: nodeIdOf(h.org_path),
    address: await placeLabel(db, h.org_path),
    createdAt: h.created_at,
    members: members.map((m) => ({
      id: m.id,
      name: m.name,
      gender: m.gender,
      birthDate: m.birth_date,
      age: ageOn(m.birth_date, ctx.now()),
      idNumber: maskedIdNumber(m),
      relationToHead: m.relation_to_head,
      relationToHeadName: codeName(RELATION_TO_HEAD, m.relation_to_head),
      isHead: m.id === h.head_person_id,
    })),
  };
}

/** A household with its members (masked); the read is in each member's access log. */
export function getHousehold(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const h = await repo.getHousehold(ctx.db.kysely, id);
    if (!h) throw notFound('HOUSEHOLD_NOT_FOUND');
    if (!seesWholeRecord(actor, h.org_path)) throw deny('registry.household.read', meta, { targetType: 'household', targetId: id });
    const out = await presentHousehold(ctx, ctx.db.kysely, h);
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await audit(ctx, trx, actor, 'registry.household.read', meta, { targetType: 'household', targetId: id, orgNodeId: nodeIdOf(h.org_path) });
      await recordPersonAccess(trx, actor, out.members.map((m) => m.id), { kind: 'view', at: ctx.now().toISOString() });
    });
    return out;
  });
}

async function householdForWrite(ctx: PlatformContext, trx: Executor, actor: Actor, id: string, action: string, meta: RequestMeta) {
  const h = await repo.getHousehold(trx, id);
  if (!h) throw notFound('HOUSEHOLD_NOT_FOUND');
  if (!canAt(actor, WRITE, h.org_path)) throw deny(action, meta, { targetType: 'household', targetId: id });
  return h;
}

/** Opens a household (户) at a dwelling or, while its dwelling is unknown, at a community/grid node; 户号 unique in the community. */
export function createHousehold(ctx: PlatformContext, actor: Actor, input: { number: string; dwellingId?: string | null; orgNodeId?: string | null; headPersonId?: string | null }, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const nodeId = input.dwellingId ?? input.orgNodeId;
    if (!nodeId) throw badRequest('PLACE_REQUIRED', {}, [{ field: 'dwellingId', code: 'PLACE_REQUIRED' }]);
    const node = await writableNode(ctx, trx, actor, nodeId, input.dwellingId ? 'dwelling' : 'place', meta, 'registry.household.create');
    const communityPath = await communityPathOf(trx, node.path);
    if (await peopleRepo.findHouseholdByNumber(trx, input.number, communityPath)) throw conflict('HOUSEHOLD_NUMBER_EXISTS');
    const at = ctx.now().toISOString();
    const row: HouseholdTable = { id: newId(), number: input.number, head_person_id: null, dwelling_id: node.kind === 'dwelling' ? node.id : null, org_path: node.path, created_at: at };
    await repo.insertHousehold(trx, row);
    await audit(ctx, trx, actor, 'registry.household.create', meta, { targetType: 'household', targetId: row.id, orgNodeId: node.id, details: { number: row.number } });
    if (input.headPersonId) await joinIn(ctx, trx, actor, row, input.headPersonId, '02', meta);
    return presentHousehold(ctx, trx, (await repo.getHousehold(trx, row.id))!);
  });
}

async function joinIn(ctx: PlatformContext, trx: Executor, actor: Actor, h: HouseholdTable, personId: string, relationInput: string, meta: WriteMeta) {
  const person = await personForWrite(ctx, trx, actor, personId, 'registry.household.member', meta);
  const relation = resolveCode('relationToHead', 'relationToHead', relationInput);
  const becomesHead = !!relation && HEAD_RELATIONS.has(relation);
  if (becomesHead && h.head_person_id && h.head_person_id !== personId) {
    const head = await peopleRepo.getPerson(trx, h.head_person_id);
    if (head?.status === 'active' && head.household_id === h.id) throw conflict('HOUSEHOLD_HAS_HEAD');
  }
  const at = ctx.now().toISOString();
  const old = person.household_id ? await repo.getHousehold(trx, person.household_id) : undefined;
  // Leaving a household as its head leaves it headless (the change-head route fixes that).
  if (old && old.id !== h.id && old.head_person_id === personId) await repo.setHead(trx, old.id, null);
  await peopleRepo.updatePerson(trx, personId, { household_id: h.id, relation_to_head: relation, updated_at: at });
  if (becomesHead) await repo.setHead(trx, h.id, personId);
  const changes = [];
  if (person.household_id !== h.id) changes.push({ field: 'household', oldValue: old?.number ?? null, newValue: h.number });
  if (person.relation_to_head !== relation) changes.push({ field: 'relationToHead', oldValue: codeName(RELATION_TO_HEAD, person.relation_to_head), newValue: codeName(RELATION_TO_HEAD, relation) });
  await recordChanges(trx, actor, personId, changes, { source: meta.source ?? 'form', at });
  await audit(ctx, trx, actor, 'registry.household.member', meta, { targetType: 'household', targetId: h.id, orgNodeId: nodeIdOf(h.org_path), details: { personId, relationToHead: relation, joined: true } });
  await afterPeopleWrite(ctx, trx, [personId]);
}

/** Adds a person to the household with their relation to the head (GB/T 4761, name or code). */
export function addMember(ctx: PlatformContext, actor: Actor, householdId: string, input: { personId: string; relationToHead: string }, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const h = await householdForWrite(ctx, trx, actor, householdId, 'registry.household.member', meta);
    await joinIn(ctx, trx, actor, h, input.personId, input.relationToHead, meta);
    return presentHousehold(ctx, trx, (await repo.getHousehold(trx, householdId))!);
  });
}

/** Takes a member out of the household (the head must hand over first). */
export function removeMember(ctx: PlatformContext, actor: Actor, householdId: string, personId: string, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const h = await householdForWrite(ctx, trx, actor, householdId, 'registry.household.member', meta);
    const person = await personForWrite(ctx, trx, actor, personId, 'registry.household.member', meta);
    if (person.household_id !== h.id) throw badRequest('NOT_A_MEMBER');
    if (h.head_person_id === personId) throw conflict('HEAD_CANNOT_LEAVE');
    const at = ctx.now().toISOString();
    await peopleRepo.updatePerson(trx, personId, { household_id: null, relation_to_head: null, updated_at: at });
    await recordChanges(
      trx,
      actor,
      personId,
      [
        { field: 'household', oldValue: h.number, newValue: null },
        ...(person.relation_to_head ? [{ field: 'relationToHead', oldValue: codeName(RELATION_TO_HEAD, person.relation_to_head), newValue: null }] : []),
      ],
      { source: meta.source ?? 'form', at },
    );
    await audit(ctx, trx, actor, 'registry.household.member', meta, { targetType: 'household', targetId: h.id, orgNodeId: nodeIdOf(h.org_path), details: { personId, joined: false } });
    await afterPeopleWrite(ctx, trx, [personId]);
    return presentHousehold(ctx, trx, h);
  });
}

/**
 * 变更户主: a member becomes head (relation 02 户主); the former head, if still a member, takes
 * the relation given (e.g. 配偶), or none when the clerk does not know it yet.
 */
export function changeHead(ctx: PlatformContext, actor: Actor, householdId: string, input: { personId: string; formerHeadRelation?: string | null; reason?: string }, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const h = await householdForWrite(ctx, trx, actor, householdId, 'registry.household.head', meta);
    const head = await personForWrite(ctx, trx, actor, input.personId, 'registry.household.head', meta);
    if (head.household_id !== h.id) throw badRequest('NOT_A_MEMBER');
    const at = ctx.now().toISOString();
    const reason = input.reason ?? '变更户主';
    const formerId = h.head_person_id && h.head_person_id !== head.id ? h.head_person_id : null;
    if (formerId) {
      const former = await peopleRepo.getPerson(trx, formerId);
      if (former && former.household_id === h.id) {
        const relation = input.formerHeadRelation ? resolveCode('relationToHead', 'formerHeadRelation', input.formerHeadRelation) : null;
        if (relation && HEAD_RELATIONS.has(relation)) throw badRequest('HOUSEHOLD_HAS_HEAD');
        await peopleRepo.updatePerson(trx, formerId, { relation_to_head: relation, updated_at: at });
        await recordChanges(trx, actor, formerId, [{ field: 'relationToHead', oldValue: codeName(RELATION_TO_HEAD, former.relation_to_head), newValue: codeName(RELATION_TO_HEAD, relation) }], { source: meta.source ?? 'form', reason, at });
      }
    }
    await repo.setHead(trx, h.id, head.id);
    await peopleRepo.updatePerson(trx, head.id, { relation_to_head: '02', updated_at: at });
    if (head.relation_to_head !== '02') {
      await recordChanges(trx, actor, head.id, [{ field: 'relationToHead', oldValue: codeName(RELATION_TO_HEAD, head.relation_to_head), newValue: codeName(RELATION_TO_HEAD, '02') }], { source: meta.source ?? 'form', reason, at });
    }
    await audit(ctx, trx, actor, 'registry.household.head', meta, { targetType: 'household', targetId: h.id, orgNodeId: nodeIdOf(h.org_path), details: { from: formerId, to: head.id, reason } });
    await afterPeopleWrite(ctx, trx, formerId ? [formerId, head.id] : [head.id]);
    return presentHousehold(ctx, trx, (await repo.getHousehold(trx, h.id))!);
  });
}
