import * as z from 'zod';
import { serviceApplicationWorkflow } from './services.workflow.js';
import { ZFormField, ZMatterCode } from './matters.schema.js';

/** Request and response shapes of online applications (shared with the web app). */

export const APPLICATION_STATES = Object.keys(serviceApplicationWorkflow.states) as [keyof typeof serviceApplicationWorkflow.states, ...(keyof typeof serviceApplicationWorkflow.states)[]];
export const ZApplicationState = z.enum(APPLICATION_STATES);
export const ZRating = z.enum(['满意', '基本满意', '不满意']);
export const ZDeadlineStatus = z.enum(['normal', 'warning', 'overdue']);
const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
const ZId = z.string().min(1).max(32);
const ZMaterialCode = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);

/** A value typed into a form field: text, a number, a yes/no, or the chosen options. */
export const ZFormValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(100)).max(50), z.null()]);
export const ZFormValues = z.record(z.string().max(32), ZFormValue);

/** A file uploaded first through POST /api/v1/files?purpose=service.application, as a given material. */
export const ZMaterialFile = z.object({ materialCode: ZMaterialCode, attachmentId: ZId });

export const ZSubmitApplication = z.object({
  matterCode: ZMatterCode,
  /** The fields the applicant types; fields prefilled from the registry are taken from it, never from here. */
  form: ZFormValues.default({}),
  files: z.array(ZMaterialFile).max(50).default([]),
});

export const ZOnBehalfApplication = ZSubmitApplication.extend({
  /** The resident (a registry person) applied for. */
  personId: ZId,
  /** Why staff apply for them (行动不便的高龄老人、重度残疾 …): recorded with who applied. */
  reason: z.string().trim().min(2).max(200),
  /** Materials received on paper at the window or at home. */
  paperMaterials: z.array(ZMaterialCode).max(30).default([]),
});

export const ZPrefillQuery = z.object({ matter: ZMatterCode, personId: ZId.optional() });

/** Steps of the staff who handle, and (on the staff route) of a staff member acting for a resident they applied for. */
export const ZStaffTransition = z.enum(['accept', 'return', 'refuse', 'approve', 'deny', 'complete', 'resubmit', 'withdraw', 'rate']);
/** Steps the applicant takes on their own application. */
export const ZApplicantTransition = z.enum(['resubmit', 'withdraw', 'rate']);

export const ZStepBody = z.object({
  /** 退回补正: what to add; 不予受理 / 审核不通过: the reason; 办结: the result (办结意见). */
  comment: z.string().trim().max(1000).optional(),
  /** 退回补正: the materials missing (codes of the matter's materials). */
  missingMaterials: z.array(ZMaterialCode).max(30).optional(),
  /** 补正后提交: the files added; 办结: result documents (materialCode `result`). */
  files: z.array(ZMaterialFile).max(50).optional(),
  /** 补正后提交: corrected form fields (the rest stay as they were). */
  form: ZFormValues.optional(),
  /** 补正 by staff for a resident they applied for: materials now received on paper. */
  paperMaterials: z.array(ZMaterialCode).max(30).optional(),
  rating: ZRating.optional(),
  /** The application's version the caller saw; a stale step answers 409. */
  expectedVersion: z.number().int().positive().optional(),
});

export const ZStaffStepParams = z.object({ id: ZId, transition: ZStaffTransition });
export const ZApplicantStepParams = z.object({ id: ZId, transition: ZApplicantTransition });
export const ZApplicationParams = z.object({ id: ZId });

export const ZAssign = z.object({ userId: ZId.nullable() });

export const ZBatch = z.object({
  action: z.enum(['accept', 'assign']),
  ids: z.array(ZId).min(1).max(100),
  /** assign: the handler (null to clear). */
  userId: ZId.nullable().optional(),
  comment: z.string().trim().max(1000).optional(),
});

const ZStates = z.preprocess(
  (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean)),
  z.array(ZApplicationState).max(9).optional(),
);
const ZDay = z.iso.datetime({ offset: true }).or(z.iso.date());

