import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { getNodesByIds } from '../../platform/org/org.repository.js';
import type { Database } from '../../platform/db/schema.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { workingHoursBetween } from '../../platform/calendar/working-time.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { registerAttachmentAccess } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor, Grant } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { ROLE_LABELS, type Role } from '../../platform/policy/roles.js';
import { availableTransitions, getHistory, getInstance, startWorkflow, transition, type TransitionResult, type WorkflowInstance } from '../../platform/workflow/workflow.service.js';
import type { TransitionSpec } from '../../platform/workflow/workflow.definition.js';
import { recordPersonAccess } from '../registry/access-log.js';
import { residentFacts } from '../registry/registry.facts.js';
import { displayValue, validateForm, type StoredValue } from './applications.form.js';
import * as repo from './applications.repository.js';
import type { ApplicationChannel, ApplicationRating, ApplicationState } from './applications.table.js';
import { getPublishedContent, getVersionContent, mobilePath, uploadMaterialsOf } from './matters.service.js';
import type { FormField, MatterContent, PrefillSource } from './matters.schema.js';
import { beijing, dueAfterWorkingDays, warnAtFor } from './services.deadlines.job.js';
import { APPLICANT_STEPS, serviceApplicationWorkflow, type ApplicationTransition } from './services.workflow.js';
import './services.policy.js';

export const APP_APPLY_OWN = 'services.application.apply-own';
export const APP_READ = 'services.application.read';
export const APP_HANDLE = 'services.application.handle';
export const APP_ON_BEHALF = 'services.application.on-behalf';
export const APP_STATS = 'services.statistics.read';

const SUBJECT = 'service_application';
const PURPOSE = 'service.application';
/** Files a handler attaches to 办结 (a certificate, a decision letter). */
const RESULT_MATERIAL = 'result';
const TERMINAL = new Set<string>(serviceApplicationWorkflow.terminal);
export const RATINGS: ApplicationRating[] = ['满意', '基本满意', '不满意'];

addMessages({
  'error.SERVICE_APPLICATION_NOT_FOUND': { 'zh-CN': '申请不存在或无权查看', en: 'No such application, or you may not see it' },
  'error.SERVICE_MATTER_NOT_ONLINE': { 'zh-CN': '事项“{name}”不能网上申请，请到窗口办理', en: '"{name}" cannot be applied for online; please go to the window' },
  'error.SERVICE_NO_PERSON_RECORD': {
    'zh-CN': '您的账号尚未关联居民档案，请联系社区工作人员核实身份后再申请',
    en: 'Your account is not linked to a resident record yet; ask your community staff to verify you first',
  },
  'error.SERVICE_APPLICANT_NOT_FOUND': { 'zh-CN': '未找到该居民，或其档案已注销', en: 'No such resident, or their record has ended' },
  'error.SERVICE_APPLICANT_NO_COMMUNITY': { 'zh-CN': '该居民档案未落到社区或网格，无法确定受理社区', en: 'The resident’s record is not placed in a community, so no community can take the application' },
  'error.SERVICE_ON_BEHALF_FORBIDDEN': { 'zh-CN': '只能为您负责区域内的居民代办', en: 'You can only apply on behalf of residents of the area you work for' },
  'error.SERVICE_APPLICATION_DUPLICATE': {
    'zh-CN': '该事项已有一件办理中的申请（{code}），请勿重复申请',
    en: 'There is already an open application for this matter ({code})',
  },
  'error.SERVICE_MATERIAL_REQUIRED': { 'zh-CN': '请上传“{name}”', en: 'Please upload "{name}"' },
  'error.SERVICE_MATERIAL_UNKNOWN': { 'zh-CN': '本事项没有材料“{code}”', en: 'This matter has no material "{code}"' },
  'error.SERVICE_FILE_INVALID': {
    'zh-CN': '附件不存在、不是您上传的、不是办事材料（purpose=service.application），或已用于其他申请',
    en: 'A file does not exist, was not uploaded by you, was not uploaded as an application material (purpose=service.application), or belongs to another application',
  },
  'error.SERVICE_MISSING_NOT_ADDED': { 'zh-CN': '请补充“{name}”后再提交', en: 'Add "{name}" before resubmitting' },
  'error.SERVICE_NOT_APPLICANT': { 'zh-CN': '只有申请人本人（或为其代办的工作人员）可以执行“{transition}”', en: 'Only the applicant (or the staff who applied for them) can take step "{transition}"' },
  'error.SERVICE_RATING_REQUIRED': { 'zh-CN': '请选择评价：满意、基本满意或不满意', en: 'Choose a rating: 满意, 基本满意 or 不满意' },
  'error.SERVICE_ASSIGNEE_INVALID': { 'zh-CN': '只能分派给该申请所属区域有办理权限的工作人员', en: 'Assign only to staff who handle applications of this area' },
  'error.SERVICE_PAPER_NOT_ALLOWED': { 'zh-CN': '只有代办时工作人员可以登记纸质材料', en: 'Only staff applying on someone’s behalf record paper materials' },
});

// ---------------------------------------------------------------- labels

function specOf(name: string): TransitionSpec | undefined {
  return serviceApplicationWorkflow.transitions.find((t) => t.name === name) as TransitionSpec | undefined;
}

export function stateLabel(state: string) {
  return (serviceApplicationWorkflow.states as Record<string, { label?: { 'zh-CN': string; en: string } }>)[state]?.label ?? { 'zh-CN': state, en: state };
}

function stepLabel(name: string) {
  if (name === 'start') return { 'zh-CN': '提交申请', en: 'Submitted' };
  return specOf(name)?.label ?? { 'zh-CN': name, en: name };
}

/** The local (Beijing) date as YYYYMMDD: numbers count per Chinese day. */
function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

// ---------------------------------------------------------------- the applicant, from the registry

export interface Applicant {
  personId: string;
  name: string;
  gender: string | null;
  birthDate: string | null;
  idMasked: string | null;
  idEnc: string | null;
  phoneMasked: string | null;
  phoneEnc: string | null;
  address: string | null;
  ethnicity: string | null;
  maritalStatus: string | null;
  hukouAddress: string | null;
  householdNumber: string | null;
  personPath: string;
  /** The grid (or community) that takes the application. */
  node: { id: string; path: string; name: string };
  communityName: string | null;
  /** The resident's own account, if they have one (they follow the application there). */
  userId: string | null;
}

