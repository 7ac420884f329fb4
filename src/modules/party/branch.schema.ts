import * as z from 'zod';
import { zDay, zId } from './organisations.schema.js';
import { zLine, zPlainText } from './study.schema.js';

/** zod shapes of 网上E支部: notices, discussion, tasks. */

export const ZBranchParams = z.object({ id: zId() });

export const ZNoticeInput = z.object({ title: zLine(4, 60), body: zPlainText(5, 5000), pinned: z.boolean().default(false) });
export const ZNoticeQuery = z.object({ status: z.enum(['published', 'all']).default('published') });
export const ZReason = z.object({ reason: zLine(2, 200) });

export const ZBranchNotice = z.object({
  id: z.string(),
  orgId: z.string(),
  title: z.string(),
  body: z.string(),
  pinned: z.boolean(),
  status: z.enum(['published', 'withdrawn']),
  withdrawReason: z.string().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
});

export const ZPostInput = z.object({ body: zPlainText(2, 2000) });
export const ZCommentInput = z.object({ body: zPlainText(1, 1000) });
export const ZPage = z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(50).default(20) });

export const ZComment = z.object({
  id: z.string(),
  authorName: z.string(),
  body: z.string(),
  mine: z.boolean(),
  createdAt: z.string(),
});

export const ZBranchPost = z.object({
  id: z.string(),
  orgId: z.string(),
  authorName: z.string(),
  body: z.string(),
  mine: z.boolean(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  commentCount: z.number(),
  lastActivityAt: z.string(),
  createdAt: z.string(),
});
export const ZBranchPostDetail = ZBranchPost.extend({ comments: z.array(ZComment), canModerate: z.boolean() });

export const ZTaskInput = z.object({
  title: zLine(4, 60),
  description: zPlainText(0, 2000).default(''),
  dueOn: zDay(),
  /** Members of the branch to give it to; every active member when left out. */
  memberIds: z.array(zId()).min(1).max(500).optional(),
});
export const ZTaskQuery = z.object({ status: z.enum(['open', 'closed', 'all']).default('open') });
export const ZDoneInput = z.object({ note: zPlainText(2, 500) });

export const ZBranchTask = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  title: z.string(),
  description: z.string(),
  dueOn: z.string(),
  status: z.enum(['open', 'closed']),
  assigneeCount: z.number(),
  doneCount: z.number(),
  overdue: z.boolean(),
  createdByName: z.string(),
  createdAt: z.string(),
  version: z.number(),
});
export const ZAssignee = z.object({ memberId: z.string(), name: z.string(), status: z.enum(['open', 'done']), doneAt: z.string().nullable(), note: z.string().nullable(), overdue: z.boolean() });
export const ZBranchTaskDetail = ZBranchTask.extend({ assignees: z.array(ZAssignee) });
export const ZMyTask = ZBranchTask.extend({ myStatus: z.enum(['open', 'done']), myDoneAt: z.string().nullable(), myNote: z.string().nullable() });
export const ZOverdue = z.object({ taskId: z.string(), title: z.string(), dueOn: z.string(), memberId: z.string(), name: z.string(), daysLate: z.number() });

export const ZMyBranch = z.object({
  branch: z.object({ id: z.string(), name: z.string(), orgNodeName: z.string().nullable(), memberCount: z.number() }),
  abilities: z.object({ run: z.boolean(), moderate: z.boolean() }),
  openTasks: z.number(),
  overdueTasks: z.number(),
});

export const ZBranchAccess = z.object({
  branch: z.object({ id: z.string(), name: z.string(), orgNodeName: z.string().nullable(), memberCount: z.number() }),
  abilities: z.object({ member: z.boolean(), read: z.boolean(), oversee: z.boolean(), run: z.boolean(), discuss: z.boolean(), moderate: z.boolean() }),
});
