import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { scopePaths } from '../../platform/policy/actor.js';
import { activePeopleByIdNumbers, peopleBriefs, residentFacts } from '../registry/registry.facts.js';
import { setPoliticalStatusFromParty, type PartyPoliticalStatus } from '../registry/registry.writes.js';
import { audit, beijingDay, CATEGORY_LABELS, ORG_KIND_LABELS, PARENT_KINDS } from './party.common.js';
import { canDecideOrg, canKeepRolls, canReadOrg, canRunOrg, LEADING_POSTS, PARTY_MANAGE, PARTY_READ, type Leadership } from './party.policy.js';
import * as repo from './organisations.repository.js';
import type { MemberInput, MemberPatch } from './organisations.schema.js';
import type { MemberCategory, PartyOrgKind } from './organisations.table.js';

/**
 * 党组织与党员: the party tree and the rolls. Organisations hang from org nodes (the community)
 * so staff reach them through their grants; members are registry people (the registry keeps
 * who they are; the rolls keep their party facts: branch, group, 正式/预备, 入党/转正时间, 流动党员,
 * posts). Every write is audited; every read of the rolls (names, places) too.
 */

addMessages({
  'error.PARTY_ORG_NOT_FOUND': { 'zh-CN': '党组织不存在或不在您的管辖范围内', en: 'No such party organisation in your area' },
  'error.PARTY_ORG_PARENT_KIND': { 'zh-CN': '{kind}不能设在{parent}之下', en: 'A {kind} cannot sit under a {parent}' },
  'error.PARTY_ORG_NODE_OUTSIDE': { 'zh-CN': '下级党组织须设在上级党组织所在区域内', en: 'An organisation must belong to its parent organisation’s area' },
  'error.PARTY_ORG_STALE': { 'zh-CN': '该党组织刚被他人修改，请刷新后重试', en: 'Someone else just changed this organisation; reload and try again' },
  'error.PARTY_MEMBER_NOT_FOUND': { 'zh-CN': '党员不存在或不在您的管辖范围内', en: 'No such party member in your area' },
  'error.PARTY_MEMBER_STALE': { 'zh-CN': '该党员信息刚被他人修改，请刷新后重试', en: 'Someone else just changed this member; reload and try again' },
  'error.PARTY_MEMBER_WHO': { 'zh-CN': '请选择人口库中的人员，或填写身份证号（二选一）', en: 'Give the registry person or an ID number (one of them)' },
  'error.PARTY_MEMBER_EXISTS': { 'zh-CN': '此人已在党员名册中（{org}）', en: 'This person is already on the rolls ({org})' },
  'error.PARTY_MEMBER_NOT_ACTIVE': { 'zh-CN': '该党员组织关系已不在本组织', en: 'This member is no longer on the rolls here' },
  'error.PARTY_PERSON_NOT_IN_REGISTRY': { 'zh-CN': '人口信息中没有此身份证号的人员，请先登记人口信息', en: 'No one with this ID number in the registry; register the person first' },
  'error.PARTY_PERSON_OUTSIDE': { 'zh-CN': '此人不住在本党组织所在区域，请办理组织关系转接', en: 'This person does not live in this organisation’s area; use a relation transfer' },
  'error.PARTY_BRANCH_REQUIRED': { 'zh-CN': '党员须编入党支部（所选组织不是党支部）', en: 'Members join a branch (党支部); the organisation chosen is not one' },
  'error.PARTY_GROUP_INVALID': { 'zh-CN': '党小组须属于该党员所在支部', en: 'The party group must belong to the member’s branch' },
  'error.PARTY_DATES_INVALID': { 'zh-CN': '入党时间、转正时间有误：{why}', en: 'Joining and confirmation dates are wrong: {why}' },
  'error.PARTY_POST_ORG': { 'zh-CN': '只能在本人所在支部、党小组或其上级党组织担任职务', en: 'Posts are held in one’s own branch, group or an organisation above it' },
  'error.PARTY_POST_TAKEN': { 'zh-CN': '{org}的{post}已由{name}担任，请先免去其职务', en: 'The {post} of {org} is {name}; end that post first' },
  'error.PARTY_POST_GROUP_ONLY': { 'zh-CN': '党小组组长只能在党小组中担任；党小组不设其他职务', en: 'A party group has a 党小组组长 and no other posts' },
});

