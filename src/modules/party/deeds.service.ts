import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { maskName, maskPhone, maskSensitiveText } from '../../platform/crypto/mask.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { peopleBriefs, residentFacts } from '../registry/registry.facts.js';
import { pointsAccountCode, pointsBalances } from '../volunteers/points.accounts.js';
import { awardPointsByRule, GOOD_DEED_SOURCE } from '../volunteers/points.service.js';
import { accountsOfPeople } from './organisations.repository.js';
import { addDays, audit, beijingDay } from './party.common.js';
import { DEEDS_VERIFY } from './deeds.policy.js';
import * as repo from './deeds.repository.js';
import type { DeedInput } from './deeds.schema.js';
import type { NameDisplay, StoredWitness } from './deeds.table.js';

/**
 * 好人好事银行 (good-deeds bank). Anyone logged in records a good deed: who did it (themself, a
 * registry person — staff only —, or a name as they know it), what, when, where, witnesses (their
 * phones only encrypted, shown masked to staff) and photos (the platform's files, purpose
 * `party.good_deed`). It belongs to a community, whose staff (`party.deeds.verify`) verify or
 * reject it with a reason; they may link a name to a registry person.
 *
 * Verifying a registry person's deed deposits points in the platform ledger in the same
 * transaction, by the volunteers' points rules kept as data (`points_rule`, source kind
 * `good_deed`: the deepest active rule above the deed's community; 400 `DEED_NO_POINTS_RULE`
 * without one): `awardPointsByRule` with source `good_deed:<deed id>`, which posts once per
 * source — a second verify, also two at the same moment, deposits nothing more. The points are
 * the doer's (`points:person:<id>`) and can be spent in the 爱心超市 like any others. A deed of a
 * name only is verified without points.
 *
 * Verified deeds appear on the public honour roll (`GET /api/v1/public/deeds/honour`): names as
 * the community decides (`good_deed_setting`: always 朱**, or the full name when the doer
 * consented), never a number — the text is passed through the ID/phone masking as well.
 */

addMessages({
  'error.DEED_NOT_FOUND': { 'zh-CN': '好人好事记录不存在或不在您的管辖范围内', en: 'No such good deed in your area' },
  'error.DEED_STALE': { 'zh-CN': '该记录刚被他人处理，请刷新后重试', en: 'Someone else just handled this deed; reload and try again' },
  'error.DEED_ALREADY_DECIDED': { 'zh-CN': '该好人好事已{status}，不能再次处理', en: 'This deed has already been {status}' },
  'error.DEED_SELF_NO_RECORD': { 'zh-CN': '您的账号尚未关联人口信息，请填写做好事人的姓名', en: 'Your account is not linked to a registry record; give the doer’s name instead' },
  'error.DEED_PERSON_NOT_FOUND': { 'zh-CN': '人员不存在或不在您的管辖范围内', en: 'No such person in your area' },
  'error.DEED_NODE_REQUIRED': { 'zh-CN': '请选择好人好事所属的社区', en: 'Choose the community the deed belongs to' },
  'error.DEED_NODE_INVALID': { 'zh-CN': '请选择社区（或社区以下的网格、小区）', en: 'Choose a community (or a grid or building in one)' },
  'error.DEED_DAY_INVALID': { 'zh-CN': '发生日期须在一年之内，且不能晚于今天', en: 'The day must be within the last year and not in the future' },
  'error.DEED_PHOTO_INVALID': { 'zh-CN': '照片须是您本人上传、用途为好人好事的图片', en: 'Photos must be pictures you uploaded for good deeds (purpose party.good_deed)' },
  'error.DEED_RATE_LIMITED': { 'zh-CN': '每小时最多记录 {max} 件好人好事，请 {wait} 分钟后再试', en: 'At most {max} good deeds an hour; try again in {wait} minutes' },
  'error.DEED_NO_POINTS_RULE': {
    'zh-CN': '当前没有适用的“好人好事”积分规则，请先在积分规则中设置后再核实',
    en: 'No points rule for good deeds applies here; set one in the points rules first, then verify',
  },
});

export const DEED_FILE_PURPOSE = 'party.good_deed';
/** Per reporter (the route also limits per address). */
export const RECORD_LIMIT = { max: 10, minutes: 60 };
const STATUS_LABEL = { verified: { 'zh-CN': '核实', en: 'verified' }, rejected: { 'zh-CN': '退回', en: 'rejected' }, pending: { 'zh-CN': '待核实', en: 'pending' } } as const;