/** Everything the form prefills, from the one record (一次录入): never retyped. */
export async function loadApplicant(ctx: PlatformContext, personId: string): Promise<Applicant> {
  const db = ctx.db.kysely;
  const facts = await residentFacts(db, personId);
  if (!facts) throw notFound('SERVICE_APPLICANT_NOT_FOUND');
  const owner = facts.chain.filter((n) => n.kind === 'grid').pop() ?? facts.chain.filter((n) => n.kind === 'community').pop();
  if (!owner) throw badRequest('SERVICE_APPLICANT_NO_COMMUNITY');
  const community = facts.chain.filter((n) => n.kind === 'community').pop();
  const user = await repo.userOfPerson(db, facts.personId);
  const { orgPath, chain: _chain, ...known } = facts;
  return {
    ...known,
    personPath: orgPath,
    node: { id: owner.id, path: owner.path, name: owner.name },
    communityName: community?.name ?? null,
    userId: user?.id ?? null,
  };
}

function prefillValue(a: Applicant, source: PrefillSource): string | null {
  switch (source) {
    case 'name':
      return a.name;
    case 'gender':
      return a.gender;
    case 'birthDate':
      return a.birthDate;
    case 'idNumber':
      return a.idMasked;
    case 'phone':
      return a.phoneMasked;
    case 'address':
      return a.address;
    case 'ethnicity':
      return a.ethnicity;
    case 'maritalStatus':
      return a.maritalStatus;
    case 'hukouAddress':
      return a.hukouAddress;
    case 'householdNumber':
      return a.householdNumber;
  }
}

async function openMatter(ctx: PlatformContext, code: string) {
  const found = await getPublishedContent(ctx, code);
  if (!found) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  if (found.content.mode === 'offline' || !found.content.form) throw badRequest('SERVICE_MATTER_NOT_ONLINE', { name: found.content.name });
  return found;
}

function requireOnBehalf(actor: Actor, applicant: Applicant) {
  if (!canAt(actor, APP_ON_BEHALF, applicant.node.path)) throw forbidden('SERVICE_ON_BEHALF_FORBIDDEN');
}

/**
 * The form as the applicant sees it: prefilled fields carry the registry's values (masked
 * numbers) and are read-only; the materials to upload with their examples. A staff member
 * preparing a 代办 reads a resident's record: that read is audited and shown to the resident.
 */
export async function prefill(ctx: PlatformContext, actor: Actor, input: { matter: string; personId?: string }, meta: RequestMeta) {
  const { row, content } = await openMatter(ctx, input.matter);
  const forOther = !!input.personId && input.personId !== actor.personId;
  if (!forOther && !actor.personId) throw badRequest('SERVICE_NO_PERSON_RECORD');
  const applicant = await loadApplicant(ctx, forOther ? input.personId! : actor.personId!);
  if (forOther) requireOnBehalf(actor, applicant);
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: forOther ? 'services.application.prefill-other' : 'services.application.prefill',
        targetType: 'person',
        targetId: applicant.personId,
        orgNodeId: applicant.node.id,
        purpose: forOther ? `代办服务申请：${content.name}` : null,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { matter: row.code },
      },
      trx,
    );
    if (forOther) await recordPersonAccess(trx, actor, [applicant.personId], { kind: 'view', purpose: `代办服务申请：${content.name}`, at });
  });
  const open = await repo.findOpen(ctx.db.kysely, row.id, applicant.personId);
  const uploads = uploadMaterialsOf(content);
  return {
    matter: { id: row.id, code: row.code, name: content.name, version: Number(row.published_version) },
    applicant: {
      personId: applicant.personId,
      name: applicant.name,
      gender: applicant.gender,
      birthDate: applicant.birthDate,
      idNumber: applicant.idMasked,
      phone: applicant.phoneMasked,
      address: applicant.address,
      communityName: applicant.communityName,
    },
    fields: content.form!.fields.map((f) => ({ ...f, readOnly: !!f.prefill, ...(f.prefill ? { value: prefillValue(applicant, f.prefill) } : {}) })),
    materials: content.materials
      .filter((m) => uploads.includes(m.code))
      .map((m) => ({ code: m.code, name: m.name, required: m.required, formLabel: m.form, copies: m.copies, example: m.example ?? null, note: m.note ?? null })),
    openApplication: open ? { id: open.id, code: open.code, state: open.state } : null,
  };
}

// ---------------------------------------------------------------- submitting

export interface MaterialFileInput {
  materialCode: string;
  attachmentId: string;
}

export interface SubmitInput {
  matterCode: string;
  form: Record<string, unknown>;
  files: MaterialFileInput[];
}

export interface OnBehalfInput extends SubmitInput {
  personId: string;
  reason: string;
  paperMaterials: string[];
}

/** Files the actor uploaded, not yet part of any application, each as a material of the matter. */
async function checkFiles(ctx: PlatformContext, actor: Actor, files: MaterialFileInput[], allowed: Set<string>): Promise<MaterialFileInput[]> {
  const unique = [...new Map(files.map((f) => [f.attachmentId, f])).values()];
  for (const f of unique) if (!allowed.has(f.materialCode)) throw badRequest('SERVICE_MATERIAL_UNKNOWN', { code: f.materialCode });
  if (unique.length === 0) return [];
  const ids = unique.map((f) => f.attachmentId);
  const [rows, linked] = await Promise.all([repo.getAttachments(ctx.db.kysely, ids), repo.linkedAttachments(ctx.db.kysely, ids)]);
  if (rows.length !== ids.length || rows.some((r) => r.owner_user_id !== actor.userId || r.purpose !== PURPOSE) || linked.length) throw badRequest('SERVICE_FILE_INVALID');
  return unique;
}

function materialName(content: MatterContent, code: string) {
  return content.materials.find((m) => m.code === code)?.name ?? code;
}

/** 网上申请 by the resident themselves. */
export function submitOwn(ctx: PlatformContext, actor: Actor, input: SubmitInput, meta: RequestMeta) {
  if (!actor.personId) throw badRequest('SERVICE_NO_PERSON_RECORD');
  if (!hasPermission(actor, APP_APPLY_OWN)) throw forbidden();
  return submit(ctx, actor, actor.personId, 'online', input, { paper: [] }, meta);
}

/** 代办: staff apply for a resident of their area, recorded with who and why. */
export function submitOnBehalf(ctx: PlatformContext, actor: Actor, input: OnBehalfInput, meta: RequestMeta) {
  return submit(ctx, actor, input.personId, 'on_behalf', input, { paper: input.paperMaterials, reason: input.reason }, meta);
}

