import * as z from 'zod';

/** zod shapes of 兴趣社区: inputs, and the views residents and moderators get. */

export const zId = () => z.string().min(1).max(32);
export const MAX_IMAGES = 9;
export const REPORT_REASONS = ['广告营销', '违法违规', '谣言不实', '人身攻击', '泄露隐私', '其他'] as const;
const CONTENT_STATUS = ['pending', 'published', 'rejected', 'hidden', 'deleted'] as const;
const zPage = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
};

export const ZNicknameInput = z.object({ nickname: z.string().trim().min(2).max(12) });

export const ZGroupInput = z.object({
  orgNodeId: zId(),
  name: z.string().trim().min(2).max(20),
  description: z.string().trim().max(200).default(''),
});
export const ZGroupPatch = z.object({
  name: z.string().trim().min(2).max(20).optional(),
  description: z.string().trim().max(200).optional(),
  expectedVersion: z.number().int().min(1),
});

export const ZPostInput = z.object({
  title: z.string().trim().min(2).max(60),
  /** Rich text (HTML); sanitised on the server. Plain text is taken as paragraphs. */
  body: z.string().max(20_000),
  imageIds: z.array(zId()).max(MAX_IMAGES).default([]),
});
export const ZPostPatch = z.object({
  title: z.string().trim().min(2).max(60).optional(),
  body: z.string().max(20_000).optional(),
  imageIds: z.array(zId()).max(MAX_IMAGES).optional(),
  expectedVersion: z.number().int().min(1),
});
export const ZCommentInput = z.object({ body: z.string().trim().min(1).max(500) });
export const ZReportInput = z.object({
  targetType: z.enum(['post', 'comment']),
  targetId: zId(),
  reason: z.enum(REPORT_REASONS),
  detail: z.string().trim().max(200).optional(),
});
export const ZReasonInput = z.object({ reason: z.string().trim().min(2).max(200) });
export const ZWordInput = z.object({
  word: z.string().trim().min(1).max(20),
  level: z.enum(['review', 'block']),
  /** The community (or street) the word applies to; omitted: the caller's own node. */
  orgNodeId: zId().optional(),
  /** The platform-wide default list (only for a grant at the top of the tree). */
  global: z.boolean().default(false),
});
export const ZWordPatch = z.object({ level: z.enum(['review', 'block']) });

export const ZPageQuery = z.object(zPage);
export const ZQueueQuery = z.object({ kind: z.enum(['post', 'comment']).optional(), ...zPage });
export const ZReportQuery = z.object({ status: z.enum(['open', 'hidden', 'dismissed']).default('open'), ...zPage });
export const ZGroupQuery = z.object({ all: z.enum(['1', 'true']).optional().transform((v) => v !== undefined) });

export const ZProfile = z.object({
  nickname: z.string().nullable(),
  communityId: z.string().nullable(),
  communityName: z.string().nullable(),
});

export const ZGroup = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  communityName: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(['open', 'closed']),
  closedReason: z.string().nullable(),
  memberCount: z.number(),
  postCount: z.number(),
  joined: z.boolean(),
  /** The caller may close, reopen and edit it. */
  canManage: z.boolean(),
  version: z.number(),
  createdAt: z.string(),
});

const ZImage = z.object({ id: z.string(), url: z.string() });

export const ZPostSummary = z.object({
  id: z.string(),
  groupId: z.string(),
  title: z.string(),
  excerpt: z.string(),
  images: z.array(ZImage),
  nickname: z.string(),
  authorIsStaff: z.boolean(),
  mine: z.boolean(),
  status: z.enum(CONTENT_STATUS),
  likeCount: z.number(),
  likedByMe: z.boolean(),
  commentCount: z.number(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});

export const ZPost = ZPostSummary.extend({
  groupName: z.string(),
  groupOpen: z.boolean(),
  /** Sanitised on the server: the only HTML a page renders. */
  html: z.string(),
  /** For its author and moderators: why it was refused or hidden. */
  moderationReason: z.string().nullable(),
  /** For moderators: the review-level words that held it. */
  reviewWords: z.array(z.string()),
  canModerate: z.boolean(),
  version: z.number(),
});

export const ZComment = z.object({
  id: z.string(),
  postId: z.string(),
  body: z.string(),
  nickname: z.string(),
  authorIsStaff: z.boolean(),
  mine: z.boolean(),
  status: z.enum(CONTENT_STATUS),
  moderationReason: z.string().nullable(),
  createdAt: z.string(),
});

export const ZQueueItem = z.object({
  kind: z.enum(['post', 'comment']),
  id: z.string(),
  postId: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  title: z.string(),
  text: z.string(),
  nickname: z.string(),
  reviewWords: z.array(z.string()),
  status: z.enum(CONTENT_STATUS),
  createdAt: z.string(),
});

export const ZReport = z.object({
  id: z.string(),
  targetType: z.enum(['post', 'comment']),
  targetId: z.string(),
  postId: z.string(),
  groupName: z.string(),
  targetTitle: z.string(),
  targetText: z.string(),
  targetStatus: z.enum(CONTENT_STATUS),
  targetNickname: z.string(),
  reason: z.string(),
  detail: z.string().nullable(),
  /** Open reports of the same item (several residents may report one post). */
  reportCount: z.number(),
  status: z.enum(['open', 'hidden', 'dismissed']),
  resolution: z.string().nullable(),
  createdAt: z.string(),
});

export const ZIdentity = z.object({
  nickname: z.string(),
  accountName: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  grid: z.string().nullable(),
});

export const ZWord = z.object({
  id: z.string(),
  word: z.string(),
  level: z.enum(['review', 'block']),
  orgNodeId: z.string().nullable(),
  scopeName: z.string(),
  editable: z.boolean(),
  createdAt: z.string(),
});

export const ZPaged = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });
