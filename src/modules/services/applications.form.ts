import type { PiiCipher } from '../../platform/crypto/pii.js';
import { maskIdNumber, maskPhone } from '../../platform/crypto/mask.js';
import { normaliseIdNumber } from '../../platform/cn/id-number.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { addMessages, t, type Locale } from '../../platform/i18n/i18n.js';
import type { FormField } from './matters.schema.js';

/**
 * A matter's form is data (matters.schema.ts ZForm): this checks what an applicant typed
 * against it, all fields at once, and normalises the values (numbers as numbers, dates as
 * YYYY-MM-DD, ID and mobile numbers normalised and then encrypted, never stored in clear).
 * Fields prefilled from the registry are not taken from the input at all.
 */

export type FormValue = string | number | boolean | string[] | null;
/** Stored values: ID and phone numbers typed into a form as ciphertext with their masked form. */
export type StoredValue = FormValue | { enc: string; masked: string };

export interface FieldProblem {
  field: string;
  code: string;
  params: Record<string, string | number>;
}

addMessages({
  'error.SERVICE_FORM_INVALID': { 'zh-CN': '申请表填写有误：{fields}', en: 'Please check the form: {fields}' },
  'form.required': { 'zh-CN': '请填写“{label}”', en: 'Fill in "{label}"' },
  'form.too_long': { 'zh-CN': '“{label}”最多 {max} 个字', en: '"{label}" takes at most {max} characters' },
  'form.too_short': { 'zh-CN': '“{label}”至少 {min} 个字', en: '"{label}" needs at least {min} characters' },
  'form.not_a_number': { 'zh-CN': '“{label}”须填写数字', en: '"{label}" must be a number' },
  'form.too_small': { 'zh-CN': '“{label}”不能小于 {min}', en: '"{label}" cannot be less than {min}' },
  'form.too_big': { 'zh-CN': '“{label}”不能大于 {max}', en: '"{label}" cannot be more than {max}' },
  'form.invalid_date': { 'zh-CN': '“{label}”须为日期，如 2026-01-31', en: '"{label}" must be a date such as 2026-01-31' },
  'form.invalid_option': { 'zh-CN': '“{label}”的选项无效', en: 'Choose "{label}" from the options given' },
  'form.pattern': { 'zh-CN': '“{label}”格式不正确', en: '"{label}" is not in the expected format' },
  'form.invalid_id_number': { 'zh-CN': '“{label}”不是有效的身份证号码', en: '"{label}" is not a valid resident ID number' },
  'form.invalid_phone': { 'zh-CN': '“{label}”不是有效的手机号码', en: '"{label}" is not a valid mobile number' },
  'form.must_tick': { 'zh-CN': '请勾选“{label}”', en: 'Tick "{label}"' },
  'form.not_a_choice': { 'zh-CN': '“{label}”须为是或否', en: '"{label}" must be yes or no' },
});

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/**
 * Checks `input` against the form's own (non-prefilled) fields. `partial`: only the fields
 * present are checked (a correction changes some fields and keeps the rest).
 */
export function validateForm(fields: FormField[], input: Record<string, unknown>, pii: PiiCipher, opts: { partial?: boolean } = {}): Record<string, StoredValue> {
  const out: Record<string, StoredValue> = {};
  const problems: FieldProblem[] = [];
  for (const f of fields) {
    if (f.prefill) continue;
    if (opts.partial && !(f.key in input)) continue;
    const raw = input[f.key];
    const problem = (code: string, params: Record<string, string | number> = {}) => problems.push({ field: `form.${f.key}`, code, params: { label: f.label, ...params } });
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (f.required) problem(f.type === 'checkbox' ? 'must_tick' : 'required');
      else out[f.key] = f.type === 'multiselect' ? [] : null;
      continue;
    }
    switch (f.type) {
      case 'number': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
        if (!Number.isFinite(n)) problem('not_a_number');
        else if (f.min !== undefined && n < f.min) problem('too_small', { min: f.min });
        else if (f.max !== undefined && n > f.max) problem('too_big', { max: f.max });
        else out[f.key] = n;
        break;
      }
      case 'checkbox': {
        const b = raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : null;
        if (b === null) problem('not_a_choice');
        else if (f.required && !b) problem('must_tick');
        else out[f.key] = b;
        break;
      }
      case 'select': {
        const v = String(raw).trim();
        if (!f.options?.some((o) => o.value === v)) problem('invalid_option');
        else out[f.key] = v;
        break;
      }
      case 'multiselect': {
        const list = (Array.isArray(raw) ? raw : [raw]).map((x) => String(x).trim());
        if (list.some((v) => !f.options?.some((o) => o.value === v))) problem('invalid_option');
        else out[f.key] = [...new Set(list)];
        break;
      }
      case 'date': {
        const v = String(raw).trim();
        if (!isDate(v)) problem('invalid_date');
        else out[f.key] = v;
        break;
      }
      case 'idNumber': {
        const v = normaliseIdNumber(String(raw));
        if (!v) problem('invalid_id_number');
        else out[f.key] = { enc: pii.encrypt(v), masked: maskIdNumber(v)! };
        break;
      }
      case 'phone': {
        const v = normaliseMobile(String(raw));
        if (!v) problem('invalid_phone');
        else out[f.key] = { enc: pii.encrypt(v), masked: maskPhone(v)! };
        break;
      }
      default: {
        if (typeof raw !== 'string' && typeof raw !== 'number') {
          problem('required');
          break;
        }
        const v = String(raw).trim();
        const max = f.maxLength ?? (f.type === 'textarea' ? 2000 : 200);
        if ([...v].length > max) problem('too_long', { max });
        else if (f.minLength !== undefined && [...v].length < f.minLength) problem('too_short', { min: f.minLength });
        else if (f.pattern && !new RegExp(`^(?:${f.pattern})$`, 'u').test(v)) problems.push({ field: `form.${f.key}`, code: 'pattern', params: { label: f.label, message: f.patternMessage ?? '' } });
        else out[f.key] = v;
      }
    }
  }
  if (problems.length) {
    const labels = [...new Set(problems.map((p) => String(p.params.label)))].join('、');
    throw badRequest('SERVICE_FORM_INVALID', { fields: labels }, problems);
  }
  return out;
}

/** A stored value as shown: encrypted numbers only masked. */
export function displayValue(v: StoredValue | undefined): FormValue | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v.masked;
  return v;
}

/** The field problems of a SERVICE_FORM_INVALID in the caller's language, as the HTTP layer's field errors. */
export function localiseFormError(e: unknown, locale: Locale): unknown {
  if (!(e instanceof AppError) || e.code !== 'SERVICE_FORM_INVALID' || !Array.isArray(e.details)) return e;
  const details = (e.details as FieldProblem[]).map((p) => ({
    field: `body.${p.field}`,
    code: p.code,
    message: p.code === 'pattern' && p.params.message ? `${p.params.label}：${p.params.message}` : t(locale, `form.${p.code}`, p.params),
  }));
  return new AppError(e.status, e.code, e.params, details);
}