async function submit(
  ctx: PlatformContext,
  actor: Actor,
  personId: string,
  channel: ApplicationChannel,
  input: SubmitInput,
  extra: { paper: string[]; reason?: string },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const { row: matter, content } = await openMatter(ctx, input.matterCode);
  const applicant = await loadApplicant(ctx, personId);
  if (channel === 'on_behalf') requireOnBehalf(actor, applicant);
  const formValues = validateForm(content.form!.fields, input.form, ctx.pii);
  const uploads = new Set(uploadMaterialsOf(content));
  const files = await checkFiles(ctx, actor, input.files, uploads);
  const known = new Set(content.materials.map((m) => m.code));
  for (const code of extra.paper) if (!known.has(code)) throw badRequest('SERVICE_MATERIAL_UNKNOWN', { code });
  // Every required material: uploaded, or (代办) received on paper.
  for (const m of content.materials) {
    if (!m.required || !uploads.has(m.code)) continue;
    if (!files.some((f) => f.materialCode === m.code) && !extra.paper.includes(m.code)) throw badRequest('SERVICE_MATERIAL_REQUIRED', { name: m.name }, { material: m.code });
  }
  const existing = await repo.findOpen(db, matter.id, applicant.personId);
  if (existing) throw conflict('SERVICE_APPLICATION_DUPLICATE', { code: existing.code });

  const now = ctx.now();
  const at = now.toISOString();
  const id = newId(now.getTime());
  const calendar = await getWorkCalendar(ctx);
  const acceptDue = dueAfterWorkingDays(calendar, now, content.acceptDays);
  const acceptHours = Math.max(workingHoursBetween(calendar, now, acceptDue), 0.05);

  const created = await db
    .transaction()
    .execute(async (trx) => {
      const code = `BJ${chinaDay(now)}-${String(await repo.nextCodeSeq(trx, chinaDay(now))).padStart(4, '0')}`;
      const instance = await startWorkflow(ctx, trx, {
        definition: serviceApplicationWorkflow,
        subjectType: SUBJECT,
        subjectId: id,
        orgNodeId: applicant.node.id,
        actor,
        data: { code, channel, matter: matter.code },
        dueInWorkingHours: acceptHours,
        meta,
      });
      // The limit runs out at the end of the working day exactly, not a rounding later.
      const dueAt = acceptDue.toISOString();
      if (instance.dueAt !== dueAt) await repo.setInstanceDue(trx, instance.id, dueAt);
      const row: repo.ApplicationRow = {
        id,
        code,
        matter_id: matter.id,
        matter_code: matter.code,
        matter_version: Number(matter.published_version),
        matter_name: content.name,
        group_code: matter.group_code,
        state: 'submitted',
        workflow_instance_id: instance.id,
        org_node_id: applicant.node.id,
        org_path: applicant.node.path,
        channel,
        applicant_user_id: channel === 'online' ? actor.userId : applicant.userId,
        applicant_person_id: applicant.personId,
        applicant_name: applicant.name,
        applicant_id_enc: applicant.idEnc,
        applicant_id_masked: applicant.idMasked,
        applicant_phone_enc: applicant.phoneEnc,
        applicant_phone_masked: applicant.phoneMasked,
        applicant_address: applicant.address,
        agent_user_id: channel === 'on_behalf' ? actor.userId : null,
        agent_name: channel === 'on_behalf' ? actor.displayName : null,
        agent_reason: extra.reason ?? null,
        form_data: JSON.stringify(formValues),
        paper_materials: JSON.stringify([...new Set(extra.paper)]),
        missing_materials: '[]',
        returned_from: null,
        assignee_user_id: null,
        submitted_at: at,
        accepted_at: null,
        approved_at: null,
        completed_at: null,
        closed_at: null,
        last_returned_at: null,
        resubmitted_at: null,
        return_count: 0,
        refusal_reason: null,
        result: null,
        stage_started_at: at,
        due_at: dueAt,
        warn_at: warnAtFor(calendar, now, acceptDue).toISOString(),
        warned_at: null,
        overdue_at: null,
        promise_due_at: null,
        completed_on_time: null,
        rating: null,
        rating_comment: null,
        rated_at: null,
        version: instance.version,
        created_at: at,
        updated_at: at,
      };
      await repo.insertApplication(trx, row);
      await repo.linkMaterials(
        trx,
        files.map((f) => ({ application_id: id, attachment_id: f.attachmentId, material_code: f.materialCode, step: 'submit', created_by: actor.userId, created_at: at })),
      );
      await appendAudit(
        ctx.db,
        {
          actorId: actor.userId,
          actorName: actor.username,
          action: channel === 'on_behalf' ? 'services.application.submit-on-behalf' : 'services.application.submit',
          targetType: SUBJECT,
          targetId: id,
          orgNodeId: applicant.node.id,
          purpose: channel === 'on_behalf' ? `代办：${extra.reason}` : null,
          ip: meta.ip,
          requestId: meta.requestId,
          details: { code, matter: matter.code, version: row.matter_version, files: files.length, paper: extra.paper.length, person: applicant.personId },
        },
        trx,
      );
      if (channel === 'on_behalf') await recordPersonAccess(trx, actor, [applicant.personId], { kind: 'view', purpose: `代办服务申请 ${code}：${content.name}`, at });
      const handlers = (await repo.grantHoldersAbove(trx, applicant.node.path, ['community_staff'])).map((g) => g.user_id).filter((u) => u !== actor.userId);
      await notify(trx, {
        recipients: handlers,
        kind: 'services.application.submitted',
        title: `新的服务申请 ${code}`,
        body: `${applicant.name}申请“${content.name}”${channel === 'on_behalf' ? `（${actor.displayName}代办）` : ''}，请于${beijing(dueAt)}前受理。`,
        link: `/console/service-applications/${id}`,
        at: now,
      });
      const residents = [row.applicant_user_id].filter((u): u is string => !!u && u !== actor.userId);
      const told = channel === 'online' ? [actor.userId] : residents;
      await notify(trx, {
        recipients: told,
        kind: 'services.application.received',
        title: `您的申请已提交：${content.name}`,
        body: `申请编号 ${code}${channel === 'on_behalf' ? `，由${actor.displayName}为您代办` : ''}。社区将于${beijing(dueAt)}前受理，请留意办理进度。`,
        link: `/m/services/applications/${id}`,
        at: now,
      });
      return row;
    })
    .catch(async (e: unknown) => {
      // Two submissions of one matter for one person at once: the partial unique index lets one in.
      const open = await repo.findOpen(db, matter.id, applicant.personId);
      if (open) throw conflict('SERVICE_APPLICATION_DUPLICATE', { code: open.code });
      throw e;
    });
  return { id: created.id, code: created.code, state: created.state, dueAt: created.due_at, receipt: buildReceipt(created, content, files.map((f) => f.materialCode)) };
}

// ---------------------------------------------------------------- the receipt (回执)

