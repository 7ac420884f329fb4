import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { scopePaths } from '../../platform/policy/actor.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { audit, beijingDay } from './party.common.js';
import { canReadOrg, canRunOrg, PARTY_READ, type Leadership } from './party.policy.js';
import { leadershipOf, loadOrg, myMember } from './organisations.service.js';
import { accountsOfPeople, getOrgs } from './organisations.repository.js';
import * as repo from './study.repository.js';
import type { MaterialInput } from './study.schema.js';

/**
 * 党员学习: a party organisation (committee, general branch or branch) publishes study materials —
 * an article in plain text or a checked http(s) link — to its members (all active members on its
 * rolls or below, or the ones chosen), who are told in their inbox. Each member's reading record
 * keeps when they opened it, the time they spent on it and when they finished it; whoever runs
 * the organisation (staff with `party.manage`, its 书记/副书记) sees who has not read it yet.
 * Reads finished in a year count in the member's yearly points (party-points.service.ts).
 */

addMessages({
  'error.STUDY_NOT_FOUND': { 'zh-CN': '学习资料不存在或不在您的范围内', en: 'No such study material in your reach' },
  'error.STUDY_STALE': { 'zh-CN': '学习资料刚被他人修改，请刷新后重试', en: 'Someone else just changed this material; reload and try again' },
  'error.STUDY_NOT_PUBLISHED': { 'zh-CN': '该学习资料已撤回', en: 'This material was withdrawn' },
  'error.STUDY_NO_MEMBERS': { 'zh-CN': '该组织及下级组织没有在册党员，无法布置学习', en: 'No active members on the rolls of this organisation (or below) to assign it to' },
  'error.STUDY_MEMBERS_OUTSIDE': { 'zh-CN': '所选党员中有 {count} 人不在本组织（或下级组织）名册内', en: '{count} of the chosen members are not on the rolls of this organisation or below' },
  'error.STUDY_DUE_PAST': { 'zh-CN': '完成期限不能早于今天', en: 'The due day cannot be before today' },
  'error.PARTY_NOT_A_MEMBER': { 'zh-CN': '您不是在册党员（或尚未与人口信息关联），无法使用此功能', en: 'You are not on the party rolls (or your account is not linked to your registry record)' },
});

type Reach = repo.Reach & { led: Leadership };

async function reachOf(ctx: PlatformContext, actor: Actor): Promise<Reach> {
  const led = await leadershipOf(ctx, actor);
  return { led, nodePaths: scopePaths(actor, PARTY_READ), partyPaths: led };
}

const isOverdue = (dueOn: string | null, readAt: string | null, today: string) => !!dueOn && !readAt && dueOn < today;

async function presentMaterials(ctx: PlatformContext, actor: Actor, led: Leadership, rows: repo.MaterialRow[]) {
  const db = ctx.db.kysely;
  const [orgs, reads] = await Promise.all([getOrgs(db, rows.map((r) => r.org_id)), repo.readCounts(db, rows.map((r) => r.id))]);
  return rows.map((r) => {
    const org = orgs.get(r.org_id);
    return {
      id: r.id,
      orgId: r.org_id,
      orgName: org?.name ?? '',
      kind: r.kind,
      title: r.title,
      body: r.body,
      url: r.url,
      source: r.source,
      suggestedMinutes: r.suggested_minutes,
      dueOn: r.due_on,
      status: r.status,
      withdrawReason: r.withdraw_reason,
      assignedCount: r.assigned_count,
      readCount: reads.get(r.id) ?? 0,
      createdByName: r.created_by_name,
      createdAt: r.created_at,
      version: r.version,
      canManage: !!org && canRunOrg(actor, led, org),
    };
  });
}

/** The material, if the actor reads the organisation that published it (else: it does not exist). */
async function materialFor(ctx: PlatformContext, actor: Actor, id: string, mode: 'read' | 'run') {
  const m = await repo.getMaterial(ctx.db.kysely, id);
  if (!m) throw notFound('STUDY_NOT_FOUND');
  const org = await loadOrg(ctx, m.org_id);
  const led = await leadershipOf(ctx, actor);
  if (!canReadOrg(actor, led, org) && !canRunOrg(actor, led, org)) throw notFound('STUDY_NOT_FOUND');
  if (mode === 'run' && !canRunOrg(actor, led, org)) throw forbidden();
  return { m, org, led };
}

