import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import * as repo from './corrections.repository.js';
import * as peopleRepo from './people.repository.js';
import { normaliseDate, type PersonPatch } from './people.schema.js';
import { audit, deny, inTransaction, nodeIdOf, updatePersonIn, withDenials } from './people.write.js';
import type { CorrectionRequestTable } from './registry.table.js';

export const HANDLE = 'registry.correction.handle';

/** Fields a resident may ask to correct; the last two need a person to act and are never applied automatically. */
export const CORRECTION_FIELDS = [
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'politicalStatus',
  'education',
  'maritalStatus',
  'phone',
  'hukouAddress',
  'occupation',
  'relationToHead',
  'address',
  'other',
] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

export const FIELD_LABELS: Record<CorrectionField, string> = {
  name: '姓名',
  idNumber: '证件号码',
  gender: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  politicalStatus: '政治面貌',
  education: '学历',
  maritalStatus: '婚姻状况',
  phone: '联系电话',
  hukouAddress: '户籍地',
  occupation: '职业',
  relationToHead: '与户主关系',
  address: '居住地址',
  other: '其他',
};

/** Requested numbers are personal data too: stored encrypted, shown masked. */
const SENSITIVE = new Set<CorrectionField>(['idNumber', 'phone']);
const ENC = 'enc:';

addMessages({
  'error.NO_PERSON_RECORD': { 'zh-CN': '您的账号未关联居民档案', en: 'Your account is not linked to a resident record' },
  'error.CORRECTION_NOT_FOUND': { 'zh-CN': '更正申请不存在', en: 'No such correction request' },
  'error.CORRECTION_CLOSED': { 'zh-CN': '该更正申请已处理', en: 'This correction request has already been handled' },
  'error.CORRECTION_NOT_APPLICABLE': { 'zh-CN': '该项需人工核实办理，不能自动更正', en: 'This field cannot be changed automatically; handle it by hand' },
  'error.CORRECTION_VALUE_REQUIRED': { 'zh-CN': '请填写更正后的值', en: 'Give the corrected value' },
});

function shownValue(c: CorrectionRequestTable, ctx: PlatformContext, reveal = false): string | null {
  const v = c.requested_value;
  if (v == null || !v.startsWith(ENC)) return v;
  const clear = ctx.pii.decrypt(v.slice(ENC.length));
  if (reveal) return clear;
  return c.field === 'phone' ? maskPhone(clear) : maskIdNumber(clear);
}

function present(ctx: PlatformContext, c: CorrectionRequestTable & { person_name?: string }) {
  return {
    id: c.id,
    personId: c.person_id,
    personName: c.person_name ?? null,
    field: c.field,
    fieldLabel: FIELD_LABELS[c.field as CorrectionField] ?? c.field,
    requestedValue: shownValue(c, ctx),
    note: c.note,
    status: c.status,
    createdAt: c.created_at,
    handledAt: c.handled_at,
    response: c.response,
  };
}
export type CorrectionView = ReturnType<typeof present>;

/**
 * A resident asks to correct their record: an open request under the person's path, and an
 * in-app notification to the grid workers whose grant covers it (the community staff when no
 * grid worker does).
 */
export function fileCorrection(ctx: PlatformContext, actor: Actor, input: { field: CorrectionField; requestedValue?: string | null; note?: string | null }, meta: RequestMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    if (!actor.personId) throw notFound('NO_PERSON_RECORD');
    const person = await peopleRepo.getPerson(trx, actor.personId);
    if (!person) throw notFound('NO_PERSON_RECORD');
    const at = ctx.now().toISOString();
    const value = input.requestedValue?.trim() || null;
    const row: CorrectionRequestTable = {
      id: newId(),
      person_id: person.id,
      requester_user_id: actor.userId,
      field: input.field,
      requested_value: value && SENSITIVE.has(input.field) ? ENC + ctx.pii.encrypt(value) : value,
      note: input.note?.trim() || null,
      status: 'open',
      org_path: person.org_path,
      handled_by: null,
      handled_at: null,
      response: null,
      created_at: at,
    };
    await repo.insertCorrection(trx, row);
    let recipients = await repo.usersWithRoleOver(trx, 'grid_worker', person.org_path);
    if (recipients.length === 0) recipients = await repo.usersWithRoleOver(trx, 'community_staff', person.org_path);
    await notify(trx, {
      recipients,
      kind: 'registry.correction.filed',
      title: '居民信息更正申请',
      body: `${person.name} 申请更正“${FIELD_LABELS[input.field]}”${row.note ? `：${row.note}` : ''}`,
      link: `/console/corrections?id=${row.id}`,
      at: ctx.now(),
    });
    await audit(ctx, trx, actor, 'registry.correction.create', meta, { targetType: 'correction_request', targetId: row.id, orgNodeId: nodeIdOf(person.org_path), details: { field: input.field, personId: person.id, notified: recipients.length } });
    return present(ctx, row);
  });
}