export const DATE_WHY = {
  future: { 'zh-CN': '不能晚于今天', en: 'not after today' },
  order: { 'zh-CN': '转正时间不能早于入党时间', en: 'confirmation cannot be before joining' },
  probationary: { 'zh-CN': '预备党员没有转正时间', en: 'a probationary member has no confirmation date' },
  confirm: { 'zh-CN': '转为正式党员须填写转正时间', en: 'a confirmation date is needed to become a full member' },
};

// ---------------------------------------------------------------- who the actor is here

/** The organisations the actor leads by their posts (书记/副书记), as party paths. */
export async function leadershipOf(ctx: PlatformContext, actor: Actor): Promise<Leadership> {
  return actor.personId ? repo.ledPaths(ctx.db.kysely, actor.personId) : [];
}

/** The actor's own active membership, if any. */
export async function myMember(ctx: PlatformContext, actor: Actor): Promise<repo.MemberRow | undefined> {
  if (!actor.personId) return undefined;
  const m = await repo.memberOfPerson(ctx.db.kysely, actor.personId);
  return m?.status === 'active' ? m : undefined;
}

export async function loadOrg(ctx: PlatformContext, id: string): Promise<repo.OrgRow> {
  const o = await repo.getOrg(ctx.db.kysely, id);
  if (!o || o.status !== 'active') throw notFound('PARTY_ORG_NOT_FOUND');
  return o;
}

/** The nearest 党委 above (or at) an organisation, if it has one. */
export async function committeeOf(ctx: PlatformContext, org: repo.OrgRow, db: Executor = ctx.db.kysely): Promise<repo.OrgRow | undefined> {
  const chain = await repo.ancestors(db, org.path);
  return [...chain].reverse().find((o) => o.kind === 'committee');
}

/** The top organisation of the tree an organisation is in: its area bounds the people on its rolls. */
async function treeTop(ctx: PlatformContext, org: repo.OrgRow): Promise<repo.OrgRow> {
  const chain = await repo.ancestors(ctx.db.kysely, org.path);
  return chain[0] ?? org;
}

function presentOrgBase(o: repo.OrgRow) {
  return {
    id: o.id,
    parentId: o.parent_id,
    kind: o.kind,
    kindLabel: ORG_KIND_LABELS[o.kind],
    name: o.name,
    path: o.path,
    orgNodeId: o.org_node_id,
    establishedOn: o.established_on,
    sort: o.sort,
    status: o.status,
    version: o.version,
  };
}

async function presentOrgs(ctx: PlatformContext, actor: Actor, led: Leadership, orgs: repo.OrgRow[]) {
  const db = ctx.db.kysely;
  const [counts, names, leaderPosts] = await Promise.all([
    repo.memberCounts(db, orgs),
    repo.nodeNames(db, orgs.map((o) => o.org_node_id)),
    repo.postsIn(
      db,
      orgs.map((o) => o.id),
      LEADING_POSTS,
    ),
  ]);
  const briefs = new Map((await peopleBriefs(db, [...new Set(leaderPosts.map((p) => p.person_id))])).map((b) => [b.personId, b.name]));
  return orgs.map((o) => ({
    ...presentOrgBase(o),
    orgNodeName: names.get(o.org_node_id) ?? null,
    memberCount: counts.get(o.id) ?? 0,
    leaders: leaderPosts.filter((p) => p.org_id === o.id).map((p) => ({ memberId: p.member_id, name: briefs.get(p.person_id) ?? '', post: p.post })),
    abilities: { keep: canKeepRolls(actor, o), run: canRunOrg(actor, led, o), decide: canDecideOrg(actor, led, o) },
  }));
}

// ---------------------------------------------------------------- the tree

