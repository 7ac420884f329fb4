import * as z from 'zod';
import { addMessages } from '../../platform/i18n/i18n.js';
import { zDay, zId } from './organisations.schema.js';

addMessages({
  'error.PARTY_LINK_INVALID': { 'zh-CN': '链接须是以 http:// 或 https:// 开头的网址，且不含用户名和密码', en: 'The link must be an http:// or https:// address without a user name or password' },
  'error.STUDY_LINK_REQUIRED': { 'zh-CN': '学习链接须填写网址', en: 'A link needs its address' },
  'error.STUDY_ARTICLE_NO_LINK': { 'zh-CN': '文章不需要网址；外部文章请选择“链接”', en: 'An article has no address; choose “link” for an outside page' },
  'error.STUDY_ARTICLE_SHORT': { 'zh-CN': '文章正文至少 20 个字', en: 'An article needs at least 20 characters' },
});

/** zod shapes of 党员学习, and the plain-text and link fields the part-2 party files share. */

/**
 * Plain text as people type it: line breaks kept (CRLF → LF), control characters and markup-free
 * by construction (it is always rendered as text, never as HTML), trimmed, length-bounded.
 */
export const zPlainText = (min: number, max: number) =>
  z
    .string()
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .transform((s) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim())
    .pipe(z.string().min(min).max(max));

/** A single line of plain text (titles, names, places). */
export const zLine = (min: number, max: number) =>
  z
    .string()
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .transform((s) => s.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(min).max(max));

/** An http(s) link to a page: no other scheme (javascript:, data:, file:), no user:password@, a real host name. */
export const zWebLink = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(500)
    .transform((value, ctx) => {
      let u: URL | null = null;
      try {
        u = new URL(value);
      } catch {
        u = null;
      }
      const ok = !!u && (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(u.hostname) && !/\s/.test(value);
      if (!ok) {
        ctx.issues.push({ code: 'custom', input: value, message: 'not an http(s) link', params: { code: 'PARTY_LINK_INVALID' } });
        return z.NEVER;
      }
      return u!.toString();
    });

/** A custom issue whose message is the dictionary's `error.<code>` (zh-CN and en). */
const issue = (path: string, code: string) => ({ code: 'custom' as const, path: [path], message: code, params: { code } });

export const STUDY_KINDS = ['article', 'link'] as const;

export const ZMaterialInput = z
  .object({
    orgId: zId(),
    kind: z.enum(STUDY_KINDS),
    title: zLine(4, 80),
    /** The article (plain text), or a short introduction of the link. */
    body: zPlainText(0, 20_000).default(''),
    url: zWebLink().optional(),
    source: zLine(2, 40).optional(),
    suggestedMinutes: z.number().int().min(1).max(240).optional(),
    dueOn: zDay().optional(),
    /** Members to assign (active members of the organisation or below); all of them when left out. */
    memberIds: z.array(zId()).min(1).max(500).optional(),
  })
  .superRefine((v, c) => {
    if (v.kind === 'link' && !v.url) c.addIssue(issue('url', 'STUDY_LINK_REQUIRED'));
    if (v.kind === 'article' && v.url) c.addIssue(issue('url', 'STUDY_ARTICLE_NO_LINK'));
    if (v.kind === 'article' && v.body.length < 20) c.addIssue(issue('body', 'STUDY_ARTICLE_SHORT'));
  });
export type MaterialInput = z.infer<typeof ZMaterialInput>;

export const ZMaterialQuery = z.object({
  orgId: zId().optional(),
  status: z.enum(['published', 'withdrawn', 'all']).default('published'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZWithdraw = z.object({ reason: zLine(2, 200), expectedVersion: z.number().int().min(1) });

export const ZProgress = z.object({
  /** Seconds spent on this visit (the page reports them when it is left or marked read). */
  seconds: z.number().int().min(0).max(7200),
  /** 已学完: marks it read (once; later reports only add time). */
  done: z.boolean().default(false),
});

export const ZMaterial = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: z.enum(STUDY_KINDS),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  source: z.string().nullable(),
  suggestedMinutes: z.number().nullable(),
  dueOn: z.string().nullable(),
  status: z.enum(['published', 'withdrawn']),
  withdrawReason: z.string().nullable(),
  assignedCount: z.number(),
  readCount: z.number(),
  createdByName: z.string(),
  createdAt: z.string(),
  version: z.number(),
  canManage: z.boolean(),
});

export const ZStudyRecord = z.object({
  memberId: z.string(),
  name: z.string(),
  branchName: z.string(),
  assignedAt: z.string(),
  openedAt: z.string().nullable(),
  readAt: z.string().nullable(),
  seconds: z.number(),
  overdue: z.boolean(),
});

export const ZMaterialDetail = ZMaterial.extend({ records: z.array(ZStudyRecord) });

export const ZMyMaterial = z.object({
  id: z.string(),
  orgName: z.string(),
  kind: z.enum(STUDY_KINDS),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  source: z.string().nullable(),
  suggestedMinutes: z.number().nullable(),
  dueOn: z.string().nullable(),
  assignedAt: z.string(),
  openedAt: z.string().nullable(),
  readAt: z.string().nullable(),
  seconds: z.number(),
  overdue: z.boolean(),
});
