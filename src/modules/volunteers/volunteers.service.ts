import type { PlatformContext } from '../../platform/context.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { normaliseIdNumber } from '../../platform/cn/id-number.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { eventCodes } from '../events/events.facts.js';
import { reportEvent } from '../events/events.service.js';
import { residentFacts } from '../registry/registry.facts.js';
import { minutesOf } from './hours.accounts.js';
import { VOLUNTEER_MANAGE } from './volunteers.policy.js';
import * as repo from './volunteers.repository.js';
import type { RegisterByStaffInput, RegisterSelfInput, VolunteerView } from './volunteers.schema.js';
import type { TeamKind, TeamRole, VolunteerTable } from './volunteers.table.js';

/**
 * 志愿者与队伍: who the volunteers are (a registry person where there is one, with the registry's
 * numbers; otherwise their own, encrypted), what they agreed to, their 志愿者编号, the teams they
 * belong to and lead, and the observations supervision teams file (监督记录), which staff turn
 * into grid events in the event's own transaction.
 */

export const CONSENT_VERSION = '2026-11';
export const CONSENT_TEXT = [
  '志愿者注册知情同意书（2026-11 版）',
  '一、本人自愿注册为社区志愿者，遵守《志愿服务条例》，自愿、无偿提供志愿服务。',
  '二、本人同意社区为志愿服务记录、出具志愿服务证明和志愿服务管理之目的，收集和使用本人的姓名、身份证件类型及号码、手机号码、技能特长和可服务时间；身份证件号码和手机号码加密保存，显示和打印时脱敏。',
  '三、志愿服务时长依照民政部《志愿服务记录与证明出具办法（试行）》记录，以实际签到、签退时间为准，不超过活动时段；记录有误的，可以申请更正，更正以冲正方式留痕。',
  '四、本人可以随时查看本人的志愿服务记录和证明，可以申请注销志愿者身份；注销后，已有服务记录依法保存。',
  '五、报名后不能参加的，应及时取消，以便候补志愿者递补。',
].join('\n');

export const OBSERVATION_PURPOSE = 'volunteers.observation';

addMessages({
  'error.VOLUNTEER_NOT_REGISTERED': { 'zh-CN': '您还不是注册志愿者，请先登记', en: 'You are not a registered volunteer yet; please register first' },
  'error.VOLUNTEER_INACTIVE': { 'zh-CN': '您的志愿者身份已停用，请联系社区', en: 'Your volunteer registration is inactive; please contact your community' },
  'error.VOLUNTEER_ALREADY_REGISTERED': { 'zh-CN': '已登记为志愿者（编号 {number}）', en: 'Already registered as a volunteer (number {number})' },
  'error.VOLUNTEER_NOT_FOUND': { 'zh-CN': '志愿者不存在或不在您的管辖范围内', en: 'No such volunteer in your area' },
  'error.VOLUNTEER_IDENTITY_REQUIRED': { 'zh-CN': '您的账号未关联社区居民信息，请填写姓名、身份证件号码和手机号', en: 'Your account is not linked to a resident record: give your name, ID number and mobile' },
  'error.VOLUNTEER_IDENTITY_CONFLICT': { 'zh-CN': '请选择居民或填写身份信息（二选一）', en: 'Choose a resident or give identity details, not both' },
  'error.VOLUNTEER_ID_NUMBER_INVALID': { 'zh-CN': '证件号码无效（{idType}）', en: 'Invalid document number ({idType})' },
  'error.VOLUNTEER_ID_NUMBER_TAKEN': { 'zh-CN': '该证件号码已登记为志愿者', en: 'This document number is already registered as a volunteer' },
  'error.VOLUNTEER_NO_COMMUNITY': { 'zh-CN': '无法确定您所在的社区，请到社区登记', en: 'Your community could not be determined; please register at the community office' },
  'error.VOLUNTEER_PERSON_NOT_FOUND': { 'zh-CN': '居民不存在或不在您的管辖范围内', en: 'No such resident in your area' },
  'error.VOLUNTEER_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的社区或网格', en: 'Choose a community or grid inside your area' },
  'error.VOLUNTEER_CONSENT_OUTDATED': { 'zh-CN': '知情同意书已更新，请阅读最新版本后再确认', en: 'The consent text has changed; read the current version and agree again' },
  'error.VOLUNTEER_STALE': { 'zh-CN': '记录已被他人修改，请刷新后重试', en: 'Someone else changed this record; reload and try again' },
  'error.VOLUNTEER_TEAM_NOT_FOUND': { 'zh-CN': '志愿队伍不存在或不在您的管辖范围内', en: 'No such team in your area' },
  'error.VOLUNTEER_TEAM_NAME_TAKEN': { 'zh-CN': '该社区已有名为“{name}”的队伍', en: 'This community already has a team called "{name}"' },
  'error.VOLUNTEER_TEAM_OUTSIDE': { 'zh-CN': '只能加入本社区范围内登记的志愿者', en: 'Only volunteers registered inside the team\'s area can join it' },
  'error.VOLUNTEER_NOT_MEMBER': { 'zh-CN': '您不是该监督团的成员', en: 'You are not a member of this supervision team' },
  'error.VOLUNTEER_TEAM_NOT_SUPERVISION': { 'zh-CN': '只有监督团成员可以提交监督记录', en: 'Only supervision teams file observations' },
  'error.VOLUNTEER_ATTACHMENT_INVALID': { 'zh-CN': '照片不存在或不是您上传的', en: 'A photo does not exist or was not uploaded by you' },
  'error.VOLUNTEER_OBSERVATION_NOT_FOUND': { 'zh-CN': '监督记录不存在或不在您的管辖范围内', en: 'No such observation in your area' },
  'error.VOLUNTEER_OBSERVATION_HANDLED': { 'zh-CN': '该监督记录已处理', en: 'This observation has already been handled' },
  'error.VOLUNTEER_OBSERVATION_FORWARDED': { 'zh-CN': '该监督记录已转为事件 {code}', en: 'This observation already became event {code}' },
});