/** The resident's own requests, newest first. */
export async function myCorrections(ctx: PlatformContext, actor: Actor) {
  if (!actor.personId) throw notFound('NO_PERSON_RECORD');
  return { items: (await repo.correctionsOfPerson(ctx.db.kysely, actor.personId)).map((c) => present(ctx, c)) };
}

/** Requests under the actor's subtree, open ones first. */
export function listCorrections(ctx: PlatformContext, actor: Actor, query: { status?: CorrectionRequestTable['status']; page: number; pageSize: number }, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const paths = scopePaths(actor, HANDLE);
    if (paths.length === 0) throw forbidden();
    const filter = { paths, status: query.status };
    const db = ctx.db.kysely;
    const [rows, total] = await Promise.all([repo.listCorrections(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }), repo.countCorrections(db, filter)]);
    await audit(ctx, undefined, actor, 'registry.correction.list', meta, { targetType: 'correction_request', details: { count: rows.length, status: query.status ?? null } });
    return { items: rows.map((r) => present(ctx, r)), total, page: query.page, pageSize: query.pageSize };
  });
}

/** The patch a done correction applies: the value normalised the way the field's form would. */
function patchFor(field: CorrectionField, value: string): PersonPatch {
  switch (field) {
    case 'gender':
      if (value !== '男' && value !== '女') throw badRequest('VALIDATION_FAILED', {}, [{ field: 'value', code: 'GENDER_REQUIRED' }]);
      return { gender: value };
    case 'birthDate': {
      const d = normaliseDate(value);
      if (!d) throw badRequest('DATE_INVALID', {}, [{ field: 'value', code: 'DATE_INVALID' }]);
      return { birthDate: d };
    }
    case 'address':
    case 'other':
      throw badRequest('CORRECTION_NOT_APPLICABLE');
    default:
      return { [field]: value } as PersonPatch;
  }
}

/**
 * Closes a request. `done` applies the requested (or the staff's corrected) value through the
 * person write path with source 'correction' — the change, its history row and the request
 * commit together; a value the registry refuses leaves the request open. The resident is told.
 */
export function resolveCorrection(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: { status: 'done' | 'rejected'; response: string; apply?: boolean; value?: string | null },
  meta: RequestMeta,
) {
  return inTransaction(ctx, actor, async (trx) => {
    const c = await repo.getCorrection(trx, id);
    if (!c) throw notFound('CORRECTION_NOT_FOUND');
    if (!canAt(actor, HANDLE, c.org_path)) throw deny('registry.correction.resolve', meta, { targetType: 'correction_request', targetId: id });
    if (c.status !== 'open') throw conflict('CORRECTION_CLOSED');
    const field = c.field as CorrectionField;
    const apply = input.status === 'done' && (input.apply ?? !['address', 'other'].includes(field));
    let applied: string[] = [];
    if (apply) {
      if (field === 'address' || field === 'other') throw badRequest('CORRECTION_NOT_APPLICABLE');
      const value = input.value?.trim() || shownValue(c, ctx, true);
      if (!value) throw badRequest('CORRECTION_VALUE_REQUIRED');
      await updatePersonIn(ctx, trx, actor, c.person_id, { ...patchFor(field, value), reason: `居民更正申请${c.note ? `：${c.note}` : ''}` }, { ...meta, source: 'correction' });
      applied = [field];
    }
    const at = ctx.now().toISOString();
    if ((await repo.resolveCorrection(trx, id, { status: input.status, handled_by: actor.userId, handled_at: at, response: input.response })) === 0) throw conflict('CORRECTION_CLOSED');
    await notify(trx, {
      recipients: [c.requester_user_id],
      kind: 'registry.correction.resolved',
      title: input.status === 'done' ? '您的信息更正申请已办结' : '您的信息更正申请未通过',
      body: `“${FIELD_LABELS[field] ?? field}”：${input.response}`,
      link: '/m/me',
      at: ctx.now(),
    });
    await audit(ctx, trx, actor, 'registry.correction.resolve', meta, { targetType: 'correction_request', targetId: id, orgNodeId: nodeIdOf(c.org_path), details: { status: input.status, applied } });
    return present(ctx, { ...c, status: input.status, handled_by: actor.userId, handled_at: at, response: input.response });
  });
}