function buildReceipt(row: repo.ApplicationRow, content: MatterContent, fileCodes: string[]) {
  const paper = parseJson<string[]>(row.paper_materials, []);
  const uploads = uploadMaterialsOf(content);
  return {
    title: `${content.name} 申请回执`,
    code: row.code,
    matterCode: row.matter_code,
    matterName: row.matter_name,
    applicantName: row.applicant_name,
    applicantIdNumber: row.applicant_id_masked,
    onBehalf: row.channel === 'on_behalf' ? { agentName: row.agent_name, reason: row.agent_reason } : null,
    submittedAt: row.submitted_at,
    acceptDueAt: row.state === 'submitted' ? row.due_at : null,
    timeLimitDays: content.timeLimitDays,
    materials: content.materials
      .filter((m) => uploads.includes(m.code) || paper.includes(m.code))
      .map((m) => ({ code: m.code, name: m.name, files: fileCodes.filter((c) => c === m.code).length, onPaper: paper.includes(m.code) })),
    department: content.department,
    place: [content.place.address, content.place.window].filter(Boolean).join(' '),
    phone: content.place.phone ?? null,
    progressPath: `/m/services/applications/${row.id}`,
    progressQrPath: `/api/v1/qr?path=${encodeURIComponent(`/m/services/applications/${row.id}`)}`,
    notes: [
      `请牢记申请编号 ${row.code}，可在“邻里”手机页面“我的办事”中查看办理进度。`,
      content.timeLimitDays === 0 ? '本事项为即办件，受理后当日办结。' : `本事项承诺自受理之日起 ${content.timeLimitDays} 个工作日内办结，补正材料的时间不计入办理时限。`,
      '材料不齐的，社区将一次性告知需补正的全部内容。',
    ],
  };
}

/** The receipt with the number of files received per material. */
export async function getReceipt(ctx: PlatformContext, actor: Actor, id: string, view: 'staff' | 'applicant') {
  const row = await readable(ctx, actor, id, view);
  const content = await contentFor(ctx, row);
  const files = await repo.listMaterials(ctx.db.kysely, row.id);
  return buildReceipt(row, content, files.map((f) => f.material_code));
}

async function contentFor(ctx: PlatformContext, row: Pick<repo.ApplicationRow, 'matter_id' | 'matter_version'>): Promise<MatterContent> {
  const content = await getVersionContent(ctx, row.matter_id, Number(row.matter_version));
  // A stored application's version always exists (versions are never deleted).
  if (!content) throw new Error(`matter version ${row.matter_id}/${row.matter_version} missing`);
  return content;
}

// ---------------------------------------------------------------- the steps

export interface StepInput {
  comment?: string;
  missingMaterials?: string[];
  files?: MaterialFileInput[];
  form?: Record<string, unknown>;
  paperMaterials?: string[];
  rating?: ApplicationRating;
  expectedVersion?: number;
}

function actingRole(actor: Actor, roles: readonly Role[], path: string): Role | null {
  for (const role of roles) if (actor.grants.some((g) => g.role === role && path.startsWith(g.orgPath))) return role;
  return null;
}

const isApplicantUser = (actor: Actor, row: repo.ApplicationRow) => !!row.applicant_user_id && row.applicant_user_id === actor.userId;

/** Staff who applied for the resident, or who may apply on behalf in its area, act for an on-behalf application. */
const actsForApplicant = (actor: Actor, row: repo.ApplicationRow) =>
  row.channel === 'on_behalf' && (row.agent_user_id === actor.userId || canAt(actor, APP_ON_BEHALF, row.org_path) || canAt(actor, APP_HANDLE, row.org_path));

/**
 * The applicant's standing on their own application: a resident lives in one grid but the
 * application belongs to where their record is, so on their own application they act as a
 * resident there (only for the applicant's steps).
 */
function asApplicant(actor: Actor, row: repo.ApplicationRow): Actor {
  if (!isApplicantUser(actor, row)) return actor;
  const grant: Grant = { role: 'resident', orgNodeId: row.org_node_id, orgPath: row.org_path, departmentCode: null };
  return { ...actor, grants: [...actor.grants, grant] };
}

/** The rules a role cannot express; throws the module's own refusal. */
function checkRules(actor: Actor, row: repo.ApplicationRow, name: string) {
  if (APPLICANT_STEPS.has(name) && !isApplicantUser(actor, row) && !actsForApplicant(actor, row)) {
    throw forbidden('SERVICE_NOT_APPLICANT', { transition: stepLabel(name)['zh-CN'] });
  }
}

/**
 * Takes one step on an application. The workflow engine checks the state (409), the role on
 * the application's subtree (403) and the version; this adds the module's rules (only the
 * applicant, or staff acting for them, resubmits, withdraws and rates), the step's own input
 * (what is missing, the added files, the rating), and, in the step's transaction, mirrors
 * state, clock and facts on the row, links the files and tells the people concerned.
 */
