import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { maskName, maskSensitiveText } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson, toBool } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { residentFacts } from '../registry/registry.facts.js';
import { ensureFundAccounts, fundAidCode, fundAssetCode, fundBalances, fundCashCode, fundDonationsCode, fundInKindCode } from './fund.accounts.js';
import { FUND_DECIDE, FUND_MANAGE } from './fund.policy.js';
import * as repo from './fund.repository.js';
import type { ApplicationInput, DecisionInput, DisbursementInput, DonationInput } from './fund.schema.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * 互助基金: a community's mutual-aid fund with public books. Donations (cash, transfer, goods at
 * an agreed value) and disbursements are journals of the platform ledger in fen (fund.accounts.ts):
 * balanced by construction, refused when they would overdraw the fund, never edited — a mistake
 * is reversed by a mirror journal and the row marked `reversed`. Residents apply for help; the
 * committee (community staff, the party secretary) approves with two approvals by two different
 * people agreeing on the amount, or one rejection with its reason; staff then pay out, in one or
 * more disbursements up to the approved amount. The public page lists every journal with the
 * running balance and monthly statements: anonymous donors as 爱心人士, applicants as 朱** with
 * the category of help, never a reason, a number or a full name.
 */

export const ATTACHMENT_PURPOSE = 'volunteers.fund-application';
export const DONATION_SOURCE = 'fund_donation';
export const DISBURSEMENT_SOURCE = 'fund_disbursement';
/** Approvals needed (by different people) before money can be paid out. */
export const APPROVALS_NEEDED = 2;
const COMMITTEE_LINK = '/console/volunteers/points';
const RESIDENT_LINK = '/m/fund/apply';

addMessages({
  'error.FUND_NOT_FOUND': { 'zh-CN': '互助基金不存在或不在您的管辖范围内', en: 'No such mutual-aid fund in your area' },
  'error.FUND_NONE_HERE': { 'zh-CN': '您所在的社区尚未设立互助基金', en: 'Your community has no mutual-aid fund yet' },
  'error.FUND_EXISTS': { 'zh-CN': '该社区已设立互助基金', en: 'This community already has a fund' },
  'error.FUND_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的社区', en: 'Choose a community inside your area' },
  'error.FUND_DAY_INVALID': { 'zh-CN': '日期不能晚于今天', en: 'The day cannot be in the future' },
  'error.FUND_ENTRY_NOT_FOUND': { 'zh-CN': '记录不存在或不在您的管辖范围内', en: 'No such entry in your area' },
  'error.FUND_ALREADY_REVERSED': { 'zh-CN': '该记录已冲正', en: 'This entry has already been reversed' },
  'error.FUND_INSUFFICIENT': { 'zh-CN': '基金余额不足：{account}可用 {balance} 分，本次需要 {needed} 分', en: 'The fund does not hold enough: {account} has {balance} fen, this needs {needed}' },
  'error.FUND_PERSON_REQUIRED': { 'zh-CN': '您的账号未关联社区居民信息，请到社区办理', en: 'Your account is not linked to a resident record; please apply at the community office' },
  'error.FUND_PERSON_OUTSIDE': { 'zh-CN': '该居民不在本基金所属社区', en: 'This resident does not live in the fund\'s community' },
  'error.FUND_APPLICATION_OPEN': { 'zh-CN': '您已有一份申请正在办理（{number}）', en: 'You already have an application in progress ({number})' },
  'error.FUND_ATTACHMENT_INVALID': { 'zh-CN': '证明材料不存在或不是您上传的', en: 'A document does not exist or was not uploaded by you' },
  'error.FUND_APPLICATION_NOT_FOUND': { 'zh-CN': '申请不存在或不在您的管辖范围内', en: 'No such application in your area' },
  'error.FUND_APPLICATION_STALE': { 'zh-CN': '该申请刚被他人处理，请刷新后重试', en: 'Someone else just acted on this application; reload and try again' },
  'error.FUND_NOT_PENDING': { 'zh-CN': '该申请已不在审批中', en: 'This application is no longer awaiting a decision' },
  'error.FUND_OWN_APPLICATION': { 'zh-CN': '不能审批本人的申请', en: 'You cannot decide on your own application' },
  'error.FUND_ALREADY_DECIDED': { 'zh-CN': '您已审批过该申请，须由另一位委员审批', en: 'You have already decided; another committee member must' },
  'error.FUND_AMOUNT_OVER_ASKED': { 'zh-CN': '批准金额不能超过申请金额', en: 'The amount approved cannot exceed the amount asked' },
  'error.FUND_AMOUNT_MISMATCH': { 'zh-CN': '批准金额与第一位审批人不一致（{amount} 分），请协商后再审批', en: 'The amount differs from the first approval ({amount} fen); agree on it first' },
  'error.FUND_OVER_APPROVED': { 'zh-CN': '该申请未获批准，或本次支出超过批准金额（尚可支出 {left} 分）', en: 'The application is not approved, or this exceeds the approved amount ({left} fen left)' },
  'error.FUND_CANNOT_WITHDRAW': { 'zh-CN': '已批准或已结束的申请不能撤回', en: 'An approved or closed application cannot be withdrawn' },
});