type Row = VolunteerTable;

// ---------------------------------------------------------------- presenting

/** The masked ID of a volunteer: the registry's for a registry person, else their own. */
async function identityOf(ctx: PlatformContext, v: Row): Promise<{ name: string; idMasked: string | null; phoneMasked: string | null }> {
  if (v.person_id) {
    const facts = await residentFacts(ctx.db.kysely, v.person_id);
    if (facts) return { name: facts.name, idMasked: facts.idMasked, phoneMasked: facts.phoneMasked };
  }
  return { name: v.name, idMasked: v.id_masked, phoneMasked: v.phone_masked };
}

async function present(ctx: PlatformContext, rows: Row[]): Promise<VolunteerView[]> {
  const db = ctx.db.kysely;
  const [teams, minutes, nodes] = await Promise.all([repo.teamsOf(db, rows.map((r) => r.id)), minutesOf(db, rows.map((r) => r.id)), repo.getNodesByIds(db, rows.map((r) => r.org_node_id))]);
  const nodeName = new Map(nodes.map((n) => [n.id, n.name]));
  const out: VolunteerView[] = [];
  for (const v of rows) {
    const who = await identityOf(ctx, v);
    out.push({
      id: v.id,
      number: v.number,
      name: who.name,
      orgNodeId: v.org_node_id,
      orgNodeName: nodeName.get(v.org_node_id) ?? null,
      personId: v.person_id,
      hasAccount: v.user_id !== null,
      idType: v.id_type,
      idMasked: who.idMasked,
      phoneMasked: who.phoneMasked,
      skills: parseJson<string[]>(v.skills, []),
      availability: parseJson<string[]>(v.availability, []),
      intro: v.intro,
      status: v.status,
      consent: { version: v.consent_version, at: v.consent_at, how: v.consent_how },
      teams: teams.filter((t) => t.volunteer_id === v.id).map((t) => ({ id: t.id, name: t.name, kind: t.kind, role: t.role })),
      minutes: minutes.get(v.id) ?? 0,
      version: v.version,
      createdAt: v.created_at,
    });
  }
  return out;
}

// ---------------------------------------------------------------- whose record

/**
 * The caller's volunteer record, or undefined. A record staff registered for the caller's registry
 * person at the desk (no account yet) is linked to the account the first time it is looked for.
 */
export async function findMyVolunteer(ctx: PlatformContext, actor: Actor, meta?: RequestMeta): Promise<Row | undefined> {
  const db = ctx.db.kysely;
  const mine = await repo.volunteerOfUser(db, actor.userId);
  if (mine || !actor.personId) return mine;
  const desk = await repo.volunteerOfPerson(db, actor.personId);
  if (!desk || desk.user_id) return undefined;
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if ((await repo.linkUser(trx, desk.id, actor.userId, at)) === 1) {
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.volunteer.link', targetType: 'volunteer', targetId: desk.id, orgNodeId: desk.org_node_id, ip: meta?.ip, requestId: meta?.requestId, details: { number: desk.number } }, trx);
    }
  });
  return repo.volunteerOfUser(db, actor.userId);
}