/** The party organisations the actor may see: attached in their read subtree, or under what they lead. */
export async function listOrgs(ctx: PlatformContext, actor: Actor, q: { rootId?: string } = {}) {
  const led = await leadershipOf(ctx, actor);
  const nodePaths = scopePaths(actor, PARTY_READ);
  if (nodePaths.length === 0 && led.length === 0) return { items: [] };
  let rows = await repo.listOrgs(ctx.db.kysely, { nodePaths, partyPaths: [...led] });
  if (q.rootId) {
    const root = rows.find((o) => o.id === q.rootId);
    if (!root) throw notFound('PARTY_ORG_NOT_FOUND');
    rows = rows.filter((o) => o.path.startsWith(root.path));
  }
  return { items: await presentOrgs(ctx, actor, led, treeOrder(rows)) };
}

/**
 * Depth first, siblings by their `sort` then name: the order of a 党组织 tree on paper. (Ordering
 * by path alone would put siblings in id order, which is not the order they were set up in.)
 */
function treeOrder<T extends { id: string; parent_id: string | null; sort: number; name: string }>(rows: T[]): T[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, T[]>();
  for (const r of rows) {
    const parent = r.parent_id && ids.has(r.parent_id) ? r.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const out: T[] = [];
  const walk = (parent: string | null) => {
    for (const r of (children.get(parent) ?? []).sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN'))) {
      out.push(r);
      walk(r.id);
    }
  };
  walk(null);
  return out;
}

export async function getOrg(ctx: PlatformContext, actor: Actor, id: string) {
  const led = await leadershipOf(ctx, actor);
  const o = await loadOrg(ctx, id);
  if (!canReadOrg(actor, led, o)) throw notFound('PARTY_ORG_NOT_FOUND');
  return (await presentOrgs(ctx, actor, led, [o]))[0]!;
}

export async function createOrg(
  ctx: PlatformContext,
  actor: Actor,
  input: { parentId?: string; kind: PartyOrgKind; name: string; orgNodeId?: string; establishedOn?: string; sort?: number },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const parent = input.parentId ? await loadOrg(ctx, input.parentId) : null;
  if (parent && !canKeepRolls(actor, parent)) throw notFound('PARTY_ORG_NOT_FOUND');
  if (!PARENT_KINDS[input.kind].includes(parent?.kind ?? null)) {
    throw badRequest('PARTY_ORG_PARENT_KIND', { kind: ORG_KIND_LABELS[input.kind]['zh-CN'], parent: parent ? ORG_KIND_LABELS[parent.kind]['zh-CN'] : '顶层' });
  }
  const nodeId = input.orgNodeId ?? parent?.org_node_id;
  if (!nodeId) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'body.orgNodeId', code: 'required', message: 'orgNodeId' }]);
  const node = await repo.getNode(db, nodeId);
  if (!node) throw notFound('NODE_NOT_FOUND');
  if (!canKeepRolls(actor, { org_path: node.path })) throw forbidden();
  if (parent && !node.path.startsWith(parent.org_path)) throw badRequest('PARTY_ORG_NODE_OUTSIDE');
  const now = ctx.now().toISOString();
  const id = newId();
  const row: repo.OrgRow = {
    id,
    parent_id: parent?.id ?? null,
    kind: input.kind,
    name: input.name,
    path: `${parent?.path ?? '/'}${id}/`,
    org_node_id: node.id,
    org_path: node.path,
    established_on: input.establishedOn ?? null,
    sort: input.sort ?? 0,
    status: 'active',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertOrg(trx, row);
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.org.create', targetType: 'party_org', targetId: id, orgNodeId: node.id, details: { kind: row.kind, name: row.name, parent: row.parent_id } }), trx);
  });
  return getOrg(ctx, actor, id);
}