const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const beijingMonthOf = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);
const KIND_LABEL = { cash: '现金', transfer: '转账', in_kind: '物资' } as const;

function mapInsufficient(e: unknown, labels: Record<string, string>): unknown {
  if (e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT_BALANCE') {
    const account = String(e.params.account);
    return conflict('FUND_INSUFFICIENT', { account: labels[account] ?? account, balance: Number(e.params.balance), needed: Number(e.params.needed) });
  }
  return e;
}

const accountLabels = (nodeId: string) => ({ [fundCashCode(nodeId)]: '资金', [fundInKindCode(nodeId)]: '物资' });

// ---------------------------------------------------------------- funds

async function presentFunds(ctx: PlatformContext, rows: repo.FundRow[]) {
  const db = ctx.db.kysely;
  const nodes = new Map((await volunteersRepo.getNodesByIds(db, rows.map((r) => r.org_node_id))).map((n) => [n.id, n.name]));
  const out = [];
  for (const f of rows) {
    out.push({ id: f.id, orgNodeId: f.org_node_id, orgNodeName: nodes.get(f.org_node_id) ?? null, name: f.name, description: f.description, balances: await fundBalances(db, f.org_node_id), publicPath: `/m/fund/${f.org_node_id}`, createdAt: f.created_at });
  }
  return out;
}

async function loadFund(ctx: PlatformContext, actor: Actor, id: string, permissions: string[]) {
  const f = await repo.getFund(ctx.db.kysely, id);
  if (!f || !permissions.some((p) => canAt(actor, p, f.org_path))) throw notFound('FUND_NOT_FOUND');
  return f;
}

export async function listFunds(ctx: PlatformContext, actor: Actor) {
  const paths = [...scopePaths(actor, FUND_MANAGE), ...scopePaths(actor, FUND_DECIDE)];
  if (paths.length === 0) throw forbidden();
  const rows = await repo.listFunds(ctx.db.kysely, paths);
  return { items: await presentFunds(ctx, [...new Map(rows.map((r) => [r.id, r])).values()]) };
}

/** 设立互助基金: one per community, with its four ledger accounts. */
export async function createFund(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; name: string; description: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await volunteersRepo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || node.kind !== 'community' || !canAt(actor, FUND_MANAGE, node.path)) throw badRequest('FUND_NODE_INVALID');
  if (await repo.fundOfNode(db, node.id)) throw conflict('FUND_EXISTS');
  const now = ctx.now();
  const row: repo.FundRow = { id: newId(), org_node_id: node.id, org_path: node.path, name: input.name, description: input.description, created_by: actor.userId, version: 1, created_at: now.toISOString(), updated_at: now.toISOString() };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertFund(trx, row);
      await ensureFundAccounts(trx, node.id, now);
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.create', targetType: 'fund', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { name: row.name } }, trx);
    });
  } catch (e) {
    if (volunteersRepo.isUniqueViolation(e)) throw conflict('FUND_EXISTS');
    throw e;
  }
  return (await presentFunds(ctx, [row]))[0]!;
}

// ---------------------------------------------------------------- donations

function presentDonation(d: repo.DonationRow) {
  return {
    id: d.id,
    fundId: d.fund_id,
    receiptNumber: d.receipt_number,
    kind: d.kind,
    amountFen: Number(d.amount_fen),
    goods: d.goods,
    donorType: d.donor_type,
    donorName: d.donor_name,
    anonymous: toBool(d.anonymous),
    receivedOn: d.received_on,
    note: d.note,
    status: d.status,
    reversedReason: d.reversed_reason,
    journalId: d.journal_id,
    reversalJournalId: d.reversal_journal_id,
    recordedByName: d.recorded_by_name,
    createdAt: d.created_at,
  };
}