// ---------------------------------------------------------------- organisers

export async function listMaterials(ctx: PlatformContext, actor: Actor, q: { orgId?: string; status: string; page: number; pageSize: number }) {
  const reach = await reachOf(ctx, actor);
  if (reach.nodePaths.length === 0 && reach.partyPaths.length === 0) throw forbidden();
  let under: string | undefined;
  if (q.orgId) {
    const org = await loadOrg(ctx, q.orgId);
    if (!canReadOrg(actor, reach.led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
    under = org.path;
  }
  const db = ctx.db.kysely;
  const f = { under, status: q.status };
  const [rows, total] = await Promise.all([repo.listMaterials(db, reach, f, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), repo.countMaterials(db, reach, f)]);
  return { items: await presentMaterials(ctx, actor, reach.led, rows), total, page: q.page, pageSize: q.pageSize };
}

/** A material with every member's reading record (who has not read it): names of party members, an audited read. */
export async function getMaterial(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { m, org, led } = await materialFor(ctx, actor, id, 'read');
  const db = ctx.db.kysely;
  const records = await repo.recordsOf(db, m.id);
  const [names, branches] = await Promise.all([peopleBriefs(db, records.map((r) => r.person_id)), getOrgs(db, records.map((r) => r.org_id))]);
  const nameOf = new Map(names.map((b) => [b.personId, b.name]));
  const today = beijingDay(ctx.now());
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.study.records.read', targetType: 'party_study_material', targetId: m.id, orgNodeId: org.org_node_id, details: { records: records.length } }));
  const [view] = await presentMaterials(ctx, actor, led, [m]);
  return {
    ...view!,
    records: records.map((r) => ({
      memberId: r.member_id,
      name: nameOf.get(r.person_id) ?? '',
      branchName: branches.get(r.org_id)?.name ?? '',
      assignedAt: r.assigned_at,
      openedAt: r.opened_at,
      readAt: r.read_at,
      seconds: r.seconds,
      overdue: isOverdue(m.due_on, r.read_at, today),
    })),
  };
}

export async function createMaterial(ctx: PlatformContext, actor: Actor, input: MaterialInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const org = await loadOrg(ctx, input.orgId);
  const led = await leadershipOf(ctx, actor);
  if (!canRunOrg(actor, led, org)) {
    if (canReadOrg(actor, led, org)) throw forbidden();
    throw notFound('PARTY_ORG_NOT_FOUND');
  }
  const now = ctx.now();
  if (input.dueOn && input.dueOn < beijingDay(now)) throw badRequest('STUDY_DUE_PAST');
  const members = await repo.activeMembersUnder(db, org.path);
  let chosen = members;
  if (input.memberIds) {
    const ids = new Set(input.memberIds);
    chosen = members.filter((m) => ids.has(m.id));
    if (chosen.length !== ids.size) throw badRequest('STUDY_MEMBERS_OUTSIDE', { count: ids.size - chosen.length });
  }
  if (chosen.length === 0) throw badRequest('STUDY_NO_MEMBERS');
  const at = now.toISOString();
  const row: repo.MaterialRow = {
    id: newId(),
    org_id: org.id,
    party_path: org.path,
    org_path: org.org_path,
    kind: input.kind,
    title: input.title,
    body: input.body,
    url: input.kind === 'link' ? input.url! : null,
    source: input.source ?? null,
    suggested_minutes: input.suggestedMinutes ?? null,
    due_on: input.dueOn ?? null,
    status: 'published',
    withdraw_reason: null,
    assigned_count: chosen.length,
    created_by: actor.userId,
    created_by_name: actor.displayName,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const accounts = await accountsOfPeople(db, chosen.map((m) => m.person_id));
  await db.transaction().execute(async (trx) => {
    await repo.insertMaterial(trx, row);
    await repo.insertRecords(
      trx,
      chosen.map((m) => ({ material_id: row.id, member_id: m.id, assigned_at: at, opened_at: null, read_at: null, seconds: 0, updated_at: at })),
    );
    await notify(trx, {
      recipients: chosen.flatMap((m) => accounts.get(m.person_id) ?? []),
      kind: 'party.study.assigned',
      title: `学习任务：${row.title}`,
      body: `${org.name}布置了学习资料《${row.title}》${row.due_on ? `，请于${row.due_on}前学完` : ''}。`,
      link: '/m/party/study',
      at: now,
    });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.study.create', targetType: 'party_study_material', targetId: row.id, orgNodeId: org.org_node_id, details: { org: org.name, kind: row.kind, title: row.title, assigned: chosen.length } }), trx);
  });
  return (await presentMaterials(ctx, actor, led, [row]))[0]!;
}

export async function withdrawMaterial(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string; expectedVersion: number }, meta: RequestMeta) {
  const { m, org, led } = await materialFor(ctx, actor, id, 'run');
  if (m.status !== 'published') throw conflict('STUDY_NOT_PUBLISHED');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateMaterialIf(trx, m.id, input.expectedVersion, { status: 'withdrawn', withdraw_reason: input.reason, updated_at: at }))) throw conflict('STUDY_STALE');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.study.withdraw', targetType: 'party_study_material', targetId: m.id, orgNodeId: org.org_node_id, details: { reason: input.reason } }), trx);
  });
  return (await presentMaterials(ctx, actor, led, [(await repo.getMaterial(ctx.db.kysely, m.id))!]))[0]!;
}