export async function updateOrg(ctx: PlatformContext, actor: Actor, id: string, patch: { name?: string; establishedOn?: string | null; sort?: number; expectedVersion: number }, meta: RequestMeta) {
  const o = await loadOrg(ctx, id);
  if (!canKeepRolls(actor, o)) throw notFound('PARTY_ORG_NOT_FOUND');
  const set: Partial<repo.OrgRow> = { updated_at: ctx.now().toISOString() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.establishedOn !== undefined) set.established_on = patch.establishedOn;
  if (patch.sort !== undefined) set.sort = patch.sort;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateOrg(trx, o.id, patch.expectedVersion, set))) throw conflict('PARTY_ORG_STALE');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.org.update', targetType: 'party_org', targetId: o.id, orgNodeId: o.org_node_id, details: { name: patch.name, establishedOn: patch.establishedOn, sort: patch.sort } }), trx);
  });
  return getOrg(ctx, actor, id);
}

// ---------------------------------------------------------------- members: presenting

type Brief = { name: string; phoneMasked: string | null; place: string | null };

async function presentMembers(ctx: PlatformContext, rows: repo.MemberRow[]) {
  const db = ctx.db.kysely;
  const [briefs, posts] = await Promise.all([peopleBriefs(db, rows.map((r) => r.person_id)), repo.postsOf(db, rows.map((r) => r.id), { current: true })]);
  const byPerson = new Map<string, Brief>(briefs.map((b) => [b.personId, b]));
  const orgs = await repo.getOrgs(db, [...rows.flatMap((r) => [r.org_id, r.group_id ?? '']), ...posts.map((p) => p.org_id)].filter(Boolean));
  return rows.map((r) => {
    const b = byPerson.get(r.person_id);
    return {
      id: r.id,
      personId: r.person_id,
      name: b?.name ?? '',
      gender: null as string | null,
      phoneMasked: b?.phoneMasked ?? null,
      place: b?.place ?? null,
      orgId: r.org_id,
      orgName: orgs.get(r.org_id)?.name ?? '',
      groupId: r.group_id,
      groupName: r.group_id ? (orgs.get(r.group_id)?.name ?? null) : null,
      category: r.category,
      categoryLabel: CATEGORY_LABELS[r.category],
      joinedOn: r.joined_on,
      confirmedOn: r.confirmed_on,
      isMobile: r.is_mobile === 1,
      mobileLocation: r.mobile_location,
      mobileSince: r.mobile_since,
      status: r.status,
      posts: posts.filter((p) => p.member_id === r.id).map((p) => ({ orgId: p.org_id, orgName: orgs.get(p.org_id)?.name ?? '', post: p.post, fromOn: p.from_on })),
      version: r.version,
    };
  });
}

/** Where the actor may read the rolls: their read subtrees, and what they lead. */
async function rollsScope(ctx: PlatformContext, actor: Actor) {
  const led = await leadershipOf(ctx, actor);
  return { led, nodePaths: scopePaths(actor, PARTY_READ), partyPaths: [...led] };
}