export async function takeStep(ctx: PlatformContext, actorIn: Actor, id: string, requested: ApplicationTransition | 'resubmit', input: StepInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getApplication(db, id);
  if (!row || !row.workflow_instance_id) throw notFound('SERVICE_APPLICATION_NOT_FOUND');
  const applicantActor = APPLICANT_STEPS.has(requested) ? asApplicant(actorIn, row) : actorIn;
  // Someone who can neither read nor act on it is told it does not exist.
  if (!isApplicantUser(actorIn, row) && !canAt(actorIn, APP_READ, row.org_path) && !actsForApplicant(actorIn, row)) throw notFound('SERVICE_APPLICATION_NOT_FOUND');
  // 补正后提交 goes back to where the return came from.
  const name: ApplicationTransition = requested === 'resubmit' && row.returned_from === 'accepted' ? 'resubmit_review' : requested;
  const actor = applicantActor;
  const spec = specOf(name)!;
  const engineAccepts =
    (input.expectedVersion === undefined || input.expectedVersion === Number(row.version)) && spec.from.includes(row.state) && actingRole(actor, spec.roles, row.org_path) !== null;

  const now = ctx.now();
  const at = now.toISOString();
  const calendar = await getWorkCalendar(ctx);
  const content = await contentFor(ctx, row);
  const data: Record<string, unknown> = {};
  let files: MaterialFileInput[] = [];
  let formPatch: Record<string, StoredValue> | undefined;
  let dueInWorkingHours: number | undefined;
  let exactDue: string | undefined;
  let missing: string[] | undefined;
  let paper: string[] | undefined;

  if (engineAccepts) {
    checkRules(actorIn, row, name);
    const known = new Set(content.materials.map((m) => m.code));
    if (name === 'return') {
      missing = [...new Set(input.missingMaterials ?? [])];
      for (const code of missing) if (!known.has(code)) throw badRequest('SERVICE_MATERIAL_UNKNOWN', { code });
      if (missing.length) data.missingMaterials = missing;
    }
    if (name === 'resubmit' || name === 'resubmit_review') {
      const uploads = new Set([...uploadMaterialsOf(content), ...content.materials.map((m) => m.code)]);
      files = await checkFiles(ctx, actorIn, input.files ?? [], uploads);
      paper = [...new Set(input.paperMaterials ?? [])];
      if (paper.length && row.channel !== 'on_behalf') throw badRequest('SERVICE_PAPER_NOT_ALLOWED');
      for (const code of paper) if (!known.has(code)) throw badRequest('SERVICE_MATERIAL_UNKNOWN', { code });
      for (const code of parseJson<string[]>(row.missing_materials, [])) {
        if (!files.some((f) => f.materialCode === code) && !paper.includes(code)) throw badRequest('SERVICE_MISSING_NOT_ADDED', { name: materialName(content, code) }, { material: code });
      }
      if (input.form && Object.keys(input.form).length) formPatch = validateForm(content.form?.fields ?? [], input.form, ctx.pii, { partial: true });
      if (name === 'resubmit') {
        const due = dueAfterWorkingDays(calendar, now, content.acceptDays);
        exactDue = due.toISOString();
        dueInWorkingHours = Math.max(workingHoursBetween(calendar, now, due), 0.05);
      }
    }
    if (name === 'complete') {
      files = await checkFiles(ctx, actorIn, (input.files ?? []).map((f) => ({ ...f, materialCode: RESULT_MATERIAL })), new Set([RESULT_MATERIAL]));
    }
    if (name === 'accept') {
      const due = dueAfterWorkingDays(calendar, now, content.timeLimitDays);
      exactDue = due.toISOString();
      dueInWorkingHours = Math.max(workingHoursBetween(calendar, now, due), 0.05);
    }
    if (name === 'rate') {
      if (!input.rating || !RATINGS.includes(input.rating)) throw badRequest('SERVICE_RATING_REQUIRED');
      data.rating = input.rating;
    }
    if (files.length) data.files = files.length;
    if (paper?.length) data.paperMaterials = paper;
  }

  let updated: repo.ApplicationRow = row;
  const apply = async (trx: Transaction<Database>, result: TransitionResult) => {
    const to = result.instance.state as ApplicationState;
    if (exactDue && result.instance.dueAt !== exactDue) {
      await repo.setInstanceDue(trx, result.instance.id, exactDue);
      result.instance.dueAt = exactDue;
    }
    const patch: Partial<repo.ApplicationRow> = { state: to, version: result.instance.version, updated_at: at };
    const keepsClock = spec.deadline === 'keep';
    if (to === 'returned' || result.instance.dueAt === null) {
      Object.assign(patch, { stage_started_at: at, due_at: null, warn_at: null });
    } else if (!keepsClock) {
      const due = new Date(result.instance.dueAt);
      Object.assign(patch, {
        stage_started_at: at,
        due_at: result.instance.dueAt,
        warn_at: due > now ? warnAtFor(calendar, now, due).toISOString() : result.instance.dueAt,
        warned_at: null,
        overdue_at: null,
      });
    }
    switch (name) {
      case 'accept':
        patch.accepted_at = at;
        patch.promise_due_at = result.instance.dueAt;
        patch.assignee_user_id = row.assignee_user_id ?? actorIn.userId;
        break;
      case 'return':
        patch.returned_from = row.state;
        patch.missing_materials = JSON.stringify(missing ?? []);
        patch.last_returned_at = at;
        patch.return_count = Number(row.return_count) + 1;
        break;
      case 'resubmit':
      case 'resubmit_review':
        patch.resubmitted_at = at;
        patch.missing_materials = '[]';
        patch.returned_from = null;
        if (paper?.length) patch.paper_materials = JSON.stringify([...new Set([...parseJson<string[]>(row.paper_materials, []), ...paper])]);
        if (formPatch) patch.form_data = JSON.stringify({ ...parseJson<Record<string, StoredValue>>(row.form_data, {}), ...formPatch });
        // The promised limit moves by the time spent waiting for the correction.
        if (name === 'resubmit_review') patch.promise_due_at = result.instance.dueAt;
        break;
      case 'refuse':
      case 'deny':
        patch.refusal_reason = result.step.comment;
        patch.closed_at = at;
        break;
      case 'approve':
        patch.approved_at = at;
        break;
      case 'complete':
        patch.completed_at = at;
        patch.result = result.step.comment;
        patch.completed_on_time = row.promise_due_at ? (at <= row.promise_due_at ? 1 : 0) : null;
        break;
      case 'withdraw':
        patch.closed_at = at;
        break;
      case 'rate':
        patch.rating = input.rating!;
        patch.rating_comment = result.step.comment;
        patch.rated_at = at;
        break;
    }
    await repo.updateApplication(trx, row.id, patch);
    updated = { ...row, ...patch };
    await repo.linkMaterials(
      trx,
      files.map((f) => ({ application_id: row.id, attachment_id: f.attachmentId, material_code: f.materialCode, step: name, created_by: actorIn.userId, created_at: at })),
    );
    await notifyStep(ctx, trx, updated, name, actorIn, result.step.comment, content, now);
  };

  await transition(ctx, actor, row.workflow_instance_id, name, {
    comment: input.comment,
    data: Object.keys(data).length ? data : undefined,
    expectedVersion: input.expectedVersion,
    dueInWorkingHours,
    apply,
    meta,
  });
  const names = await nodeAndUserNames(ctx, [updated]);
  return presentSummary(updated, names, now);
}

async function notifyStep(ctx: PlatformContext, trx: Transaction<Database>, row: repo.ApplicationRow, step: string, actor: Actor, comment: string | null, content: MatterContent, now: Date) {
  const label = stepLabel(step)['zh-CN'];
  // The resident (their own account) and the staff member who applied for them.
  const applicantSide = [row.applicant_user_id, row.agent_user_id].filter((u): u is string => !!u && u !== actor.userId);
  let body: string;
  switch (step) {
    case 'accept':
      body = `已受理，承诺于${beijing(row.promise_due_at)}前办结。`;
      break;
    case 'return': {
      const missing = parseJson<string[]>(row.missing_materials, []).map((c) => `“${materialName(content, c)}”`);
      body = `需要补正材料${missing.length ? `：${missing.join('、')}` : ''}。${comment ?? ''}请补充后重新提交，补正时间不计入办理时限。`;
      break;
    }
    case 'refuse':
    case 'deny':
      body = `${label}，原因：${comment ?? ''}`;
      break;
    case 'complete':
      body = `已办结。${comment ?? ''}欢迎对本次服务进行评价。`;
      break;
    default:
      body = `${stateLabel(row.state)['zh-CN']}${comment ? `。${comment}` : ''}`;
  }
  if (!['resubmit', 'resubmit_review', 'withdraw', 'rate'].includes(step)) {
    await notify(trx, {
      recipients: applicantSide,
      kind: `services.application.${step}`,
      title: `您申请的“${row.matter_name}”${label}（${row.code}）`,
      body: body.slice(0, 4000),
      link: `/m/services/applications/${row.id}`,
      at: now,
    });
  }
  // The handlers hear about what the applicant did (a resubmission to look at, a withdrawal, a rating).
  if (['resubmit', 'resubmit_review', 'withdraw', 'rate'].includes(step)) {
    const handlers = row.assignee_user_id ? [row.assignee_user_id] : (await repo.grantHoldersAbove(trx, row.org_path, ['community_staff'])).map((g) => g.user_id);
    await notify(trx, {
      recipients: handlers.filter((u) => u !== actor.userId),
      kind: `services.application.${step}`,
      title: `${row.applicant_name}的申请${label}（${row.code}）`,
      body: `“${row.matter_name}”：${stateLabel(row.state)['zh-CN']}${step === 'rate' && row.rating ? `，评价：${row.rating}` : ''}${comment ? `。${comment}` : ''}`.slice(0, 4000),
      link: `/console/service-applications/${row.id}`,
      at: now,
    });
    if (applicantSide.length && step !== 'rate') {
      await notify(trx, {
        recipients: applicantSide,
        kind: `services.application.${step}`,
        title: `您申请的“${row.matter_name}”${label}（${row.code}）`,
        body: stateLabel(row.state)['zh-CN'],
        link: `/m/services/applications/${row.id}`,
        at: now,
      });
    }
  }
}

// ---------------------------------------------------------------- assignment

async function mayHandleAt(ctx: PlatformContext, userId: string, path: string): Promise<string | null> {
  const grants = await repo.grantsOfUser(ctx.db.kysely, userId);
  const ok = grants.some((g) => Number(g.disabled) === 0 && g.role === 'community_staff' && path.startsWith(g.path));
  return ok ? (grants[0]?.display_name ?? null) : null;
}

/** 分派: a handler of the application's area takes it on (null: back to the pool). */
export async function assign(ctx: PlatformContext, actor: Actor, id: string, userId: string | null, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getApplication(db, id);
  if (!row || !canAt(actor, APP_READ, row.org_path)) throw notFound('SERVICE_APPLICATION_NOT_FOUND');
  if (!canAt(actor, APP_HANDLE, row.org_path)) throw forbidden();
  if (TERMINAL.has(row.state)) throw conflict('WORKFLOW_INVALID_TRANSITION', { state: row.state, transition: '分派' });
  if (userId && !(await mayHandleAt(ctx, userId, row.org_path))) throw badRequest('SERVICE_ASSIGNEE_INVALID');
  const now = ctx.now();
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await repo.updateApplication(trx, id, { assignee_user_id: userId, updated_at: at });
    await appendAudit(
      ctx.db,
      { actorId: actor.userId, actorName: actor.username, action: 'services.application.assign', targetType: SUBJECT, targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { code: row.code, from: row.assignee_user_id, to: userId } },
      trx,
    );
    if (userId && userId !== actor.userId) {
      await notify(trx, {
        recipients: [userId],
        kind: 'services.application.assigned',
        title: `分派给您的服务申请 ${row.code}`,
        body: `${row.applicant_name}申请“${row.matter_name}”（${stateLabel(row.state)['zh-CN']}），由${actor.displayName}分派给您办理。`,
        link: `/console/service-applications/${id}`,
        at: now,
      });
    }
  });
  const updated = { ...row, assignee_user_id: userId, updated_at: at };
  return presentSummary(updated, await nodeAndUserNames(ctx, [updated]), now);
}

/** Handlers the caller may assign to: community staff inside the caller's handling area. */
export async function listHandlers(ctx: PlatformContext, actor: Actor) {
  const rows = await repo.handlersIn(ctx.db.kysely, scopePaths(actor, APP_HANDLE), ['community_staff']);
  const seen = new Set<string>();
  return {
    items: rows
      .filter((r) => (seen.has(r.user_id) ? false : (seen.add(r.user_id), true)))
      .map((r) => ({ userId: r.user_id, displayName: r.display_name, orgNodeId: r.org_node_id, orgNodeName: r.org_node_name })),
  };
}

// ---------------------------------------------------------------- reading

export type DeadlineStatus = repo.DeadlineStatus;

export function deadlineStatus(row: Pick<repo.ApplicationRow, 'due_at' | 'warn_at' | 'state'>, now: Date): DeadlineStatus | null {
  if (!row.due_at || !repo.CLOCKED_STATES.includes(row.state)) return null;
  const t = now.toISOString();
  if (row.due_at <= t) return 'overdue';
  if (row.warn_at && row.warn_at <= t) return 'warning';
  return 'normal';
}

interface Names {
  nodes: Map<string, string>;
  users: Map<string, string>;
}

async function nodeAndUserNames(ctx: PlatformContext, rows: repo.ApplicationRow[]): Promise<Names> {
  const nodeIds = [...new Set(rows.map((r) => r.org_node_id))];
  const userIds = [...new Set(rows.map((r) => r.assignee_user_id).filter((x): x is string => !!x))];
  const [nodes, users] = await Promise.all([getNodesByIds(ctx.db.kysely, nodeIds), repo.userNames(ctx.db.kysely, userIds)]);
  return { nodes: new Map(nodes.map((n) => [n.id, n.name])), users: new Map(users.map((u) => [u.id, u.display_name])) };
}