/** 登记捐赠: the row, its receipt number and the journal (debit cash or goods, credit donations) in one transaction. */
export async function recordDonation(ctx: PlatformContext, actor: Actor, fundId: string, input: DonationInput, meta: RequestMeta) {
  const f = await loadFund(ctx, actor, fundId, [FUND_MANAGE]);
  const now = ctx.now();
  if (input.receivedOn > beijingDay(now)) throw badRequest('FUND_DAY_INVALID');
  const id = newId();
  const year = input.receivedOn.slice(0, 4);
  const db = ctx.db.kysely;
  await db.transaction().execute(async (trx) => {
    const receipt = `JK${year}-${String(await volunteersRepo.nextNumber(trx, `fund-receipt:${year}`)).padStart(5, '0')}`;
    await ensureFundAccounts(trx, f.org_node_id, now);
    const who = input.anonymous ? '爱心人士' : input.donorName;
    const journal = await ledger.post(trx, {
      memo: `${f.name} 收到捐赠（${KIND_LABEL[input.kind]}${input.goods ? `：${input.goods}` : ''}）：${who}，收据 ${receipt}`,
      source: { type: DONATION_SOURCE, id },
      lines: [
        { accountCode: fundAssetCode(f.org_node_id, input.kind), amount: input.amountFen, unit: 'fen' },
        { accountCode: fundDonationsCode(f.org_node_id), amount: -input.amountFen, unit: 'fen' },
      ],
      createdBy: actor.userId,
      at: now,
    });
    await repo.insertDonation(trx, {
      id,
      fund_id: f.id,
      org_path: f.org_path,
      receipt_number: receipt,
      kind: input.kind,
      amount_fen: input.amountFen,
      goods: input.kind === 'in_kind' ? input.goods : null,
      donor_type: input.donorType,
      donor_name: input.donorName,
      anonymous: input.anonymous ? 1 : 0,
      received_on: input.receivedOn,
      note: input.note,
      journal_id: journal.id,
      status: 'recorded',
      reversal_journal_id: null,
      reversed_reason: null,
      recorded_by: actor.userId,
      recorded_by_name: actor.displayName,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.donation', targetType: 'fund_donation', targetId: id, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { receipt, kind: input.kind, amountFen: input.amountFen, anonymous: input.anonymous, journal: journal.id } }, trx);
  });
  return presentDonation((await repo.getDonation(db, id))!);
}

export async function listDonations(ctx: PlatformContext, actor: Actor, fundId: string) {
  const f = await loadFund(ctx, actor, fundId, [FUND_MANAGE, FUND_DECIDE]);
  return { items: (await repo.donationsOf(ctx.db.kysely, f.id)).map(presentDonation) };
}

/** 冲正: a mistaken donation is reversed by the mirror journal (refused when its money has already been paid out). */
export async function reverseDonation(ctx: PlatformContext, actor: Actor, id: string, reason: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const d = await repo.getDonation(db, id);
  if (!d || !canAt(actor, FUND_MANAGE, d.org_path)) throw notFound('FUND_ENTRY_NOT_FOUND');
  const f = (await repo.getFund(db, d.fund_id))!;
  const now = ctx.now();
  await db.transaction().execute(async (trx) => {
    if ((await repo.markDonationReversed(trx, id, { reason, at: now.toISOString() })) !== 1) throw conflict('FUND_ALREADY_REVERSED');
    let journalId: string;
    try {
      journalId = (await ledger.reverse(trx, d.journal_id, `捐赠收据 ${d.receipt_number}：${reason}`, { createdBy: actor.userId, at: now })).id;
    } catch (e) {
      throw mapInsufficient(e, accountLabels(f.org_node_id));
    }
    await repo.setDonationReversal(trx, id, journalId);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.donation.reverse', targetType: 'fund_donation', targetId: id, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { receipt: d.receipt_number, amountFen: Number(d.amount_fen), reason, reversal: journalId } }, trx);
  });
  return presentDonation((await repo.getDonation(db, id))!);
}

// ---------------------------------------------------------------- applications

function presentDecision(d: repo.DecisionRow) {
  return { decision: d.decision, amountFen: d.amount_fen === null ? null : Number(d.amount_fen), comment: d.comment, decidedByName: d.decided_by_name, at: d.at };
}

function presentDisbursement(d: repo.DisbursementRow) {
  return {
    id: d.id,
    applicationId: d.application_id,
    voucherNumber: d.voucher_number,
    method: d.method,
    amountFen: Number(d.amount_fen),
    paidOn: d.paid_on,
    note: d.note,
    status: d.status,
    reversedReason: d.reversed_reason,
    journalId: d.journal_id,
    reversalJournalId: d.reversal_journal_id,
    recordedByName: d.recorded_by_name,
    createdAt: d.created_at,
  };
}

async function presentApplications(ctx: PlatformContext, rows: repo.ApplicationRow[]) {
  const db = ctx.db.kysely;
  const ids = rows.map((r) => r.id);
  const [decisions, disbursements] = await Promise.all([repo.decisionsOf(db, ids), repo.disbursementsOf(db, ids)]);
  return rows.map((a) => ({
    id: a.id,
    fundId: a.fund_id,
    number: a.number,
    category: a.category,
    amountAskedFen: Number(a.amount_asked_fen),
    approvedFen: Number(a.approved_fen),
    disbursedFen: Number(a.disbursed_fen),
    status: a.status,
    decisions: decisions.filter((d) => d.application_id === a.id).map(presentDecision),
    disbursements: disbursements.filter((d) => d.application_id === a.id).map(presentDisbursement),
    version: a.version,
    createdAt: a.created_at,
    applicantName: a.applicant_name,
    personId: a.person_id,
    onBehalf: a.filed_by !== a.user_id,
  }));
}

async function checkAttachments(ctx: PlatformContext, actor: Actor, ids: readonly string[]) {
  const found = await repo.getAttachments(ctx.db.kysely, ids);
  if (found.length !== new Set(ids).size || found.some((a) => a.purpose !== ATTACHMENT_PURPOSE || a.owner_user_id !== actor.userId)) throw badRequest('FUND_ATTACHMENT_INVALID');
}

async function insertApplication(ctx: PlatformContext, actor: Actor, f: repo.FundRow, person: { personId: string; name: string; userId: string | null }, input: ApplicationInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const open = await repo.openApplicationOf(db, f.id, person.personId);
  if (open) throw conflict('FUND_APPLICATION_OPEN', { number: open.number });
  await checkAttachments(ctx, actor, input.attachmentIds);
  const now = ctx.now();
  const id = newId();
  const year = beijingDay(now).slice(0, 4);
  await db.transaction().execute(async (trx) => {
    const number = `HZ${year}-${String(await volunteersRepo.nextNumber(trx, `fund-application:${year}`)).padStart(4, '0')}`;
    await repo.insertApplication(trx, {
      id,
      fund_id: f.id,
      org_path: f.org_path,
      number,
      person_id: person.personId,
      user_id: person.userId,
      filed_by: actor.userId,
      applicant_name: person.name,
      category: input.category,
      reason_enc: ctx.pii.encrypt(input.reason),
      amount_asked_fen: input.amountFen,
      approved_fen: 0,
      disbursed_fen: 0,
      attachments: JSON.stringify(input.attachmentIds),
      status: 'submitted',
      version: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    if (input.attachmentIds.length) await useAttachments(trx, 'fund_application', id, input.attachmentIds);
    const committee = await volunteersRepo.staffAbove(trx, f.org_path);
    await notify(trx, { recipients: committee.filter((u) => u !== actor.userId), kind: 'volunteers.fund.application', title: `互助基金新申请 ${number}（${input.category}）`, body: `申请金额 ${(input.amountFen / 100).toFixed(2)} 元，待两位委员审批。`, link: COMMITTEE_LINK, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.apply', targetType: 'fund_application', targetId: id, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { number, category: input.category, amountFen: input.amountFen, onBehalf: person.userId !== actor.userId, files: input.attachmentIds.length } }, trx);
  });
  return id;
}

/** The fund of the caller's community, and their applications to it. */
export async function myFund(ctx: PlatformContext, actor: Actor) {
  const db = ctx.db.kysely;
  const facts = actor.personId ? await residentFacts(db, actor.personId) : undefined;
  const f = facts ? await repo.fundOfNodes(db, facts.chain.map((n) => n.id)) : undefined;
  return {
    fund: f ? { id: f.id, name: f.name, orgNodeId: f.org_node_id, description: f.description, publicPath: `/m/fund/${f.org_node_id}` } : null,
    canApply: !!(facts && f),
    applications: (await myApplications(ctx, actor)).items,
  };
}

/** 申请救助: a resident with a registry record applies to their community's fund. */
export async function submitApplication(ctx: PlatformContext, actor: Actor, input: ApplicationInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  if (!actor.personId) throw forbidden('FUND_PERSON_REQUIRED');
  const facts = await residentFacts(db, actor.personId);
  if (!facts) throw forbidden('FUND_PERSON_REQUIRED');
  const f = await repo.fundOfNodes(db, facts.chain.map((n) => n.id));
  if (!f) throw notFound('FUND_NONE_HERE');
  const id = await insertApplication(ctx, actor, f, { personId: facts.personId, name: facts.name, userId: actor.userId }, input, meta);
  return (await myApplications(ctx, actor)).items.find((a) => a.id === id)!;
}

/** 代申请: staff file for a resident of the fund's community (their account, if any, follows it). */
export async function fileOnBehalf(ctx: PlatformContext, actor: Actor, fundId: string, input: ApplicationInput & { personId: string }, meta: RequestMeta) {
  const f = await loadFund(ctx, actor, fundId, [FUND_MANAGE]);
  const db = ctx.db.kysely;
  const facts = await residentFacts(db, input.personId);
  if (!facts || !facts.orgPath.startsWith(f.org_path)) throw badRequest('FUND_PERSON_OUTSIDE');
  const account = await volunteersRepo.accountOfPerson(db, facts.personId);
  const id = await insertApplication(ctx, actor, f, { personId: facts.personId, name: facts.name, userId: account?.id ?? null }, input, meta);
  return (await presentApplications(ctx, [(await repo.getApplication(db, id))!]))[0]!;
}

export async function myApplications(ctx: PlatformContext, actor: Actor) {
  if (!actor.personId) return { items: [] };
  const db = ctx.db.kysely;
  const rows = await repo.applicationsOfPerson(db, actor.personId);
  const funds = new Map<string, string>();
  for (const r of rows) if (!funds.has(r.fund_id)) funds.set(r.fund_id, (await repo.getFund(db, r.fund_id))?.name ?? '');
  const shown = await presentApplications(ctx, rows);
  return {
    items: shown.map(({ applicantName: _n, personId: _p, onBehalf: _o, ...a }, k) => ({ ...a, reason: ctx.pii.decrypt(rows[k]!.reason_enc), fundName: funds.get(a.fundId) ?? '' })),
  };
}

export async function withdrawMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const a = await repo.getApplication(db, id);
  if (!a || !actor.personId || a.person_id !== actor.personId) throw notFound('FUND_APPLICATION_NOT_FOUND');
  if (!['submitted', 'approving'].includes(a.status)) throw conflict('FUND_CANNOT_WITHDRAW');
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateApplicationIf(trx, id, a.version, { status: 'withdrawn', updated_at: ctx.now().toISOString() })) !== 1) throw conflict('FUND_APPLICATION_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.withdraw', targetType: 'fund_application', targetId: id, ip: meta.ip, requestId: meta.requestId, details: { number: a.number } }, trx);
  });
  return (await myApplications(ctx, actor)).items.find((x) => x.id === id)!;
}