export const ZQueueQuery = z.object({
  /** One or more states: `state=submitted&state=accepted` or `state=submitted,accepted`. */
  state: ZStates,
  /** Only applications still being handled (待受理, 待补正, 审核中, 待办结). */
  open: z.enum(['1', 'true', '0', 'false']).optional(),
  deadline: ZDeadlineStatus.optional(),
  matter: ZMatterCode.optional(),
  group: z.string().max(32).optional(),
  /** `me`, `none` (unassigned) or a user id. */
  assignee: z.string().max(32).optional(),
  channel: z.enum(['online', 'on_behalf']).optional(),
  /** A node: its subtree (inside what the caller may read). */
  orgNodeId: ZId.optional(),
  /** The number (or its start) or the applicant's name. */
  q: z.string().trim().max(40).optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
  sort: z.enum(['due', '-created', 'created']).default('-created'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const ZMyQuery = z.object({
  state: ZStates,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZStatisticsQuery = z.object({ from: ZDay.optional(), to: ZDay.optional(), orgNodeId: ZId.optional() });

// ---------------------------------------------------------------- responses

export const ZApplicationSummary = z.object({
  id: z.string(),
  code: z.string(),
  matterId: z.string(),
  matterCode: z.string(),
  matterName: z.string(),
  matterVersion: z.number(),
  groupCode: z.string(),
  state: z.string(),
  stateLabel: ZLabel,
  channel: z.enum(['online', 'on_behalf']),
  onBehalf: z.boolean(),
  applicantName: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  submittedAt: z.string(),
  acceptedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  deadlineStatus: ZDeadlineStatus.nullable(),
  promiseDueAt: z.string().nullable(),
  returnCount: z.number(),
  rating: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ZApplicationPage = z.object({ items: z.array(ZApplicationSummary), total: z.number(), page: z.number(), pageSize: z.number() });

const ZFile = z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number(), step: z.string(), createdAt: z.string(), url: z.string() });

export const ZReceipt = z.object({
  title: z.string(),
  code: z.string(),
  matterCode: z.string(),
  matterName: z.string(),
  applicantName: z.string(),
  applicantIdNumber: z.string().nullable(),
  onBehalf: z.object({ agentName: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  submittedAt: z.string(),
  acceptDueAt: z.string().nullable(),
  timeLimitDays: z.number(),
  materials: z.array(z.object({ code: z.string(), name: z.string(), files: z.number(), onPaper: z.boolean() })),
  department: z.string(),
  place: z.string(),
  phone: z.string().nullable(),
  /** The page where the applicant follows it (服务进度), and its QR code. */
  progressPath: z.string(),
  progressQrPath: z.string(),
  notes: z.array(z.string()),
});

export const ZSubmitted = z.object({ id: z.string(), code: z.string(), state: z.string(), dueAt: z.string().nullable(), receipt: ZReceipt });

export const ZTimelineEntry = z.object({
  version: z.number(),
  transition: z.string(),
  label: ZLabel,
  fromState: z.string().nullable(),
  toState: z.string(),
  toLabel: ZLabel,
  actorName: z.string().nullable(),
  actorRoleLabel: ZLabel.nullable(),
  comment: z.string().nullable(),
  missingMaterials: z.array(z.object({ code: z.string(), name: z.string() })),
  files: z.number(),
  rating: z.string().nullable(),
  at: z.string(),
});

export const ZApplicationDetail = ZApplicationSummary.extend({
  matter: z.object({ id: z.string(), code: z.string(), name: z.string(), version: z.number(), timeLimitDays: z.number(), acceptDays: z.number(), department: z.string(), mobilePath: z.string() }),
  applicant: z.object({
    personId: z.string().nullable(),
    name: z.string(),
    idNumber: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    isMe: z.boolean(),
  }),
  agent: z.object({ userId: z.string().nullable(), name: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  form: z.array(ZFormField.extend({ value: ZFormValue.optional() })),
  materials: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      required: z.boolean(),
      upload: z.boolean(),
      onPaper: z.boolean(),
      missing: z.boolean(),
      files: z.array(ZFile),
    }),
  ),
  resultFiles: z.array(ZFile),
  missingMaterials: z.array(z.string()),
  returnedFrom: z.string().nullable(),
  result: z.string().nullable(),
  refusalReason: z.string().nullable(),
  ratingComment: z.string().nullable(),
  completedOnTime: z.boolean().nullable(),
  timeline: z.array(ZTimelineEntry),
  transitions: z.array(z.object({ name: z.string(), label: ZLabel, to: z.string(), requiresComment: z.boolean() })),
  receiptPath: z.string(),
});

export const ZPrefill = z.object({
  matter: z.object({ id: z.string(), code: z.string(), name: z.string(), version: z.number() }),
  applicant: z.object({
    personId: z.string(),
    name: z.string(),
    gender: z.string().nullable(),
    birthDate: z.string().nullable(),
    idNumber: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    communityName: z.string().nullable(),
  }),
  fields: z.array(ZFormField.extend({ value: ZFormValue.optional(), readOnly: z.boolean() })),
  materials: z.array(z.object({ code: z.string(), name: z.string(), required: z.boolean(), formLabel: z.string(), copies: z.number(), example: z.string().nullable(), note: z.string().nullable() })),
  /** An open application of this person for this matter (a second one is refused). */
  openApplication: z.object({ id: z.string(), code: z.string(), state: z.string() }).nullable(),
});

export const ZBatchResult = z.object({
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional(), application: ZApplicationSummary.optional() })),
});

export const ZHandlers = z.object({ items: z.array(z.object({ userId: z.string(), displayName: z.string(), orgNodeId: z.string(), orgNodeName: z.string() })) });

const ZStatRow = z.object({
  matterId: z.string(),
  matterCode: z.string(),
  matterName: z.string(),
  groupCode: z.string(),
  applications: z.number(),
  open: z.number(),
  overdueOpen: z.number(),
  completed: z.number(),
  completedOnTime: z.number(),
  /** Completed on time / completed (null before any completion). */
  onTimeRate: z.number().nullable(),
  refused: z.number(),
  returned: z.number(),
  onBehalf: z.number(),
  rated: z.number(),
  satisfied: z.number(),
  /** (满意 + 基本满意) / rated. */
  satisfactionRate: z.number().nullable(),
});
export const ZStatistics = z.object({ from: z.string().nullable(), to: z.string().nullable(), items: z.array(ZStatRow), total: ZStatRow.omit({ matterId: true, matterCode: true, matterName: true, groupCode: true }) });