/** The caller's active volunteer record, or 403 with what to do. */
export async function requireMyVolunteer(ctx: PlatformContext, actor: Actor): Promise<Row> {
  const v = await findMyVolunteer(ctx, actor);
  if (!v) throw forbidden('VOLUNTEER_NOT_REGISTERED');
  if (v.status !== 'active') throw forbidden('VOLUNTEER_INACTIVE');
  return v;
}

/** Teams the caller leads (empty for staff and for volunteers who lead none). */
export async function teamsLedBy(ctx: PlatformContext, actor: Actor): Promise<Set<string>> {
  const v = await repo.volunteerOfUser(ctx.db.kysely, actor.userId);
  if (!v || v.status !== 'active') return new Set();
  return repo.ledTeamIds(ctx.db.kysely, v.id);
}

// ---------------------------------------------------------------- registering

/** The deepest grid or community on a path (the node a volunteer record belongs to). */
async function homeOnPath(ctx: PlatformContext, path: string): Promise<{ id: string; path: string } | undefined> {
  const nodes = await repo.getNodesByIds(ctx.db.kysely, path.split('/').filter(Boolean));
  const byPathLength = nodes.filter((n) => n.kind === 'grid' || n.kind === 'community').sort((a, b) => b.path.length - a.path.length);
  return byPathLength[0];
}

function checkIdentity(ctx: PlatformContext, identity: NonNullable<RegisterSelfInput['identity']>) {
  let idNumber = identity.idNumber.toUpperCase().replace(/\s+/g, '');
  if (identity.idType === '居民身份证') {
    const n = normaliseIdNumber(idNumber, ctx.now());
    if (!n) throw badRequest('VOLUNTEER_ID_NUMBER_INVALID', { idType: identity.idType });
    idNumber = n;
  } else if (!/^[A-Z0-9]{5,20}$/.test(idNumber)) throw badRequest('VOLUNTEER_ID_NUMBER_INVALID', { idType: identity.idType });
  return {
    name: identity.name,
    id_type: identity.idType,
    id_number_enc: ctx.pii.encrypt(idNumber),
    id_number_idx: ctx.pii.blindIndex('volunteer_id', idNumber),
    id_masked: maskIdNumber(idNumber),
    phone_enc: ctx.pii.encrypt(identity.phone),
    phone_masked: maskPhone(identity.phone),
  };
}

async function insertNew(ctx: PlatformContext, actor: Actor, row: Omit<Row, 'number'>, meta: RequestMeta, how: 'self' | 'staff') {
  const year = new Date(ctx.now().getTime() + 8 * 3_600_000).getUTCFullYear();
  try {
    return await ctx.db.kysely.transaction().execute(async (trx) => {
      const number = `ZY${year}-${String(await repo.nextNumber(trx, `volunteer:${year}`)).padStart(6, '0')}`;
      await repo.insertVolunteer(trx, { ...row, number });
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.volunteer.register', targetType: 'volunteer', targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { number, how, registry: row.person_id !== null, consent: row.consent_version } }, trx);
      return number;
    });
  } catch (e) {
    if (!repo.isUniqueViolation(e)) throw e;
    if (row.id_number_idx && (await repo.volunteerByIdIndex(ctx.db.kysely, row.id_number_idx))) throw conflict('VOLUNTEER_ID_NUMBER_TAKEN');
    const other = (row.user_id && (await repo.volunteerOfUser(ctx.db.kysely, row.user_id))) || (row.person_id && (await repo.volunteerOfPerson(ctx.db.kysely, row.person_id)));
    if (other) throw conflict('VOLUNTEER_ALREADY_REGISTERED', { number: other.number });
    throw e;
  }
}