// ---------------------------------------------------------------- presenting

async function lookups(ctx: PlatformContext, rows: repo.DeedRow[]) {
  const db = ctx.db.kysely;
  const [people, nodes, photos] = await Promise.all([
    peopleBriefs(db, [...new Set(rows.flatMap((r) => (r.doer_person_id ? [r.doer_person_id] : [])))]),
    repo.nodesByIds(db, rows.map((r) => r.org_node_id)),
    repo.photosOf(db, rows.map((r) => r.id)),
  ]);
  const nameOf = new Map(people.map((p) => [p.personId, p.name]));
  return {
    doerName: (r: repo.DeedRow) => (r.doer_person_id ? (nameOf.get(r.doer_person_id) ?? r.doer_name ?? '') : (r.doer_name ?? '')),
    nodeName: (r: repo.DeedRow) => nodes.get(r.org_node_id)?.name ?? null,
    photos: (r: repo.DeedRow) => photos.get(r.id) ?? [],
  };
}

function baseView(r: repo.DeedRow, look: Awaited<ReturnType<typeof lookups>>) {
  return {
    id: r.id,
    orgNodeId: r.org_node_id,
    orgNodeName: look.nodeName(r),
    doerName: look.doerName(r),
    doerIsRegistryPerson: !!r.doer_person_id,
    title: r.title,
    description: r.description,
    happenedOn: r.happened_on,
    place: r.place,
    photos: look.photos(r),
    nameConsent: r.name_consent === 1,
    status: r.status,
    rejectReason: r.reject_reason,
    points: r.points,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  };
}

async function presentForStaff(ctx: PlatformContext, rows: repo.DeedRow[]) {
  const db = ctx.db.kysely;
  const look = await lookups(ctx, rows);
  const reporters = await repo.userNames(db, rows.map((r) => r.reporter_user_id));
  const holders = [...new Set(rows.flatMap((r) => (r.doer_person_id ? [r.doer_person_id] : [])))].map((personId) => ({ personId }));
  const balances = await pointsBalances(db, holders);
  return rows.map((r) => ({
    ...baseView(r, look),
    doerPersonId: r.doer_person_id,
    witnesses: parseJson<StoredWitness[]>(r.witnesses, []).map((w) => ({ name: w.name, phoneMasked: w.phoneMasked ?? null })),
    reporterName: reporters.get(r.reporter_user_id) ?? '',
    decidedByName: r.decided_by_name,
    awardId: r.award_id,
    doerBalance: r.doer_person_id ? (balances.get(pointsAccountCode({ personId: r.doer_person_id })) ?? 0) : null,
    version: r.version,
  }));
}

// ---------------------------------------------------------------- recording

/** The community a node lies in (the node itself when it is one); null above community level. */
async function communityOf(ctx: PlatformContext, path: string) {
  const ids = path.split('/').filter(Boolean);
  const nodes = await repo.nodesByIds(ctx.db.kysely, ids);
  return ids.map((id) => nodes.get(id)).find((n) => n?.kind === 'community') ?? null;
}

async function checkPhotos(ctx: PlatformContext, actor: Actor, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await repo.attachmentsByIds(ctx.db.kysely, unique);
  if (rows.length !== unique.length || rows.some((a) => a.owner_user_id !== actor.userId || a.purpose !== DEED_FILE_PURPOSE || !a.mime.startsWith('image/'))) {
    throw badRequest('DEED_PHOTO_INVALID');
  }
  return unique;
}

export async function recordDeed(ctx: PlatformContext, actor: Actor, input: DeedInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const today = beijingDay(now);
  if (input.happenedOn > today || input.happenedOn < addDays(today, -366)) throw badRequest('DEED_DAY_INVALID');

  let doerPersonId: string | null = null;
  let doerName: string | null = null;
  let doerPath: string | null = null;
  if (input.doer.kind === 'self') {
    const me = actor.personId ? await residentFacts(db, actor.personId) : undefined;
    if (!me) throw badRequest('DEED_SELF_NO_RECORD');
    doerPersonId = me.personId;
    doerPath = me.orgPath;
  } else if (input.doer.kind === 'person') {
    const p = await residentFacts(db, input.doer.personId);
    if (!p || !canAt(actor, DEEDS_VERIFY, p.orgPath)) throw badRequest('DEED_PERSON_NOT_FOUND');
    doerPersonId = p.personId;
    doerPath = p.orgPath;
  } else {
    doerName = input.doer.name;
  }

  let community: Awaited<ReturnType<typeof communityOf>>;
  if (input.orgNodeId) {
    const node = await repo.getNode(db, input.orgNodeId);
    if (!node || node.ended_at) throw badRequest('DEED_NODE_INVALID');
    community = await communityOf(ctx, node.path);
    if (!community) throw badRequest('DEED_NODE_INVALID');
  } else {
    const reporter = actor.personId ? await residentFacts(db, actor.personId) : undefined;
    const path = doerPath ?? reporter?.orgPath ?? null;
    community = path ? await communityOf(ctx, path) : null;
    if (!community) throw badRequest('DEED_NODE_REQUIRED');
  }
  const photos = await checkPhotos(ctx, actor, input.photoIds);
  const witnesses: StoredWitness[] = input.witnesses.map((w) => (w.phone ? { name: w.name, phoneEnc: ctx.pii.encrypt(w.phone), phoneMasked: maskPhone(w.phone)! } : { name: w.name }));
  const at = now.toISOString();
  const row: repo.DeedRow = {
    id: newId(),
    org_node_id: community.id,
    org_path: community.path,
    doer_person_id: doerPersonId,
    doer_name: doerName,
    title: input.title,
    description: input.description,
    happened_on: input.happenedOn,
    place: input.place ?? null,
    witnesses: JSON.stringify(witnesses),
    photo_count: photos.length,
    name_consent: input.nameConsent ? 1 : 0,
    status: 'pending',
    reporter_user_id: actor.userId,
    reporter_person_id: actor.personId,
    decided_by: null,
    decided_by_name: null,
    decided_at: null,
    reject_reason: null,
    award_id: null,
    points: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    const recent = await repo.recordedSince(trx, actor.userId, new Date(now.getTime() - RECORD_LIMIT.minutes * 60_000).toISOString());
    if (recent.n >= RECORD_LIMIT.max) {
      const wait = Math.max(1, Math.ceil((Date.parse(recent.oldest!) + RECORD_LIMIT.minutes * 60_000 - now.getTime()) / 60_000));
      throw new AppError(429, 'DEED_RATE_LIMITED', { max: RECORD_LIMIT.max, wait }, { retryAfterSeconds: wait * 60 });
    }
    await repo.insertDeed(trx, row);
    await useAttachments(trx, 'good_deed', row.id, photos);
    await appendAudit(
      ctx.db,
      audit(actor, meta, { action: 'party.deed.record', targetType: 'good_deed', targetId: row.id, orgNodeId: community!.id, details: { doer: input.doer.kind, title: row.title, witnesses: witnesses.length, photos: photos.length } }),
      trx,
    );
  });
  return (await mine(ctx, actor, [row]))[0]!;
}

async function mine(ctx: PlatformContext, actor: Actor, rows: repo.DeedRow[]) {
  const look = await lookups(ctx, rows);
  return rows.map((r) => ({ ...baseView(r, look), recordedByMe: r.reporter_user_id === actor.userId, doneByMe: !!actor.personId && r.doer_person_id === actor.personId }));
}

/** 我的好人好事: what I recorded and what was recorded of me. */
export async function myDeeds(ctx: PlatformContext, actor: Actor) {
  const rows = await repo.deedsOf(ctx.db.kysely, actor.userId, actor.personId);
  const holder = actor.personId ? { personId: actor.personId } : null;
  const balance = holder ? ((await pointsBalances(ctx.db.kysely, [holder])).get(pointsAccountCode(holder)) ?? 0) : null;
  const me = actor.personId ? await residentFacts(ctx.db.kysely, actor.personId) : undefined;
  const community = me ? await communityOf(ctx, me.orgPath) : null;
  return { items: await mine(ctx, actor, rows), balance, community: community ? { id: community.id, name: community.name } : null };
}

// ---------------------------------------------------------------- staff

export async function listDeeds(ctx: PlatformContext, actor: Actor, q: { status: string; page: number; pageSize: number }, meta: RequestMeta) {
  const paths = scopePaths(actor, DEEDS_VERIFY);
  if (paths.length === 0) throw forbidden();
  const db = ctx.db.kysely;
  const [rows, total] = await Promise.all([repo.listDeeds(db, paths, q.status, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), repo.countDeeds(db, paths, q.status)]);
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.deed.list', targetType: 'good_deed', details: { status: q.status, shown: rows.length, total } }));
  return { items: await presentForStaff(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

async function deedFor(ctx: PlatformContext, actor: Actor, id: string) {
  const d = await repo.getDeed(ctx.db.kysely, id);
  if (!d || !canAt(actor, DEEDS_VERIFY, d.org_path)) throw notFound('DEED_NOT_FOUND');
  return d;
}

export async function getDeed(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const d = await deedFor(ctx, actor, id);
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.deed.read', targetType: 'good_deed', targetId: d.id, orgNodeId: d.org_node_id }));
  return (await presentForStaff(ctx, [d]))[0]!;
}

/**
 * 核实: pending → verified, and for a registry person the points by the rule, in one
 * transaction. Verifying a verified deed answers it as it is (nothing more is deposited).
 */
export async function verifyDeed(ctx: PlatformContext, actor: Actor, id: string, input: { doerPersonId?: string; nameConsent?: boolean }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const d = await deedFor(ctx, actor, id);
  if (d.status === 'verified') return (await presentForStaff(ctx, [d]))[0]!;
  if (d.status === 'rejected') throw conflict('DEED_ALREADY_DECIDED', { status: STATUS_LABEL.rejected['zh-CN'] }, { status: 'rejected' });
  let doerPersonId = d.doer_person_id;
  if (input.doerPersonId) {
    const p = await residentFacts(db, input.doerPersonId);
    if (!p || !canAt(actor, DEEDS_VERIFY, p.orgPath)) throw badRequest('DEED_PERSON_NOT_FOUND');
    doerPersonId = p.personId;
  }
  const now = ctx.now();
  const at = now.toISOString();
  const outcome = await db.transaction().execute(async (trx) => {
    const set: Partial<repo.DeedRow> = { status: 'verified', decided_by: actor.userId, decided_by_name: actor.displayName, decided_at: at, updated_at: at, doer_person_id: doerPersonId };
    if (input.nameConsent !== undefined) set.name_consent = input.nameConsent ? 1 : 0;
    if (!(await repo.updateDeedIf(trx, d.id, { status: 'pending' }, set))) return 'raced' as const;
    let award: Awaited<ReturnType<typeof awardPointsByRule>> = null;
    if (doerPersonId) {
      award = await awardPointsByRule(trx, {
        kind: 'good_deed',
        holder: { personId: doerPersonId },
        orgPath: d.org_path,
        quantity: 1,
        source: { type: GOOD_DEED_SOURCE, id: d.id },
        memo: `好人好事（${d.happened_on}）：${d.title}`,
        createdBy: actor.userId,
        at: now,
      });
      if (!award) throw badRequest('DEED_NO_POINTS_RULE');
      await repo.setAward(trx, d.id, award.awardId, award.points);
    }
    const doerAccounts = doerPersonId ? ((await accountsOfPeople(trx, [doerPersonId])).get(doerPersonId) ?? []) : [];
    const told = [...new Set([...doerAccounts, d.reporter_user_id])];
    await notify(trx, {
      recipients: told,
      kind: 'party.deed.verified',
      title: `好人好事已核实：${d.title}`,
      body: award && award.points > 0 ? `社区已核实，存入积分 ${award.points} 分，可在爱心超市兑换。` : '社区已核实，将在光荣榜上展示。',
      link: '/m/deeds',
      at: now,
    });
    await appendAudit(
      ctx.db,
      audit(actor, meta, {
        action: 'party.deed.verify',
        targetType: 'good_deed',
        targetId: d.id,
        orgNodeId: d.org_node_id,
        details: { doerLinked: input.doerPersonId ? true : undefined, points: award?.points ?? null, award: award?.awardId ?? null, rule: award?.ruleId ?? null, holder: doerPersonId ? pointsAccountCode({ personId: doerPersonId }) : null },
      }),
      trx,
    );
    return 'verified' as const;
  });
  const now2 = (await repo.getDeed(db, d.id))!;
  if (outcome === 'raced' && now2.status !== 'verified') throw conflict('DEED_ALREADY_DECIDED', { status: STATUS_LABEL[now2.status]['zh-CN'] }, { status: now2.status });
  return (await presentForStaff(ctx, [now2]))[0]!;
}

export async function rejectDeed(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string; expectedVersion: number }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const d = await deedFor(ctx, actor, id);
  if (d.status !== 'pending') throw conflict('DEED_ALREADY_DECIDED', { status: STATUS_LABEL[d.status]['zh-CN'] }, { status: d.status });
  const now = ctx.now();
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const ok = await repo.updateDeedIf(trx, d.id, { status: 'pending', version: input.expectedVersion }, { status: 'rejected', reject_reason: input.reason, decided_by: actor.userId, decided_by_name: actor.displayName, decided_at: at, updated_at: at });
    if (!ok) throw conflict('DEED_STALE');
    await notify(trx, { recipients: [d.reporter_user_id], kind: 'party.deed.rejected', title: `好人好事未通过核实：${d.title}`, body: `原因：${input.reason}`, link: '/m/deeds', at: now });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.deed.reject', targetType: 'good_deed', targetId: d.id, orgNodeId: d.org_node_id, details: { reason: input.reason } }), trx);
  });
  return (await presentForStaff(ctx, [(await repo.getDeed(db, d.id))!]))[0]!;
}

// ---------------------------------------------------------------- honour roll and settings

/** The name display in force for a path: the deepest setting at or above it; `consent` by default. */
function displayFor(settings: repo.SettingRow[], path: string): { mode: NameDisplay; from: repo.SettingRow | null } {
  const above = settings.filter((s) => path.startsWith(s.org_path)).sort((a, b) => b.org_path.length - a.org_path.length);
  return { mode: above[0]?.name_display ?? 'consent', from: above[0] ?? null };
}

/**
 * 光荣榜 (public): verified deeds under a node. The doer shown as the community decides, the
 * text with any ID or mobile number masked; nothing else about anyone.
 */
export async function honourRoll(ctx: PlatformContext, q: { orgNodeId: string; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const node = await repo.getNode(db, q.orgNodeId);
  if (!node || node.ended_at || !['city', 'district', 'street', 'community'].includes(node.kind)) throw notFound('NOT_FOUND');
  const [rows, stats] = await Promise.all([repo.verifiedUnder(db, node.path, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), repo.verifiedStats(db, node.path)]);
  const [look, settings] = await Promise.all([lookups(ctx, rows), repo.settingsFor(db, rows.map((r) => r.org_path))]);
  return {
    orgNodeName: node.name,
    items: rows.map((r) => {
      const full = look.doerName(r);
      const shown = displayFor(settings, r.org_path).mode === 'consent' && r.name_consent === 1 ? full : (maskName(full) ?? '');
      return {
        id: r.id,
        doerLabel: shown,
        title: maskSensitiveText(r.title),
        description: maskSensitiveText(r.description),
        happenedOn: r.happened_on,
        place: r.place ? maskSensitiveText(r.place) : null,
        communityName: look.nodeName(r),
        points: r.points,
      };
    }),
    total: stats.deeds,
    page: q.page,
    pageSize: q.pageSize,
    stats,
  };
}

async function settingNode(ctx: PlatformContext, actor: Actor, orgNodeId: string) {
  const node = await repo.getNode(ctx.db.kysely, orgNodeId);
  if (!node || node.ended_at || !canAt(actor, DEEDS_VERIFY, node.path)) throw notFound('NOT_FOUND');
  if (!['city', 'district', 'street', 'community'].includes(node.kind)) throw badRequest('DEED_NODE_INVALID');
  return node;
}

export async function getSetting(ctx: PlatformContext, actor: Actor, q: { orgNodeId: string }) {
  const node = await settingNode(ctx, actor, q.orgNodeId);
  const { mode, from } = displayFor(await repo.settingsAbove(ctx.db.kysely, node.path), node.path);
  const inherited = from && from.org_node_id !== node.id ? ((await repo.getNode(ctx.db.kysely, from.org_node_id))?.name ?? null) : null;
  return { orgNodeId: node.id, orgNodeName: node.name, nameDisplay: mode, inheritedFrom: inherited };
}

export async function setSetting(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; nameDisplay: NameDisplay }, meta: RequestMeta) {
  const node = await settingNode(ctx, actor, input.orgNodeId);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.upsertSetting(trx, { org_node_id: node.id, org_path: node.path, name_display: input.nameDisplay, updated_by: actor.userId, updated_at: ctx.now().toISOString() });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.deed.setting', targetType: 'org_node', targetId: node.id, orgNodeId: node.id, details: { nameDisplay: input.nameDisplay } }), trx);
  });
  return getSetting(ctx, actor, { orgNodeId: node.id });
}

// Staff who verify deeds of the area open their photos (the reporter, as owner, always may).
registerAttachmentAccess(DEED_FILE_PURPOSE, async (ctx, actor, attachment) => {
  const deeds = await repo.deedsUsingAttachment(ctx.db.kysely, attachment.id);
  return deeds.some((d) => canAt(actor, DEEDS_VERIFY, d.org_path));
});