export function presentSummary(row: repo.ApplicationRow, names: Names, now: Date) {
  return {
    id: row.id,
    code: row.code,
    matterId: row.matter_id,
    matterCode: row.matter_code,
    matterName: row.matter_name,
    matterVersion: Number(row.matter_version),
    groupCode: row.group_code,
    state: row.state,
    stateLabel: stateLabel(row.state),
    channel: row.channel,
    onBehalf: row.channel === 'on_behalf',
    applicantName: row.applicant_name,
    orgNodeId: row.org_node_id,
    orgNodeName: names.nodes.get(row.org_node_id) ?? null,
    assigneeUserId: row.assignee_user_id,
    assigneeName: row.assignee_user_id ? (names.users.get(row.assignee_user_id) ?? null) : null,
    submittedAt: row.submitted_at,
    acceptedAt: row.accepted_at,
    completedAt: row.completed_at,
    dueAt: repo.CLOCKED_STATES.includes(row.state) ? row.due_at : null,
    warnAt: repo.CLOCKED_STATES.includes(row.state) ? row.warn_at : null,
    deadlineStatus: deadlineStatus(row, now),
    promiseDueAt: row.promise_due_at,
    returnCount: Number(row.return_count),
    rating: row.rating,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type ApplicationSummary = ReturnType<typeof presentSummary>;

export interface QueueQuery {
  state?: ApplicationState[];
  open?: string;
  deadline?: DeadlineStatus;
  matter?: string;
  group?: string;
  assignee?: string;
  channel?: 'online' | 'on_behalf';
  orgNodeId?: string;
  q?: string;
  from?: string;
  to?: string;
  sort: 'due' | '-created' | 'created';
  page: number;
  pageSize: number;
}

/** The day's start in Beijing time when a bare date is given. */
export const asInstant = (v: string | undefined) => (v === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+08:00`).toISOString() : new Date(v).toISOString());

async function subtreesFor(ctx: PlatformContext, actor: Actor, permission: string, orgNodeId?: string): Promise<string[]> {
  let subtrees = scopePaths(actor, permission);
  if (orgNodeId) {
    const [node] = await getNodesByIds(ctx.db.kysely, [orgNodeId]);
    if (!node) throw notFound('NOT_FOUND');
    // Inside the caller's reach: the node's subtree, or the caller's subtrees under it.
    subtrees = subtrees.some((p) => node.path.startsWith(p)) ? [node.path] : subtrees.filter((p) => p.startsWith(node.path));
  }
  return subtrees;
}

/** 工作台: one queue across matters, of the caller's subtree, filtered, sorted, paged. */
export async function listQueue(ctx: PlatformContext, actor: Actor, query: QueueQuery, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const open = query.open === '1' || query.open === 'true';
  const filter: repo.QueueFilter = {
    subtrees: await subtreesFor(ctx, actor, APP_READ, query.orgNodeId),
    states: query.state?.length ? query.state : open ? repo.OPEN_STATES : undefined,
    deadline: query.deadline,
    now: now.toISOString(),
    matterCode: query.matter,
    groupCode: query.group,
    assigneeUserId: query.assignee === 'me' ? actor.userId : query.assignee === 'none' ? null : query.assignee || undefined,
    channel: query.channel,
    q: query.q?.trim() || undefined,
    from: asInstant(query.from),
    to: asInstant(query.to),
  };
  const [rows, total] = await Promise.all([
    repo.listApplications(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize, sort: query.sort }),
    repo.countApplications(db, filter),
  ]);
  // Applicants' names and the matters they applied for (低保, 残疾 …) are personal data: the read is audited.
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: 'services.application.list',
    targetType: SUBJECT,
    ip: meta.ip,
    requestId: meta.requestId,
    details: { returned: rows.length, total, state: query.state ?? null, matter: query.matter ?? null, deadline: query.deadline ?? null, q: query.q ? '(text)' : null },
  });
  const names: Names = {
    nodes: new Map(rows.map((r) => [r.org_node_id, r.org_node_name])),
    users: new Map(rows.filter((r) => r.assignee_user_id).map((r) => [r.assignee_user_id!, r.assignee_name ?? ''])),
  };
  return { items: rows.map((r) => presentSummary(r, names, now)), total, page: query.page, pageSize: query.pageSize };
}

/** 我的办事: the applications made by or for the resident, newest first. */
export async function listMine(ctx: PlatformContext, actor: Actor, query: { state?: ApplicationState[]; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const filter: repo.QueueFilter = { subtrees: ['/'], applicantUserId: actor.userId, states: query.state, now: now.toISOString() };
  const [rows, total] = await Promise.all([repo.listApplications(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize, sort: '-created' }), repo.countApplications(db, filter)]);
  const names: Names = { nodes: new Map(rows.map((r) => [r.org_node_id, r.org_node_name])), users: new Map() };
  return { items: rows.map((r) => presentSummary(r, names, now)), total, page: query.page, pageSize: query.pageSize };
}

/** The application if the caller may see it in that view; anyone else is told it does not exist. */
async function readable(ctx: PlatformContext, actor: Actor, id: string, view: 'staff' | 'applicant'): Promise<repo.ApplicationRow> {
  const row = await repo.getApplication(ctx.db.kysely, id);
  if (!row) throw notFound('SERVICE_APPLICATION_NOT_FOUND');
  const ok = view === 'applicant' ? isApplicantUser(actor, row) : canAt(actor, APP_READ, row.org_path) || row.agent_user_id === actor.userId;
  if (!ok) throw notFound('SERVICE_APPLICATION_NOT_FOUND');
  return row;
}

/** Steps the caller may take now: the engine's answer, narrowed by the module's rules. */
function stepsFor(actorIn: Actor, row: repo.ApplicationRow, instance: WorkflowInstance, view: 'staff' | 'applicant') {
  const out: { name: string; label: { 'zh-CN': string; en: string }; to: string; requiresComment: boolean }[] = [];
  for (const t of serviceApplicationWorkflow.transitions) {
    if (!t.from.includes(instance.state as never)) continue;
    // One "resubmit" button: the service picks where it goes.
    if (t.name === 'resubmit_review' || (t.name === 'resubmit' && !t.from.includes(row.state as never))) continue;
    const isApplicantStep = APPLICANT_STEPS.has(t.name);
    if (view === 'applicant' && !isApplicantStep) continue;
    const actor = isApplicantStep ? asApplicant(actorIn, row) : actorIn;
    const name = t.name === 'resubmit' && row.returned_from === 'accepted' ? 'resubmit_review' : t.name;
    if (!availableTransitions(actor, { ...instance }).some((a) => a.name === name)) continue;
    try {
      checkRules(actorIn, row, t.name);
    } catch (e) {
      if (e instanceof AppError) continue;
      throw e;
    }
    // Staff see the applicant's steps only on an application they applied for.
    if (view === 'staff' && isApplicantStep && !actsForApplicant(actorIn, row)) continue;
    out.push({ name: t.name, label: t.label!, to: specOf(name)!.to, requiresComment: !!t.requires?.comment });
  }
  return out;
}

/**
 * One application as its page shows it: the matter, the applicant (numbers masked), the form
 * (prefilled fields from the record), each material with its files and what is missing, the
 * timeline (服务进度) and the steps the caller may take. A staff read is audited and shown in
 * the resident's own access log. `applicant` view: no staff names, no internal facts.
 */
export async function getDetail(ctx: PlatformContext, actor: Actor, id: string, view: 'staff' | 'applicant', meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await readable(ctx, actor, id, view);
  const now = ctx.now();
  const [instance, history, content, files, names] = await Promise.all([
    getInstance(db, row.workflow_instance_id!),
    getHistory(db, row.workflow_instance_id!),
    contentFor(ctx, row),
    repo.listMaterials(db, row.id),
    nodeAndUserNames(ctx, [row]),
  ]);
  if (view === 'staff') {
    const at = now.toISOString();
    await db.transaction().execute(async (trx) => {
      await appendAudit(
        ctx.db,
        { actorId: actor.userId, actorName: actor.username, action: 'services.application.read', targetType: SUBJECT, targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { code: row.code, person: row.applicant_person_id } },
        trx,
      );
      await recordPersonAccess(trx, actor, [row.applicant_person_id], { kind: 'view', purpose: `办理服务申请 ${row.code}：${row.matter_name}`, at });
    });
  }
  const stored = parseJson<Record<string, StoredValue>>(row.form_data, {});
  const applicantValues: Partial<Record<PrefillSource, string | null>> = { name: row.applicant_name, idNumber: row.applicant_id_masked, phone: row.applicant_phone_masked, address: row.applicant_address };
  const form = (content.form?.fields ?? []).map((f: FormField) => ({
    ...f,
    value: f.prefill ? (applicantValues[f.prefill] ?? undefined) : displayValue(stored[f.key]),
  }));
  const fileOut = (f: (typeof files)[number]) => ({ id: f.id, name: f.original_name, mime: f.mime, size: Number(f.size), step: f.step, createdAt: f.created_at, url: `/api/v1/files/${f.id}` });
  const paper = parseJson<string[]>(row.paper_materials, []);
  const missing = parseJson<string[]>(row.missing_materials, []);
  const uploads = uploadMaterialsOf(content);
  const materials = content.materials
    .filter((m) => uploads.includes(m.code) || files.some((f) => f.material_code === m.code) || paper.includes(m.code))
    .map((m) => ({
      code: m.code,
      name: m.name,
      required: m.required,
      upload: uploads.includes(m.code),
      onPaper: paper.includes(m.code),
      missing: missing.includes(m.code),
      files: files.filter((f) => f.material_code === m.code).map(fileOut),
    }));
  const timeline = history.map((s) => ({
    version: s.version,
    transition: s.transition,
    label: s.transition === 'resubmit_review' ? stepLabel('resubmit') : stepLabel(s.transition),
    fromState: s.fromState,
    toState: s.toState,
    toLabel: stateLabel(s.toState),
    actorName: view === 'applicant' ? null : s.actorName,
    actorRoleLabel: s.actorRole && s.actorRole in ROLE_LABELS ? ROLE_LABELS[s.actorRole as Role] : null,
    comment: s.comment,
    missingMaterials: (Array.isArray(s.data?.missingMaterials) ? (s.data.missingMaterials as string[]) : []).map((c) => ({ code: c, name: materialName(content, c) })),
    files: typeof s.data?.files === 'number' ? s.data.files : s.transition === 'start' ? files.filter((f) => f.step === 'submit').length : 0,
    rating: typeof s.data?.rating === 'string' ? s.data.rating : null,
    at: s.at,
  }));
  const transitions = instance && !TERMINAL.has(instance.state) ? stepsFor(actor, row, instance, view) : [];
  return {
    ...presentSummary(row, names, now),
    matter: { id: row.matter_id, code: row.matter_code, name: row.matter_name, version: Number(row.matter_version), timeLimitDays: content.timeLimitDays, acceptDays: content.acceptDays, department: content.department, mobilePath: mobilePath(row.matter_code) },
    applicant: {
      personId: view === 'staff' ? row.applicant_person_id : null,
      name: row.applicant_name,
      idNumber: row.applicant_id_masked,
      phone: row.applicant_phone_masked,
      address: row.applicant_address,
      isMe: isApplicantUser(actor, row),
    },
    agent: row.channel === 'on_behalf' ? { userId: view === 'staff' ? row.agent_user_id : null, name: row.agent_name, reason: row.agent_reason } : null,
    form,
    materials,
    resultFiles: files.filter((f) => f.material_code === RESULT_MATERIAL).map(fileOut),
    missingMaterials: missing,
    returnedFrom: row.returned_from,
    result: row.result,
    refusalReason: row.refusal_reason,
    ratingComment: row.rating_comment,
    completedOnTime: row.completed_on_time === null ? null : Number(row.completed_on_time) === 1,
    timeline,
    transitions,
    receiptPath: view === 'applicant' ? `/api/v1/me/service-applications/${row.id}/receipt` : `/api/v1/service-applications/${row.id}/receipt`,
  };
}

// ---------------------------------------------------------------- statistics

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/** Per matter: applications, on-time rate and satisfaction, in the caller's area and period. */
export async function statistics(ctx: PlatformContext, actor: Actor, query: { from?: string; to?: string; orgNodeId?: string }) {
  const from = asInstant(query.from);
  const to = asInstant(query.to);
  const rows = await repo.statistics(ctx.db.kysely, { subtrees: await subtreesFor(ctx, actor, APP_STATS, query.orgNodeId), from, to, now: ctx.now().toISOString() });
  const items = rows.map((r) => {
    const n = (v: unknown) => Number(v ?? 0);
    return {
      matterId: r.matter_id,
      matterCode: r.matter_code,
      matterName: r.matter_name,
      groupCode: r.group_code,
      applications: n(r.applications),
      open: n(r.open),
      overdueOpen: n(r.overdue_open),
      completed: n(r.completed),
      completedOnTime: n(r.completed_on_time),
      onTimeRate: ratio(n(r.completed_on_time), n(r.completed)),
      refused: n(r.refused),
      returned: n(r.returned),
      onBehalf: n(r.on_behalf),
      rated: n(r.rated),
      satisfied: n(r.satisfied),
      satisfactionRate: ratio(n(r.satisfied), n(r.rated)),
    };
  });
  const sum = (k: keyof (typeof items)[number]) => items.reduce((s, i) => s + (i[k] as number), 0);
  const total = {
    applications: sum('applications'),
    open: sum('open'),
    overdueOpen: sum('overdueOpen'),
    completed: sum('completed'),
    completedOnTime: sum('completedOnTime'),
    onTimeRate: ratio(sum('completedOnTime'), sum('completed')),
    refused: sum('refused'),
    returned: sum('returned'),
    onBehalf: sum('onBehalf'),
    rated: sum('rated'),
    satisfied: sum('satisfied'),
    satisfactionRate: ratio(sum('satisfied'), sum('rated')),
  };
  return { from: from ?? null, to: to ?? null, items, total };
}

// ---------------------------------------------------------------- files

// Materials of an application open for its applicant, the staff who applied for them, and staff who may read it.
registerAttachmentAccess(PURPOSE, async (ctx, actor, attachment) => {
  for (const a of await repo.applicationsOfAttachment(ctx.db.kysely, attachment.id)) {
    if (a.applicant_user_id === actor.userId || a.agent_user_id === actor.userId) return true;
    if (canAt(actor, APP_READ, a.org_path)) return true;
  }
  return false;
});

export { TERMINAL as TERMINAL_STATES, PURPOSE as ATTACHMENT_PURPOSE };