/** 成为志愿者: a resident registers themself, agreeing online to the consent text shown. */
export async function registerSelf(ctx: PlatformContext, actor: Actor, input: RegisterSelfInput, meta: RequestMeta): Promise<VolunteerView> {
  if (input.consentVersion !== CONSENT_VERSION) throw badRequest('VOLUNTEER_CONSENT_OUTDATED');
  const existing = await findMyVolunteer(ctx, actor, meta);
  if (existing) throw conflict('VOLUNTEER_ALREADY_REGISTERED', { number: existing.number });
  const now = ctx.now().toISOString();
  const base = {
    id: newId(),
    user_id: actor.userId,
    skills: JSON.stringify(input.skills),
    availability: JSON.stringify(input.availability),
    intro: input.intro || null,
    status: 'active' as const,
    consent_version: CONSENT_VERSION,
    consent_text: CONSENT_TEXT,
    consent_at: now,
    consent_how: 'online' as const,
    registered_by: actor.userId,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  const facts = actor.personId ? await residentFacts(ctx.db.kysely, actor.personId) : undefined;
  let row: Omit<Row, 'number'>;
  if (facts) {
    const home = await homeOnPath(ctx, facts.orgPath);
    if (!home) throw badRequest('VOLUNTEER_NO_COMMUNITY');
    row = { ...base, org_node_id: home.id, org_path: home.path, person_id: facts.personId, name: facts.name, id_type: input.idType ?? facts.idType, id_number_enc: null, id_number_idx: null, id_masked: null, phone_enc: null, phone_masked: null };
  } else {
    if (!input.identity) throw badRequest('VOLUNTEER_IDENTITY_REQUIRED');
    const grant = actor.grants.filter((g) => g.role === 'resident' || g.role === 'volunteer').sort((a, b) => b.orgPath.length - a.orgPath.length)[0];
    const home = grant ? await homeOnPath(ctx, grant.orgPath) : undefined;
    if (!home) throw badRequest('VOLUNTEER_NO_COMMUNITY');
    row = { ...base, org_node_id: home.id, org_path: home.path, person_id: null, ...checkIdentity(ctx, input.identity) };
  }
  await insertNew(ctx, actor, row, meta, 'self');
  return (await present(ctx, [(await repo.getVolunteer(ctx.db.kysely, row.id))!]))[0]!;
}

/** 窗口登记: staff register someone at the desk (a registry person of their area, or someone not in it) with a signed paper consent. */
export async function registerByStaff(ctx: PlatformContext, actor: Actor, input: RegisterByStaffInput, meta: RequestMeta): Promise<VolunteerView> {
  const db = ctx.db.kysely;
  const node = await repo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || !['community', 'grid'].includes(node.kind) || !canAt(actor, VOLUNTEER_MANAGE, node.path)) throw badRequest('VOLUNTEER_NODE_INVALID');
  if (!!input.personId === !!input.identity) throw badRequest(input.personId ? 'VOLUNTEER_IDENTITY_CONFLICT' : 'VOLUNTEER_IDENTITY_REQUIRED');
  const now = ctx.now().toISOString();
  const base = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    skills: JSON.stringify(input.skills),
    availability: JSON.stringify(input.availability),
    intro: input.intro || null,
    status: 'active' as const,
    consent_version: CONSENT_VERSION,
    consent_text: CONSENT_TEXT,
    consent_at: now,
    consent_how: 'paper' as const,
    registered_by: actor.userId,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  let row: Omit<Row, 'number'>;
  if (input.personId) {
    const facts = await residentFacts(db, input.personId);
    if (!facts || !canAt(actor, VOLUNTEER_MANAGE, facts.orgPath)) throw notFound('VOLUNTEER_PERSON_NOT_FOUND');
    const existing = await repo.volunteerOfPerson(db, facts.personId);
    if (existing) throw conflict('VOLUNTEER_ALREADY_REGISTERED', { number: existing.number });
    const account = await repo.accountOfPerson(db, facts.personId);
    const taken = account ? await repo.volunteerOfUser(db, account.id) : undefined;
    row = { ...base, user_id: account && !taken ? account.id : null, person_id: facts.personId, name: facts.name, id_type: input.idType ?? facts.idType, id_number_enc: null, id_number_idx: null, id_masked: null, phone_enc: null, phone_masked: null };
  } else {
    row = { ...base, user_id: null, person_id: null, ...checkIdentity(ctx, input.identity!) };
  }
  await insertNew(ctx, actor, row, meta, 'staff');
  return (await present(ctx, [(await repo.getVolunteer(db, row.id))!]))[0]!;
}

/** The caller's own record, or null with the consent text to register. */
export async function getMine(ctx: PlatformContext, actor: Actor, meta: RequestMeta) {
  const v = await findMyVolunteer(ctx, actor, meta);
  return { volunteer: v ? (await present(ctx, [v]))[0]! : null, consent: { version: CONSENT_VERSION, text: CONSENT_TEXT }, hasRegistryRecord: !!actor.personId };
}