export async function listMembers(
  ctx: PlatformContext,
  actor: Actor,
  q: { orgId?: string; category?: MemberCategory; mobile: boolean; status: string; q?: string; page: number; pageSize: number },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const scope = await rollsScope(ctx, actor);
  if (scope.nodePaths.length === 0 && scope.partyPaths.length === 0) throw forbidden();
  let under: string | undefined;
  let groupId: string | undefined;
  if (q.orgId) {
    const o = await loadOrg(ctx, q.orgId);
    if (!canReadOrg(actor, scope.led, o)) throw notFound('PARTY_ORG_NOT_FOUND');
    if (o.kind === 'group') groupId = o.id;
    else under = o.path;
  }
  const filter: repo.MemberFilter = { nodePaths: scope.nodePaths, partyPaths: scope.partyPaths, under, groupId, category: q.category, mobile: q.mobile, status: q.status };
  let rows: repo.MemberRow[];
  let total: number;
  if (q.q) {
    // By name: the rolls of an area are a few hundred people; match their registry names.
    const all = await repo.listMembers(db, filter, { limit: 5000, offset: 0 });
    const names = new Map((await peopleBriefs(db, all.map((r) => r.person_id))).map((b) => [b.personId, b.name]));
    const hits = all.filter((r) => (names.get(r.person_id) ?? '').includes(q.q!));
    total = hits.length;
    rows = hits.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  } else {
    [rows, total] = await Promise.all([repo.listMembers(db, filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), repo.countMembers(db, filter)]);
  }
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.member.list', targetType: 'party_org', targetId: q.orgId ?? null, details: { shown: rows.length, total, category: q.category ?? null, mobile: q.mobile, status: q.status, q: q.q ? true : undefined } }));
  return { items: await presentMembers(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

/** The member if the actor may read the rolls it is on (or it is their own record). */
async function memberFor(ctx: PlatformContext, actor: Actor, id: string, mode: 'read' | 'keep') {
  const m = await repo.getMember(ctx.db.kysely, id);
  if (!m) throw notFound('PARTY_MEMBER_NOT_FOUND');
  const branch = await loadOrg(ctx, m.org_id);
  if (mode === 'keep') {
    if (!canKeepRolls(actor, branch)) throw notFound('PARTY_MEMBER_NOT_FOUND');
  } else {
    const led = await leadershipOf(ctx, actor);
    if (!canReadOrg(actor, led, branch) && m.person_id !== actor.personId) throw notFound('PARTY_MEMBER_NOT_FOUND');
  }
  return { m, branch };
}

export async function getMember(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { m, branch } = await memberFor(ctx, actor, id, 'read');
  const db = ctx.db.kysely;
  const [view] = await presentMembers(ctx, [m]);
  const facts = await residentFacts(db, m.person_id);
  const past = await repo.postsOf(db, [m.id], { current: false });
  const orgs = await repo.getOrgs(db, past.map((p) => p.org_id));
  const transfers = await repo.transfersOfPerson(db, m.person_id);
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.member.read', targetType: 'party_member', targetId: m.id, orgNodeId: branch.org_node_id, details: { own: m.person_id === actor.personId } }));
  return {
    ...view!,
    gender: facts?.gender ?? null,
    idMasked: facts?.idMasked ?? null,
    endedOn: m.ended_on,
    endReason: m.end_reason,
    source: m.source,
    pastPosts: past.map((p) => ({ orgName: orgs.get(p.org_id)?.name ?? '', post: p.post, fromOn: p.from_on, toOn: p.to_on! })),
    transfers: transfers.map((t) => ({ id: t.id, direction: t.direction, state: t.state, fromOrgName: t.from_org_name, toOrgName: t.to_org_name, startedAt: t.started_at, closedAt: t.closed_at })),
  };
}

// ---------------------------------------------------------------- members: writing

export function checkDates(today: string, category: MemberCategory, joinedOn: string, confirmedOn: string | null | undefined) {
  const why = (k: keyof typeof DATE_WHY) => badRequest('PARTY_DATES_INVALID', { why: DATE_WHY[k]['zh-CN'] }, { why: DATE_WHY[k] });
  if (joinedOn > today || (confirmedOn && confirmedOn > today)) throw why('future');
  if (category === 'probationary' && confirmedOn) throw why('probationary');
  if (confirmedOn && confirmedOn < joinedOn) throw why('order');
}

/** A branch the actor keeps the rolls of, and the group in it (if named). */
export async function branchAndGroup(ctx: PlatformContext, actor: Actor, orgId: string, groupId?: string | null) {
  const branch = await loadOrg(ctx, orgId);
  if (!canKeepRolls(actor, branch)) throw notFound('PARTY_ORG_NOT_FOUND');
  if (branch.kind !== 'branch') throw badRequest('PARTY_BRANCH_REQUIRED');
  let group: repo.OrgRow | null = null;
  if (groupId) {
    group = (await repo.getOrg(ctx.db.kysely, groupId)) ?? null;
    if (!group || group.kind !== 'group' || group.parent_id !== branch.id || group.status !== 'active') throw badRequest('PARTY_GROUP_INVALID');
  }
  return { branch, group };
}

/**
 * The registry person a member row is for: by id or by ID number (blind index), living in the
 * area of the tree the branch belongs to.
 */
export async function personForRolls(ctx: PlatformContext, branch: repo.OrgRow, who: { personId?: string; idNumber?: string }) {
  const top = await treeTop(ctx, branch);
  let personId = who.personId;
  let orgPath: string | undefined;
  if (who.idNumber) {
    const found = (await activePeopleByIdNumbers(ctx.pii, ctx.db.kysely, [who.idNumber])).get(who.idNumber) ?? [];
    if (found.length === 0) throw notFound('PARTY_PERSON_NOT_IN_REGISTRY');
    const inside = found.find((p) => p.orgPath.startsWith(top.org_path)) ?? found[0]!;
    personId = inside.personId;
    orgPath = inside.orgPath;
  } else {
    const facts = personId ? await residentFacts(ctx.db.kysely, personId) : undefined;
    if (!facts) throw notFound('PARTY_PERSON_NOT_IN_REGISTRY');
    orgPath = facts.orgPath;
  }
  if (!orgPath!.startsWith(top.org_path)) throw badRequest('PARTY_PERSON_OUTSIDE');
  return personId!;
}

/** Posts a member may hold: in their branch, their group (党小组组长 only) or an organisation above the branch. */
async function checkPosts(ctx: PlatformContext, branch: repo.OrgRow, groupId: string | null, memberId: string | null, posts: { orgId: string; post: string }[]) {
  const db = ctx.db.kysely;
  const orgs = await repo.getOrgs(db, posts.map((p) => p.orgId));
  for (const p of posts) {
    const o = orgs.get(p.orgId);
    const allowed = o && o.status === 'active' && (o.id === groupId || branch.path.startsWith(o.path));
    if (!allowed) throw badRequest('PARTY_POST_ORG');
    if ((o.kind === 'group') !== (p.post === '党小组组长')) throw badRequest('PARTY_POST_GROUP_ONLY');
  }
  // One 书记 and one 党小组组长 per organisation at a time.
  const single = posts.filter((p) => p.post === '书记' || p.post === '党小组组长');
  if (single.length) {
    const held = await repo.postsIn(
      db,
      single.map((p) => p.orgId),
      ['书记', '党小组组长'],
    );
    for (const p of single) {
      const other = held.find((h) => h.org_id === p.orgId && h.post === p.post && h.member_id !== memberId);
      if (other) {
        const name = (await peopleBriefs(db, [other.person_id]))[0]?.name ?? '';
        throw conflict('PARTY_POST_TAKEN', { org: orgs.get(p.orgId)!.name, post: p.post, name });
      }
    }
  }
}

function postRows(memberId: string, posts: { orgId: string; post: string; fromOn?: string }[], today: string, at: string): repo.PostRow[] {
  return posts.map((p) => ({ id: newId(), member_id: memberId, org_id: p.orgId, post: p.post, from_on: p.fromOn ?? today, to_on: null, created_at: at }));
}

/** 政治面貌 in the registry follows the rolls (entered once, here): the member's category. */
export const POLITICAL_STATUS_OF: Record<MemberCategory, PartyPoliticalStatus> = { full: '中共党员', probationary: '中共预备党员' };
/** Leaving the party itself (not moving, not dying: the registry records a death) makes the person 群众. */
const LEAVES_THE_PARTY: readonly string[] = ['出党', '停止党籍'];

/** Puts a registry person on a branch's rolls (or back on them, for someone who left). */
export async function addMember(ctx: PlatformContext, actor: Actor, input: MemberInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const { branch, group } = await branchAndGroup(ctx, actor, input.orgId, input.groupId);
  const personId = await personForRolls(ctx, branch, input);
  const today = beijingDay(ctx.now());
  checkDates(today, input.category, input.joinedOn, input.confirmedOn);
  const existing = await repo.memberOfPerson(db, personId);
  if (existing?.status === 'active') {
    const org = await repo.getOrg(db, existing.org_id);
    throw conflict('PARTY_MEMBER_EXISTS', { org: org?.name ?? '' }, { memberId: existing.id });
  }
  await checkPosts(ctx, branch, group?.id ?? null, existing?.id ?? null, input.posts);
  const now = ctx.now().toISOString();
  const fields = {
    org_id: branch.id,
    group_id: group?.id ?? null,
    org_path: branch.org_path,
    party_path: branch.path,
    category: input.category,
    joined_on: input.joinedOn,
    confirmed_on: input.confirmedOn ?? null,
    is_mobile: input.mobile ? 1 : 0,
    mobile_location: input.mobile?.location ?? null,
    mobile_since: input.mobile ? (input.mobile.since ?? today) : null,
    status: 'active' as const,
    ended_on: null,
    end_reason: null,
    updated_at: now,
  };
  const id = existing?.id ?? newId();
  try {
    await db.transaction().execute(async (trx) => {
      if (existing) {
        if (!(await repo.updateMember(trx, existing.id, existing.version, fields))) throw conflict('PARTY_MEMBER_STALE');
      } else {
        await repo.insertMember(trx, { id, person_id: personId, ...fields, source: 'manual', version: 1, created_by: actor.userId, created_at: now });
      }
      await repo.insertPosts(trx, postRows(id, input.posts, today, now));
      await setPoliticalStatusFromParty(ctx, trx, actor, personId, POLITICAL_STATUS_OF[input.category], { reason: `列入${branch.name}党员名册`, meta });
      await appendAudit(
        ctx.db,
        audit(actor, meta, { action: 'party.member.add', targetType: 'party_member', targetId: id, orgNodeId: branch.org_node_id, details: { branch: branch.id, group: group?.id ?? null, category: input.category, posts: input.posts.map((p) => p.post), again: !!existing } }),
        trx,
      );
    });
  } catch (e) {
    // The same person added twice at the same moment: the unique person_id lets one in.
    if (repo.isUniqueViolation(e)) throw conflict('PARTY_MEMBER_EXISTS', { org: branch.name });
    throw e;
  }
  return getMember(ctx, actor, id, meta);
}

export async function updateMember(ctx: PlatformContext, actor: Actor, id: string, patch: MemberPatch, meta: RequestMeta) {
  const { m, branch } = await memberFor(ctx, actor, id, 'keep');
  if (m.status !== 'active') throw conflict('PARTY_MEMBER_NOT_ACTIVE');
  const today = beijingDay(ctx.now());
  const set: Partial<repo.MemberRow> = { updated_at: ctx.now().toISOString() };
  if (patch.groupId !== undefined) {
    const { group } = await branchAndGroup(ctx, actor, branch.id, patch.groupId);
    set.group_id = group?.id ?? null;
  }
  const category = patch.category ?? m.category;
  const joinedOn = patch.joinedOn ?? m.joined_on;
  const confirmedOn = patch.confirmedOn !== undefined ? patch.confirmedOn : m.confirmed_on;
  if (m.category === 'probationary' && category === 'full' && !confirmedOn) throw badRequest('PARTY_DATES_INVALID', { why: DATE_WHY.confirm['zh-CN'] }, { why: DATE_WHY.confirm });
  checkDates(today, category, joinedOn, confirmedOn);
  set.category = category;
  set.joined_on = joinedOn;
  set.confirmed_on = confirmedOn;
  if (patch.mobile !== undefined) {
    set.is_mobile = patch.mobile ? 1 : 0;
    set.mobile_location = patch.mobile?.location ?? null;
    set.mobile_since = patch.mobile ? (patch.mobile.since ?? m.mobile_since ?? today) : null;
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateMember(trx, m.id, patch.expectedVersion, set))) throw conflict('PARTY_MEMBER_STALE');
    if (category !== m.category) {
      const why = category === 'full' ? `${branch.name}：预备党员转正（${confirmedOn}）` : `${branch.name}：党员类别更正`;
      await setPoliticalStatusFromParty(ctx, trx, actor, m.person_id, POLITICAL_STATUS_OF[category], { reason: why, meta });
    }
    const changes: Record<string, unknown> = {};
    for (const k of ['group_id', 'category', 'joined_on', 'confirmed_on', 'is_mobile', 'mobile_location'] as const) if (set[k] !== undefined && set[k] !== m[k]) changes[k] = { from: m[k], to: set[k] };
    await appendAudit(ctx.db, audit(actor, meta, { action: m.category === 'probationary' && category === 'full' ? 'party.member.confirm' : 'party.member.update', targetType: 'party_member', targetId: m.id, orgNodeId: branch.org_node_id, details: changes }), trx);
  });
  return getMember(ctx, actor, id, meta);
}