/** The committee's list of a fund's applications: names of people in hardship, so the read is audited. */
export async function listApplications(ctx: PlatformContext, actor: Actor, fundId: string, q: { status?: repo.ApplicationRow['status'] }, meta: RequestMeta) {
  const f = await loadFund(ctx, actor, fundId, [FUND_DECIDE, FUND_MANAGE]);
  const rows = await repo.listApplications(ctx.db.kysely, { fundId: f.id, status: q.status });
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.applications.read', targetType: 'fund', targetId: f.id, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { status: q.status ?? null, shown: rows.length } });
  return { items: await presentApplications(ctx, rows) };
}

async function loadApplication(ctx: PlatformContext, actor: Actor, id: string, permissions: string[]) {
  const a = await repo.getApplication(ctx.db.kysely, id);
  if (!a || !permissions.some((p) => canAt(actor, p, a.org_path))) throw notFound('FUND_APPLICATION_NOT_FOUND');
  return a;
}

/** One application with the reason, the documents and the applicant's masked contact details (audited). */
export async function getApplication(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const a = await loadApplication(ctx, actor, id, [FUND_DECIDE, FUND_MANAGE]);
  const db = ctx.db.kysely;
  const [view] = await presentApplications(ctx, [a]);
  const facts = await residentFacts(db, a.person_id);
  const files = await repo.getAttachments(db, parseJson<string[]>(a.attachments, []));
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.application.read', targetType: 'fund_application', targetId: a.id, ip: meta.ip, requestId: meta.requestId, details: { number: a.number } });
  return {
    ...view!,
    reason: ctx.pii.decrypt(a.reason_enc),
    attachments: files.map((x) => ({ id: x.id, name: x.original_name, mime: x.mime })),
    applicant: { name: facts?.name ?? a.applicant_name, idMasked: facts?.idMasked ?? null, phoneMasked: facts?.phoneMasked ?? null, address: facts?.address ?? null },
  };
}

/**
 * 审批: a committee member approves (with the amount) or rejects (with the reason). Approved
 * after two approvals by two different people on the same amount; one rejection ends it. Nobody
 * decides on their own application. Versioned: of two decisions at once, the second is refused
 * (409) and must look again.
 */
export async function decide(ctx: PlatformContext, actor: Actor, id: string, input: DecisionInput, meta: RequestMeta) {
  const a = await loadApplication(ctx, actor, id, [FUND_DECIDE]);
  const db = ctx.db.kysely;
  if (actor.personId && actor.personId === a.person_id) throw forbidden('FUND_OWN_APPLICATION');
  if (!['submitted', 'approving'].includes(a.status)) throw conflict('FUND_NOT_PENDING');
  const previous = await repo.decisionsOf(db, [a.id]);
  if (previous.some((d) => d.decided_by === actor.userId)) throw conflict('FUND_ALREADY_DECIDED');
  const approvals = previous.filter((d) => d.decision === 'approve');
  let patch: Partial<repo.ApplicationRow>;
  if (input.decision === 'reject') patch = { status: 'rejected' };
  else {
    const amount = input.amountFen!;
    if (amount > Number(a.amount_asked_fen)) throw badRequest('FUND_AMOUNT_OVER_ASKED');
    if (approvals.length && Number(approvals[0]!.amount_fen) !== amount) throw conflict('FUND_AMOUNT_MISMATCH', { amount: Number(approvals[0]!.amount_fen) });
    patch = approvals.length + 1 >= APPROVALS_NEEDED ? { status: 'approved', approved_fen: amount } : { status: 'approving' };
  }
  const now = ctx.now();
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateApplicationIf(trx, a.id, input.expectedVersion, { ...patch, updated_at: now.toISOString() })) !== 1) throw conflict('FUND_APPLICATION_STALE');
    await repo.insertDecision(trx, { id: newId(), application_id: a.id, decision: input.decision, amount_fen: input.decision === 'approve' ? input.amountFen! : null, comment: input.comment, decided_by: actor.userId, decided_by_name: actor.displayName, at: now.toISOString() });
    if (a.user_id && (patch.status === 'approved' || patch.status === 'rejected')) {
      await notify(trx, {
        recipients: [a.user_id],
        kind: 'volunteers.fund.decided',
        title: patch.status === 'approved' ? `互助基金申请 ${a.number} 已批准` : `互助基金申请 ${a.number} 未获批准`,
        body: patch.status === 'approved' ? `批准金额 ${(Number(patch.approved_fen) / 100).toFixed(2)} 元，社区将尽快发放。` : input.comment,
        link: RESIDENT_LINK,
        at: now,
      });
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.decide', targetType: 'fund_application', targetId: a.id, ip: meta.ip, requestId: meta.requestId, details: { number: a.number, decision: input.decision, amountFen: input.amountFen ?? null, status: patch.status } }, trx);
  });
  return getApplication(ctx, actor, id, meta);
}

// ---------------------------------------------------------------- disbursements

/** 发放: pays (part of) an approved amount out of the fund's money or goods; refused beyond the approval or the fund's balance. */
export async function disburse(ctx: PlatformContext, actor: Actor, id: string, input: DisbursementInput, meta: RequestMeta) {
  const a = await loadApplication(ctx, actor, id, [FUND_MANAGE]);
  const db = ctx.db.kysely;
  const f = (await repo.getFund(db, a.fund_id))!;
  const now = ctx.now();
  if (input.paidOn > beijingDay(now)) throw badRequest('FUND_DAY_INVALID');
  const year = input.paidOn.slice(0, 4);
  const disbursementId = newId();
  await db.transaction().execute(async (trx) => {
    if ((await repo.addDisbursed(trx, a.id, input.amountFen, now.toISOString())) !== 1) {
      const fresh = (await repo.getApplication(trx, a.id))!;
      throw conflict('FUND_OVER_APPROVED', { left: fresh.status === 'approved' ? Number(fresh.approved_fen) - Number(fresh.disbursed_fen) : 0 });
    }
    const voucher = `ZC${year}-${String(await volunteersRepo.nextNumber(trx, `fund-voucher:${year}`)).padStart(4, '0')}`;
    await ensureFundAccounts(trx, f.org_node_id, now);
    let journalId: string;
    try {
      journalId = (
        await ledger.post(trx, {
          memo: `${f.name} 救助支出（${KIND_LABEL[input.method]}）：申请 ${a.number}，凭证 ${voucher}`,
          source: { type: DISBURSEMENT_SOURCE, id: disbursementId },
          lines: [
            { accountCode: fundAidCode(f.org_node_id), amount: input.amountFen, unit: 'fen' },
            { accountCode: fundAssetCode(f.org_node_id, input.method), amount: -input.amountFen, unit: 'fen' },
          ],
          createdBy: actor.userId,
          at: now,
        })
      ).id;
    } catch (e) {
      throw mapInsufficient(e, accountLabels(f.org_node_id));
    }
    await repo.insertDisbursement(trx, {
      id: disbursementId,
      fund_id: f.id,
      application_id: a.id,
      org_path: a.org_path,
      voucher_number: voucher,
      method: input.method,
      amount_fen: input.amountFen,
      paid_on: input.paidOn,
      note: input.note,
      journal_id: journalId,
      status: 'recorded',
      reversal_journal_id: null,
      reversed_reason: null,
      recorded_by: actor.userId,
      recorded_by_name: actor.displayName,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    if (a.user_id) await notify(trx, { recipients: [a.user_id], kind: 'volunteers.fund.disbursed', title: `互助基金救助已发放：${(input.amountFen / 100).toFixed(2)} 元`, body: `申请 ${a.number}，凭证 ${voucher}（${KIND_LABEL[input.method]}）。`, link: RESIDENT_LINK, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.disburse', targetType: 'fund_disbursement', targetId: disbursementId, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { application: a.number, voucher, method: input.method, amountFen: input.amountFen, journal: journalId } }, trx);
  });
  return presentDisbursement((await repo.getDisbursement(db, disbursementId))!);
}

/** 冲正: a mistaken disbursement goes back into the fund by the mirror journal; the amount is owed again. */
export async function reverseDisbursement(ctx: PlatformContext, actor: Actor, id: string, reason: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const d = await repo.getDisbursement(db, id);
  if (!d || !canAt(actor, FUND_MANAGE, d.org_path)) throw notFound('FUND_ENTRY_NOT_FOUND');
  const f = (await repo.getFund(db, d.fund_id))!;
  const now = ctx.now();
  await db.transaction().execute(async (trx) => {
    if ((await repo.markDisbursementReversed(trx, id, { reason, at: now.toISOString() })) !== 1) throw conflict('FUND_ALREADY_REVERSED');
    const r = await ledger.reverse(trx, d.journal_id, `支出凭证 ${d.voucher_number}：${reason}`, { createdBy: actor.userId, at: now });
    await repo.setDisbursementReversal(trx, id, r.id);
    await repo.subtractDisbursed(trx, d.application_id, Number(d.amount_fen), now.toISOString());
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.fund.disbursement.reverse', targetType: 'fund_disbursement', targetId: id, orgNodeId: f.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { voucher: d.voucher_number, amountFen: Number(d.amount_fen), reason, reversal: r.id } }, trx);
  });
  return presentDisbursement((await repo.getDisbursement(db, id))!);
}

export async function listDisbursements(ctx: PlatformContext, actor: Actor, fundId: string) {
  const f = await loadFund(ctx, actor, fundId, [FUND_MANAGE, FUND_DECIDE]);
  return { items: (await repo.disbursementsOfFund(ctx.db.kysely, f.id)).map(presentDisbursement) };
}

// ---------------------------------------------------------------- the public books

/**
 * The public page of a community's fund (no login): the balances, every journal that moved its
 * money or goods with the running balance, and monthly statements (Beijing months). Labels come
 * from the rows the journals name as their source: donors by name unless anonymous (爱心人士),
 * applicants as 朱** with the category of help; reversals as 冲正 of the entry they undo. Numbers
 * typed into a donor's name are masked; reasons and notes are never shown.
 */
export async function publicFund(ctx: PlatformContext, orgNodeId: string, db: Executor = ctx.db.kysely) {
  const f = await repo.fundOfNode(db, orgNodeId);
  if (!f) throw notFound('FUND_NOT_FOUND');
  const node = await volunteersRepo.getNode(db, f.org_node_id);
  const assets = await repo.ledgerAccounts(db, [fundCashCode(f.org_node_id), fundInKindCode(f.org_node_id)]);
  const inKindId = assets.find((x) => x.code === fundInKindCode(f.org_node_id))?.id;
  const rows = await repo.journalsOfAccounts(db, assets.map((x) => x.id));
  // One line per journal: its net change of cash + goods.
  const journals: { id: string; at: string; sourceType: string | null; sourceId: string | null; reversesId: string | null; amount: number; inKind: boolean }[] = [];
  for (const r of rows) {
    const last = journals[journals.length - 1];
    if (last && last.id === r.journal_id) {
      last.amount += Number(r.amount);
      last.inKind ||= r.account_id === inKindId;
    } else journals.push({ id: r.journal_id, at: r.at, sourceType: r.source_type, sourceId: r.source_id, reversesId: r.reverses_id, amount: Number(r.amount), inKind: r.account_id === inKindId });
  }
  const donations = new Map((await repo.donationsByIds(db, journals.filter((j) => j.sourceType === DONATION_SOURCE).map((j) => j.sourceId!))).map((d) => [d.id, d]));
  const disbursements = new Map((await repo.disbursementsByIds(db, journals.filter((j) => j.sourceType === DISBURSEMENT_SOURCE).map((j) => j.sourceId!))).map((d) => [d.id, d]));
  const applications = new Map((await repo.applicationsByIds(db, [...disbursements.values()].map((d) => d.application_id))).map((a) => [a.id, a]));
  const bookDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
  const describe = (j: (typeof journals)[number]): { label: string; detail: string | null; day: string } => {
    if (j.sourceType === DONATION_SOURCE) {
      const d = donations.get(j.sourceId!);
      if (!d) return { label: '捐赠', detail: null, day: bookDay(j.at) };
      return { label: toBool(d.anonymous) ? '爱心人士' : maskSensitiveText(d.donor_name), detail: d.kind === 'in_kind' ? `物资：${maskSensitiveText(d.goods ?? '')}` : KIND_LABEL[d.kind], day: d.received_on };
    }
    if (j.sourceType === DISBURSEMENT_SOURCE) {
      const d = disbursements.get(j.sourceId!);
      const a = d ? applications.get(d.application_id) : undefined;
      if (!d || !a) return { label: '救助支出', detail: null, day: bookDay(j.at) };
      return { label: `${maskName(a.applicant_name)}（${a.category}）`, detail: `救助支出 · ${KIND_LABEL[d.method]}`, day: d.paid_on };
    }
    return { label: '其他', detail: null, day: bookDay(j.at) };
  };
  let balance = 0;
  const entries = journals.map((j) => {
    balance += j.amount;
    const { label, detail, day } = describe(j);
    const kind: 'donation' | 'disbursement' | 'reversal' = j.reversesId ? 'reversal' : j.sourceType === DISBURSEMENT_SOURCE ? 'disbursement' : 'donation';
    return { journalId: j.id, at: j.at, day: kind === 'reversal' ? bookDay(j.at) : day, kind, label: kind === 'reversal' ? `冲正：${label}` : label, detail: kind === 'reversal' ? '更正错误记录' : detail, amountFen: j.amount, inKind: j.inKind, balanceFen: balance };
  });
  const months: { month: string; openingFen: number; inFen: number; outFen: number; closingFen: number; entries: number }[] = [];
  let running = 0;
  for (const e of entries) {
    const month = beijingMonthOf(e.at);
    let m = months[months.length - 1];
    if (!m || m.month !== month) {
      m = { month, openingFen: running, inFen: 0, outFen: 0, closingFen: running, entries: 0 };
      months.push(m);
    }
    if (e.amountFen > 0) m.inFen += e.amountFen;
    else m.outFen += -e.amountFen;
    running += e.amountFen;
    m.closingFen = running;
    m.entries++;
  }
  return {
    name: f.name,
    orgNodeId: f.org_node_id,
    orgNodeName: node?.name ?? null,
    description: f.description,
    balances: await fundBalances(db, f.org_node_id),
    entries: entries.reverse(),
    months: months.reverse(),
  };
}

// Documents of an application: the applicant (owner) and the committee of its fund's community.
registerAttachmentAccess(ATTACHMENT_PURPOSE, async (ctx, actor, attachment) => {
  for (const id of await attachmentOwners(ctx.db.kysely, attachment.id, 'fund_application')) {
    const a = await repo.getApplication(ctx.db.kysely, id);
    if (a && (canAt(actor, FUND_DECIDE, a.org_path) || canAt(actor, FUND_MANAGE, a.org_path))) return true;
  }
  return false;
});
