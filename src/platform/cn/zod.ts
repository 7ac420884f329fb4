import * as z from 'zod';
import { normaliseIdNumber } from './id-number.js';
import { normaliseMobile } from './phone.js';
import { addMessages } from '../i18n/i18n.js';

addMessages({
  'error.ID_NUMBER_INVALID': { 'zh-CN': '身份证号码无效', en: 'Invalid resident ID number' },
  'error.MOBILE_INVALID': { 'zh-CN': '手机号码无效', en: 'Invalid mobile number' },
});

/**
 * Route-schema fields for Chinese formats. They validate and normalise in one step, so a
 * handler receives `33048119800101001X`, never ` 33048119800101001x `, and `13800138000`,
 * never `+86 138-0013-8000`. The custom issue carries `params.code` for clients that want
 * their own wording.
 */
export const zIdNumber = () =>
  z
    .string()
    .trim()
    .min(15)
    .max(20)
    .transform((value, ctx) => {
      const n = normaliseIdNumber(value);
      if (n === null) {
        ctx.issues.push({ code: 'custom', input: value, message: 'invalid resident ID number', params: { code: 'ID_NUMBER_INVALID' } });
        return z.NEVER;
      }
      return n;
    });

export const zMobile = () =>
  z
    .string()
    .trim()
    .min(11)
    .max(20)
    .transform((value, ctx) => {
      const n = normaliseMobile(value);
      if (n === null) {
        ctx.issues.push({ code: 'custom', input: value, message: 'invalid mobile number', params: { code: 'MOBILE_INVALID' } });
        return z.NEVER;
      }
      return n;
    });