/** Replaces the member's current posts: ended ones keep their dates, new ones start today (or `fromOn`). */
export async function setPosts(ctx: PlatformContext, actor: Actor, id: string, input: { posts: { orgId: string; post: string; fromOn?: string }[]; expectedVersion: number }, meta: RequestMeta) {
  const { m, branch } = await memberFor(ctx, actor, id, 'keep');
  if (m.status !== 'active') throw conflict('PARTY_MEMBER_NOT_ACTIVE');
  await checkPosts(ctx, branch, m.group_id, m.id, input.posts);
  const db = ctx.db.kysely;
  const current = await repo.postsOf(db, [m.id], { current: true });
  const key = (p: { orgId?: string; org_id?: string; post: string }) => `${p.orgId ?? p.org_id}|${p.post}`;
  const wanted = new Set(input.posts.map(key));
  const ending = current.filter((p) => !wanted.has(key(p)));
  const have = new Set(current.map(key));
  const adding = input.posts.filter((p) => !have.has(key(p)));
  const today = beijingDay(ctx.now());
  const now = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    // The version moves with the posts, so two secretaries editing at once do not both win.
    if (!(await repo.updateMember(trx, m.id, input.expectedVersion, { updated_at: now }))) throw conflict('PARTY_MEMBER_STALE');
    await repo.endPosts(
      trx,
      ending.map((p) => p.id),
      today,
    );
    await repo.insertPosts(trx, postRows(m.id, adding, today, now));
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.member.posts', targetType: 'party_member', targetId: m.id, orgNodeId: branch.org_node_id, details: { ended: ending.map((p) => p.post), added: adding.map((p) => p.post) } }), trx);
  });
  return getMember(ctx, actor, id, meta);
}

