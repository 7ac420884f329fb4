import * as z from 'zod';

/** Request and response shapes of 通知公告 (notices). */

const zId = () => z.string().min(1).max(32);

export const NOTICE_CATEGORIES = [
  { code: 'notice', name: '通知', nameEn: 'Notice' },
  { code: 'announcement', name: '公告', nameEn: 'Announcement' },
  { code: 'news', name: '社区动态', nameEn: 'Community news' },
] as const;
const CATEGORY_CODES = NOTICE_CATEGORIES.map((c) => c.code) as ['notice', 'announcement', 'news'];

export const ZAudience = z.object({
  /** Subtrees reached (a community, grids, buildings …), inside the publishing node. */
  nodeIds: z.array(zId()).min(1).max(50),
  /** Registry tags (高龄老人, 低保 …): only people holding them (any / all of them) are reached. */
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  tagMode: z.enum(['any', 'all']).default('any'),
});
export type Audience = z.infer<typeof ZAudience>;

const ZNoticeContent = {
  category: z.enum(CATEGORY_CODES),
  title: z.string().trim().min(2).max(100),
  /** Plain text; line breaks are kept. */
  body: z.string().trim().min(1).max(10_000),
  audience: ZAudience,
  attachmentIds: z.array(zId()).max(10).default([]),
  /** Outbox channels besides the in-app inbox. */
  channels: z.array(z.enum(['sms', 'wechat'])).max(2).default([]),
  pinned: z.boolean().default(false),
};

export const ZCreateNotice = z.object({ orgNodeId: zId(), ...ZNoticeContent });
export const ZUpdateNotice = z
  .object({
    category: ZNoticeContent.category.optional(),
    title: ZNoticeContent.title.optional(),
    body: ZNoticeContent.body.optional(),
    audience: ZAudience.optional(),
    attachmentIds: z.array(zId()).max(10).optional(),
    channels: z.array(z.enum(['sms', 'wechat'])).max(2).optional(),
    expectedVersion: z.number().int().min(1),
  })
  .strict();
export const ZPin = z.object({ pinned: z.boolean() });
export const ZWithdraw = z.object({ reason: z.string().trim().min(2).max(200) });
export const ZInformed = z.object({
  personIds: z.array(zId()).min(1).max(200),
  /** 上门, 电话, 微信: how the grid worker told them. */
  how: z.enum(['visit', 'phone', 'wechat']),
});
export const ZNoticeParams = z.object({ id: zId() });
export const ZStaffQuery = z.object({
  status: z.enum(['draft', 'published', 'withdrawn']).optional(),
  orgNodeId: zId().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const ZMineQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export const ZUnreadQuery = z.object({
  /** Narrow to a grid (or any node) inside the notice's audience. */
  orgNodeId: zId().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export const ZPreviewBody = z.object({ orgNodeId: zId(), audience: ZAudience });

const ZAttachmentRef = z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number() });

export const ZNotice = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  category: z.enum(CATEGORY_CODES),
  categoryName: z.string(),
  title: z.string(),
  body: z.string(),
  audience: z.object({ nodeIds: z.array(z.string()), tags: z.array(z.string()), tagMode: z.enum(['any', 'all']) }),
  audienceLabel: z.string(),
  attachments: z.array(ZAttachmentRef),
  channels: z.array(z.string()),
  pinned: z.boolean(),
  status: z.enum(['draft', 'published', 'withdrawn']),
  recipientCount: z.number(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZReceipts = z.object({
  /** Within what the caller may follow (a grid worker: their grid). */
  total: z.number(),
  read: z.number(),
  informed: z.number(),
  /** Neither read in the app nor told by a grid worker. */
  unreached: z.number(),
  withAccount: z.number(),
  byNode: z.array(z.object({ orgNodeId: z.string(), name: z.string(), total: z.number(), read: z.number(), informed: z.number(), unreached: z.number() })),
});

export const ZStaffNotice = ZNotice.extend({ receipts: ZReceipts.nullable() });
export const ZStaffPage = z.object({ items: z.array(ZNotice), total: z.number(), page: z.number(), pageSize: z.number() });

export const ZMyNotice = z.object({
  id: z.string(),
  category: z.enum(CATEGORY_CODES),
  categoryName: z.string(),
  title: z.string(),
  body: z.string(),
  orgNodeName: z.string().nullable(),
  attachments: z.array(ZAttachmentRef),
  pinned: z.boolean(),
  publishedAt: z.string().nullable(),
  readAt: z.string().nullable(),
});
export const ZMyPage = z.object({ items: z.array(ZMyNotice), total: z.number(), unread: z.number(), page: z.number(), pageSize: z.number() });

export const ZUnreadPage = z.object({
  items: z.array(z.object({ personId: z.string(), name: z.string(), phoneMasked: z.string().nullable(), place: z.string().nullable(), hasAccount: z.boolean() })),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export const ZPreview = z.object({ people: z.number(), withAccount: z.number(), label: z.string() });