export async function updateMine(ctx: PlatformContext, actor: Actor, input: { skills?: string[]; availability?: string[]; intro?: string | null; expectedVersion: number }, meta: RequestMeta) {
  const v = await findMyVolunteer(ctx, actor, meta);
  if (!v) throw forbidden('VOLUNTEER_NOT_REGISTERED');
  return update(ctx, actor, v, { skills: input.skills, availability: input.availability, intro: input.intro, expectedVersion: input.expectedVersion }, meta);
}

async function update(ctx: PlatformContext, actor: Actor, v: Row, input: { skills?: string[]; availability?: string[]; intro?: string | null; idType?: string; status?: 'active' | 'inactive'; expectedVersion: number }, meta: RequestMeta) {
  const patch: Partial<Row> = { updated_at: ctx.now().toISOString() };
  if (input.skills) patch.skills = JSON.stringify(input.skills);
  if (input.availability) patch.availability = JSON.stringify(input.availability);
  if (input.intro !== undefined) patch.intro = input.intro || null;
  if (input.idType) patch.id_type = input.idType;
  if (input.status) patch.status = input.status;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateVolunteer(trx, v.id, input.expectedVersion, patch)) !== 1) throw conflict('VOLUNTEER_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.volunteer.update', targetType: 'volunteer', targetId: v.id, orgNodeId: v.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: Object.keys(patch).filter((k) => k !== 'updated_at') } }, trx);
  });
  return (await present(ctx, [(await repo.getVolunteer(ctx.db.kysely, v.id))!]))[0]!;
}

// ---------------------------------------------------------------- staff: the register

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const v = await repo.getVolunteer(ctx.db.kysely, id);
  if (!v || !canAt(actor, VOLUNTEER_MANAGE, v.org_path)) throw notFound('VOLUNTEER_NOT_FOUND');
  return v;
}

/** The register of the caller's subtrees: names with masked numbers, so the read is audited. */
export async function listVolunteers(ctx: PlatformContext, actor: Actor, q: { q?: string; teamId?: string; skill?: string; status?: 'active' | 'inactive'; page: number; pageSize: number }, meta: RequestMeta) {
  const paths = scopePaths(actor, VOLUNTEER_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listVolunteers(ctx.db.kysely, { paths, q: q.q, teamId: q.teamId, skill: q.skill, status: q.status }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const items = await present(ctx, rows);
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.volunteer.list', targetType: 'volunteer', targetId: '*', ip: meta.ip, requestId: meta.requestId, details: { q: q.q ?? null, teamId: q.teamId ?? null, count: rows.length } });
  return { items, total, page: q.page, pageSize: q.pageSize };
}

export async function getVolunteer(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const v = await loadForStaff(ctx, actor, id);
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.volunteer.read', targetType: 'volunteer', targetId: id, orgNodeId: v.org_node_id, ip: meta.ip, requestId: meta.requestId });
  return (await present(ctx, [v]))[0]!;
}

export async function updateVolunteer(ctx: PlatformContext, actor: Actor, id: string, input: { skills?: string[]; availability?: string[]; intro?: string | null; idType?: string; status?: 'active' | 'inactive'; expectedVersion: number }, meta: RequestMeta) {
  const v = await loadForStaff(ctx, actor, id);
  return update(ctx, actor, v, input, meta);
}

// ---------------------------------------------------------------- teams

async function presentTeams(ctx: PlatformContext, teams: repo.TeamRow[]) {
  const db = ctx.db.kysely;
  const [members, nodes] = await Promise.all([repo.membersOf(db, teams.map((t) => t.id)), repo.getNodesByIds(db, teams.map((t) => t.org_node_id))]);
  const nodeName = new Map(nodes.map((n) => [n.id, n.name]));
  return teams.map((t) => ({
    id: t.id,
    orgNodeId: t.org_node_id,
    orgNodeName: nodeName.get(t.org_node_id) ?? null,
    name: t.name,
    kind: t.kind,
    description: t.description,
    active: t.active === 1,
    members: members
      .filter((m) => m.team_id === t.id)
      .sort((a, b) => (a.role === b.role ? a.number.localeCompare(b.number) : a.role === 'leader' ? -1 : 1))
      .map((m) => ({ volunteerId: m.volunteer_id, name: m.name, number: m.number, role: m.role, joinedAt: m.joined_at })),
    version: t.version,
  }));
}

async function loadTeamForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const t = await repo.getTeam(ctx.db.kysely, id);
  if (!t || !canAt(actor, VOLUNTEER_MANAGE, t.org_path)) throw notFound('VOLUNTEER_TEAM_NOT_FOUND');
  return t;
}

export async function listTeams(ctx: PlatformContext, actor: Actor) {
  const paths = scopePaths(actor, VOLUNTEER_MANAGE);
  if (paths.length === 0) throw forbidden();
  return { items: await presentTeams(ctx, await repo.listTeams(ctx.db.kysely, paths)) };
}

export async function getTeam(ctx: PlatformContext, actor: Actor, id: string) {
  return (await presentTeams(ctx, [await loadTeamForStaff(ctx, actor, id)]))[0]!;
}

export async function createTeam(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; name: string; kind: TeamKind; description: string }, meta: RequestMeta) {
  const node = await repo.getNode(ctx.db.kysely, input.orgNodeId);
  if (!node || node.ended_at || !['street', 'community', 'grid'].includes(node.kind) || !canAt(actor, VOLUNTEER_MANAGE, node.path)) throw badRequest('VOLUNTEER_NODE_INVALID');
  const now = ctx.now().toISOString();
  const row: repo.TeamRow = { id: newId(), org_node_id: node.id, org_path: node.path, name: input.name, kind: input.kind, description: input.description, active: 1, created_by: actor.userId, version: 1, created_at: now, updated_at: now };
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await repo.insertTeam(trx, row);
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.team.create', targetType: 'volunteer_team', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { name: row.name, kind: row.kind } }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('VOLUNTEER_TEAM_NAME_TAKEN', { name: input.name });
    throw e;
  }
  return getTeam(ctx, actor, row.id);
}

export async function updateTeam(ctx: PlatformContext, actor: Actor, id: string, input: { name?: string; description?: string; active?: boolean; expectedVersion: number }, meta: RequestMeta) {
  const t = await loadTeamForStaff(ctx, actor, id);
  const patch: Partial<repo.TeamRow> = { updated_at: ctx.now().toISOString() };
  if (input.name) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      if ((await repo.updateTeam(trx, id, input.expectedVersion, patch)) !== 1) throw conflict('VOLUNTEER_STALE');
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.team.update', targetType: 'volunteer_team', targetId: id, orgNodeId: t.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: Object.keys(patch).filter((k) => k !== 'updated_at') } }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('VOLUNTEER_TEAM_NAME_TAKEN', { name: input.name ?? t.name });
    throw e;
  }
  return getTeam(ctx, actor, id);
}

/** Adds a member or sets their role (队长 or member). The volunteer must be registered inside the team's area. */
export async function setMember(ctx: PlatformContext, actor: Actor, teamId: string, input: { volunteerId: string; role: TeamRole }, meta: RequestMeta) {
  const t = await loadTeamForStaff(ctx, actor, teamId);
  const v = await loadForStaff(ctx, actor, input.volunteerId);
  // A team of a community takes volunteers of that community; a street's team takes the street's.
  if (!v.org_path.startsWith(t.org_path) && !t.org_path.startsWith(v.org_path)) throw badRequest('VOLUNTEER_TEAM_OUTSIDE');
  const now = ctx.now();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.membership(trx, teamId, v.id);
    await repo.upsertMember(trx, { team_id: teamId, volunteer_id: v.id, role: input.role, joined_at: now.toISOString() });
    if (v.user_id && before?.role !== input.role) {
      await notify(trx, {
        recipients: [v.user_id],
        kind: 'volunteers.team.member',
        title: input.role === 'leader' ? `您已担任「${t.name}」队长` : `您已加入「${t.name}」`,
        body: t.kind === 'supervision' ? '可在“我的志愿服务”中提交监督记录。' : '可在“我的志愿服务”中查看队伍活动。',
        link: '/m/volunteer',
        at: now,
      });
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.team.member', targetType: 'volunteer_team', targetId: teamId, orgNodeId: t.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { volunteer: v.number, role: input.role, before: before?.role ?? null } }, trx);
  });
  return getTeam(ctx, actor, teamId);
}

export async function removeMember(ctx: PlatformContext, actor: Actor, teamId: string, volunteerId: string, meta: RequestMeta) {
  const t = await loadTeamForStaff(ctx, actor, teamId);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.removeMember(trx, teamId, volunteerId)) !== 1) throw notFound('VOLUNTEER_NOT_FOUND');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.team.remove-member', targetType: 'volunteer_team', targetId: teamId, orgNodeId: t.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { volunteerId } }, trx);
  });
  return getTeam(ctx, actor, teamId);
}

// ---------------------------------------------------------------- observations (监督记录)

async function presentObservations(ctx: PlatformContext, rows: repo.ObservationRow[]) {
  const db = ctx.db.kysely;
  const [teams, volunteers, codes] = await Promise.all([repo.getTeamsByIds(db, rows.map((r) => r.team_id)), repo.getVolunteersByIds(db, rows.map((r) => r.volunteer_id)), eventCodes(db, rows.map((r) => r.event_id))]);
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const volunteerName = new Map(volunteers.map((v) => [v.id, v.name]));
  return rows.map((r) => ({
    id: r.id,
    teamId: r.team_id,
    teamName: teamName.get(r.team_id) ?? '',
    volunteerId: r.volunteer_id,
    volunteerName: volunteerName.get(r.volunteer_id) ?? '',
    title: r.title,
    description: r.description,
    address: r.address,
    lat: r.lat === null ? null : Number(r.lat),
    lng: r.lng === null ? null : Number(r.lng),
    attachmentIds: parseJson<string[]>(r.attachments, []),
    status: r.status,
    eventId: r.event_id,
    eventCode: r.event_id ? (codes.get(r.event_id) ?? null) : null,
    handledByName: r.handled_by_name,
    handledAt: r.handled_at,
    dismissReason: r.dismiss_reason,
    createdAt: r.created_at,
  }));
}

/** A supervision-team member files what they saw (a restaurant's kitchen, a polluted stretch of river …); staff of the team's area are told. */
export async function fileObservation(ctx: PlatformContext, actor: Actor, input: { teamId: string; title: string; description: string; address?: string; lat?: number; lng?: number; attachmentIds: string[] }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const v = await requireMyVolunteer(ctx, actor);
  const team = await repo.getTeam(db, input.teamId);
  if (!team || team.active !== 1) throw notFound('VOLUNTEER_TEAM_NOT_FOUND');
  if (team.kind !== 'supervision') throw badRequest('VOLUNTEER_TEAM_NOT_SUPERVISION');
  if (!(await repo.membership(db, team.id, v.id))) throw forbidden('VOLUNTEER_NOT_MEMBER');
  const files = await repo.getAttachments(db, input.attachmentIds);
  if (files.length !== new Set(input.attachmentIds).size || files.some((f) => f.owner_user_id !== actor.userId || f.purpose !== OBSERVATION_PURPOSE)) throw badRequest('VOLUNTEER_ATTACHMENT_INVALID');
  const now = ctx.now();
  const row: repo.ObservationRow = {
    id: newId(),
    team_id: team.id,
    volunteer_id: v.id,
    org_node_id: team.org_node_id,
    org_path: team.org_path,
    title: input.title,
    description: input.description,
    address: input.address || null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    attachments: JSON.stringify([...new Set(input.attachmentIds)]),
    status: 'filed',
    event_id: null,
    handled_by: null,
    handled_by_name: null,
    handled_at: null,
    dismiss_reason: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertObservation(trx, row);
    await useAttachments(trx, 'volunteer_observation', row.id, input.attachmentIds);
    const staff = await repo.staffAbove(trx, team.org_path);
    const told = { kind: 'volunteers.observation.new', title: `新的监督记录：${row.title}`, body: `${team.name} · ${v.name}`, at: now };
    await notify(trx, { ...told, recipients: staff.filter((id) => id !== actor.userId), link: '/console/volunteers/observations' });
    // Leaders (volunteers) see the team's records on their own pages.
    await notify(trx, { ...told, recipients: (await repo.leaderUserIds(trx, team.id)).filter((id) => id !== actor.userId && !staff.includes(id)), link: '/m/volunteer' });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.observation.file', targetType: 'volunteer_observation', targetId: row.id, orgNodeId: team.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { team: team.name, photos: input.attachmentIds.length } }, trx);
  });
  return (await presentObservations(ctx, [row]))[0]!;
}

export async function listMyObservations(ctx: PlatformContext, actor: Actor) {
  const v = await findMyVolunteer(ctx, actor);
  if (!v) return { items: [] };
  return { items: await presentObservations(ctx, await repo.listObservations(ctx.db.kysely, { volunteerId: v.id }, { limit: 100, offset: 0 })) };
}

export async function listObservations(ctx: PlatformContext, actor: Actor, q: { status?: 'filed' | 'forwarded' | 'dismissed'; page: number; pageSize: number }) {
  const paths = scopePaths(actor, VOLUNTEER_MANAGE);
  if (paths.length === 0) throw forbidden();
  return { items: await presentObservations(ctx, await repo.listObservations(ctx.db.kysely, { paths, status: q.status }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize })) };
}