/** 出党, 停止党籍, 去世 …: off the rolls, posts ended; the record stays. */
export async function endMember(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string; note?: string; endedOn: string; expectedVersion: number }, meta: RequestMeta) {
  const { m, branch } = await memberFor(ctx, actor, id, 'keep');
  if (m.status !== 'active') throw conflict('PARTY_MEMBER_NOT_ACTIVE');
  if (input.endedOn > beijingDay(ctx.now())) throw badRequest('PARTY_DATES_INVALID', { why: DATE_WHY.future['zh-CN'] }, { why: DATE_WHY.future });
  const db = ctx.db.kysely;
  const posts = await repo.postsOf(db, [m.id], { current: true });
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateMember(trx, m.id, input.expectedVersion, { status: 'ended', ended_on: input.endedOn, end_reason: input.note ? `${input.reason}：${input.note}` : input.reason, updated_at: ctx.now().toISOString() }))) throw conflict('PARTY_MEMBER_STALE');
    await repo.endPosts(
      trx,
      posts.map((p) => p.id),
      input.endedOn,
    );
    if (LEAVES_THE_PARTY.includes(input.reason)) {
      await setPoliticalStatusFromParty(ctx, trx, actor, m.person_id, '群众', { reason: `${branch.name}：${input.reason}（${input.endedOn}）`, meta });
    }
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.member.end', targetType: 'party_member', targetId: m.id, orgNodeId: branch.org_node_id, details: { reason: input.reason, endedOn: input.endedOn } }), trx);
  });
  return getMember(ctx, actor, id, meta);
}

/** Managers of an area (for the console's 新增 buttons): does the actor keep any rolls at all? */
export function keepsAnyRolls(actor: Actor): boolean {
  return scopePaths(actor, PARTY_MANAGE).length > 0;
}