// ---------------------------------------------------------------- members

async function requireMember(ctx: PlatformContext, actor: Actor) {
  const me = await myMember(ctx, actor);
  if (!me) throw forbidden('PARTY_NOT_A_MEMBER');
  return me;
}

type MyRow = Awaited<ReturnType<typeof repo.recordsOfMember>>[number];

async function presentMine(ctx: PlatformContext, rows: MyRow[]) {
  const orgs = await getOrgs(ctx.db.kysely, rows.map((r) => r.org_id));
  const today = beijingDay(ctx.now());
  return rows.map((r) => ({
    id: r.id,
    orgName: orgs.get(r.org_id)?.name ?? '',
    kind: r.kind,
    title: r.title,
    body: r.body,
    url: r.url,
    source: r.source,
    suggestedMinutes: r.suggested_minutes,
    dueOn: r.due_on,
    assignedAt: r.assigned_at,
    openedAt: r.opened_at,
    readAt: r.read_at,
    seconds: r.seconds,
    overdue: isOverdue(r.due_on, r.read_at, today),
  }));
}

/** 我的学习: what I was assigned (still published), unread first. */
export async function myStudy(ctx: PlatformContext, actor: Actor) {
  const me = await requireMember(ctx, actor);
  const rows = await repo.recordsOfMember(ctx.db.kysely, me.id);
  const items = await presentMine(ctx, rows);
  items.sort((a, b) => Number(!!a.readAt) - Number(!!b.readAt));
  return { items, unread: items.filter((i) => !i.readAt).length };
}

async function myRecord(ctx: PlatformContext, actor: Actor, id: string) {
  const me = await requireMember(ctx, actor);
  const rows = await repo.recordsOfMember(ctx.db.kysely, me.id, id);
  if (rows.length === 0) throw notFound('STUDY_NOT_FOUND');
  return { me, row: rows[0]! };
}

export async function myMaterial(ctx: PlatformContext, actor: Actor, id: string) {
  const { row } = await myRecord(ctx, actor, id);
  return (await presentMine(ctx, [row]))[0]!;
}

/** Adds the time of a visit and, when `done`, marks the material read (once). */
export async function reportProgress(ctx: PlatformContext, actor: Actor, id: string, input: { seconds: number; done: boolean }, meta: RequestMeta) {
  const { me, row } = await myRecord(ctx, actor, id);
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.addProgress(trx, id, me.id, { seconds: input.seconds, done: input.done, at });
    await appendAudit(
      ctx.db,
      audit(actor, meta, { action: input.done && !row.read_at ? 'party.study.read' : 'party.study.progress', targetType: 'party_study_material', targetId: id, details: { seconds: input.seconds, done: input.done } }),
      trx,
    );
  });
  return myMaterial(ctx, actor, id);
}