async function loadObservationForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await repo.getObservation(ctx.db.kysely, id);
  if (!row || !canAt(actor, VOLUNTEER_MANAGE, row.org_path)) throw notFound('VOLUNTEER_OBSERVATION_NOT_FOUND');
  return row;
}

/**
 * 转为网格事件: the event (channel `volunteer`, "志愿监督", `promotedFrom:
 * volunteer-observation:<id>`) and the mark on the observation commit in one transaction
 * (reportEvent's `inTransaction`, a conditional UPDATE … WHERE event_id IS NULL): of two forwards
 * at the same instant one event commits and the other rolls back with 409.
 */
export async function forwardObservation(ctx: PlatformContext, actor: Actor, id: string, input: { categoryCode: string; urgency?: '一般' | '紧急' | '特急'; orgNodeId?: string; address?: string; attributes?: Record<string, string | string[]> }, meta: RequestMeta) {
  const row = await loadObservationForStaff(ctx, actor, id);
  if (row.event_id) throw conflict('VOLUNTEER_OBSERVATION_FORWARDED', { code: (await eventCodes(ctx.db.kysely, [row.event_id])).get(row.event_id) ?? '' });
  if (row.status !== 'filed') throw conflict('VOLUNTEER_OBSERVATION_HANDLED');
  const team = (await repo.getTeam(ctx.db.kysely, row.team_id))!;
  const v = (await repo.getVolunteer(ctx.db.kysely, row.volunteer_id))!;
  const hasPoint = row.lat !== null && row.lng !== null;
  const address = input.address || row.address || undefined;
  const at = ctx.now().toISOString();
  const event = await reportEvent(
    ctx,
    { kind: 'user', actor },
    {
      categoryCode: input.categoryCode,
      title: `【${team.name}】${row.title}`,
      description: row.description,
      channel: 'volunteer',
      urgency: input.urgency,
      // A grid named by staff wins; else the observation's point, else its address, else the team's area.
      orgNodeId: input.orgNodeId ?? (hasPoint || address ? undefined : row.org_node_id),
      lat: hasPoint ? Number(row.lat) : undefined,
      lng: hasPoint ? Number(row.lng) : undefined,
      address,
      attributes: input.attributes,
      promotedFrom: `volunteer-observation:${row.id}`,
    },
    meta,
    {
      inTransaction: async (trx, ev) => {
        if ((await repo.markForwarded(trx, id, { event_id: ev.id, handled_by: actor.userId, handled_by_name: actor.displayName, at })) !== 1) {
          const taken = await repo.getObservation(trx, id);
          const code = taken?.event_id ? ((await eventCodes(trx, [taken.event_id])).get(taken.event_id) ?? '') : '';
          if (code) throw conflict('VOLUNTEER_OBSERVATION_FORWARDED', { code });
          throw conflict('VOLUNTEER_OBSERVATION_HANDLED');
        }
        if (v.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.observation.forwarded', title: `您的监督记录已转为事件 ${ev.code}`, body: row.title, link: '/m/volunteer', at: ctx.now() });
        await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.observation.forward', targetType: 'volunteer_observation', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { event: ev.code } }, trx);
      },
    },
  );
  return { ...(await presentObservations(ctx, [(await repo.getObservation(ctx.db.kysely, id))!]))[0]!, eventId: event.id };
}

export async function dismissObservation(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const row = await loadObservationForStaff(ctx, actor, id);
  const at = ctx.now();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.markDismissed(trx, id, { reason: input.reason, handled_by: actor.userId, handled_by_name: actor.displayName, at: at.toISOString() })) !== 1) throw conflict('VOLUNTEER_OBSERVATION_HANDLED');
    const v = await repo.getVolunteer(trx, row.volunteer_id);
    if (v?.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.observation.dismissed', title: `监督记录已处理：${row.title}`, body: input.reason, link: '/m/volunteer', at });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.observation.dismiss', targetType: 'volunteer_observation', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason } }, trx);
  });
  return (await presentObservations(ctx, [(await repo.getObservation(ctx.db.kysely, id))!]))[0]!;
}

// Staff of an observation's area may open its photos (the platform lets the uploader open them).
registerAttachmentAccess(OBSERVATION_PURPOSE, async (ctx, actor, attachment) => {
  const owners = await attachmentOwners(ctx.db.kysely, attachment.id, 'volunteer_observation');
  for (const id of owners) {
    const row = await repo.getObservation(ctx.db.kysely, id);
    if (row && canAt(actor, VOLUNTEER_MANAGE, row.org_path)) return true;
  }
  return false;
});
