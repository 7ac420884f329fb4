import * as z from 'zod';
import { zIdNumber } from '../../platform/cn/zod.js';
import { MEMBER_CATEGORIES, PARTY_ORG_KINDS } from './organisations.table.js';

/** zod shapes of 党组织与党员: the tree, members and their posts, imports. */

export const zId = () => z.string().min(1).max(32);
export const zDay = () => z.iso.date();
export const zVersion = () => z.number().int().min(1);
export const ZPage = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) };
export const ZIdParams = z.object({ id: zId() });

/** Posts of a party organisation's committee (支部委员会 …) and of a 党小组. */
export const PARTY_POSTS = ['书记', '副书记', '组织委员', '宣传委员', '纪检委员', '青年委员', '统战委员', '保密委员', '委员', '党小组组长'] as const;
export const ZPost = z.enum(PARTY_POSTS);

export const ZOrgKind = z.enum(PARTY_ORG_KINDS);
export const ZCategory = z.enum(MEMBER_CATEGORIES);

export const ZOrgInput = z.object({
  /** The organisation above (none: a committee at the top). */
  parentId: zId().optional(),
  kind: ZOrgKind,
  name: z.string().trim().min(2).max(60),
  /** The org node (community, or a grid or the street) it belongs to; default the parent's. */
  orgNodeId: zId().optional(),
  establishedOn: zDay().optional(),
  sort: z.number().int().min(0).max(9999).optional(),
});

export const ZOrgPatch = z.object({
  name: z.string().trim().min(2).max(60).optional(),
  establishedOn: zDay().nullable().optional(),
  sort: z.number().int().min(0).max(9999).optional(),
  expectedVersion: zVersion(),
});

export const ZOrg = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: ZOrgKind,
  kindLabel: z.object({ 'zh-CN': z.string(), en: z.string() }),
  name: z.string(),
  path: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  establishedOn: z.string().nullable(),
  sort: z.number(),
  status: z.string(),
  version: z.number(),
  /** Active members on the rolls of this organisation and those under it. */
  memberCount: z.number(),
  /** 书记 / 副书记 now, by name. */
  leaders: z.array(z.object({ memberId: z.string(), name: z.string(), post: z.string() })),
  abilities: z.object({ keep: z.boolean(), run: z.boolean(), decide: z.boolean() }),
});

export const ZPostInput = z.object({ orgId: zId(), post: ZPost, fromOn: zDay().optional() });

/** 流动党员: where they are now. */
export const ZMobile = z.object({ location: z.string().trim().min(2).max(100), since: zDay().optional() });

export const ZMemberInput = z
  .object({
    /** The registry person, or their ID number (found through the registry; never stored here). */
    personId: zId().optional(),
    idNumber: zIdNumber().optional(),
    /** The branch (党支部) whose rolls they join, and optionally a 党小组 of it. */
    orgId: zId(),
    groupId: zId().optional(),
    category: ZCategory,
    joinedOn: zDay(),
    confirmedOn: zDay().optional(),
    mobile: ZMobile.optional(),
    posts: z.array(ZPostInput).max(5).default([]),
  })
  .refine((v) => !!v.personId !== !!v.idNumber, { message: 'personId or idNumber (one of them)', path: ['personId'], params: { code: 'PARTY_MEMBER_WHO' } });
export type MemberInput = z.infer<typeof ZMemberInput>;

export const ZMemberPatch = z.object({
  groupId: zId().nullable().optional(),
  /** 预备党员 → 正式党员 (转正) with `confirmedOn`. */
  category: ZCategory.optional(),
  joinedOn: zDay().optional(),
  confirmedOn: zDay().nullable().optional(),
  /** null: no longer a 流动党员. */
  mobile: ZMobile.nullable().optional(),
  expectedVersion: zVersion(),
});
export type MemberPatch = z.infer<typeof ZMemberPatch>;

export const ZPostsInput = z.object({ posts: z.array(ZPostInput).max(5), expectedVersion: zVersion() });

export const END_REASONS = ['去世', '出党', '停止党籍', '其他'] as const;
export const ZEndInput = z.object({ reason: z.enum(END_REASONS), note: z.string().trim().max(200).optional(), endedOn: zDay(), expectedVersion: zVersion() });

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZMember = z.object({
  id: z.string(),
  personId: z.string(),
  name: z.string(),
  gender: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  place: z.string().nullable(),
  orgId: z.string(),
  orgName: z.string(),
  groupId: z.string().nullable(),
  groupName: z.string().nullable(),
  category: ZCategory,
  categoryLabel: ZLabel,
  joinedOn: z.string(),
  confirmedOn: z.string().nullable(),
  isMobile: z.boolean(),
  mobileLocation: z.string().nullable(),
  mobileSince: z.string().nullable(),
  status: z.string(),
  posts: z.array(z.object({ orgId: z.string(), orgName: z.string(), post: z.string(), fromOn: z.string() })),
  version: z.number(),
});

export const ZMemberDetail = ZMember.extend({
  idMasked: z.string().nullable(),
  endedOn: z.string().nullable(),
  endReason: z.string().nullable(),
  source: z.string(),
  pastPosts: z.array(z.object({ orgName: z.string(), post: z.string(), fromOn: z.string(), toOn: z.string() })),
  transfers: z.array(z.object({ id: z.string(), direction: z.string(), state: z.string(), fromOrgName: z.string(), toOrgName: z.string(), startedAt: z.string(), closedAt: z.string().nullable() })),
});

const yes = z.enum(['1', 'true']).optional().transform((v) => v !== undefined);
export const ZMemberQuery = z.object({
  orgId: zId().optional(),
  category: ZCategory.optional(),
  mobile: yes,
  status: z.enum(['active', 'transferred_out', 'ended', 'all']).default('active'),
  q: z.string().trim().max(30).optional(),
  ...ZPage,
});

export const ZImportStart = z.object({
  /** The uploaded roster (POST /api/v1/files?purpose=party.import, .xlsx or .csv). */
  attachmentId: zId(),
  /** The committee or branch the roster belongs to (rows name their 所在支部 under it). */
  orgId: zId(),
});

export const ZImport = z.object({
  id: z.string(),
  fileName: z.string(),
  orgId: z.string(),
  orgName: z.string().nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  totalRows: z.number().nullable(),
  processedRows: z.number(),
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), rejected: z.number() }),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const ZRejection = z.object({ rowNumber: z.number(), reason: z.string(), raw: z.record(z.string(), z.string()) });
export const ZImportDetail = ZImport.extend({ rejections: z.object({ items: z.array(ZRejection), total: z.number() }) });
