import * as z from 'zod';
import { gridEventWorkflow } from './events.workflow.js';

/** Request and response shapes of the event loop's API (shared with the web app). */

export const EVENT_STATES = Object.keys(gridEventWorkflow.states) as [keyof typeof gridEventWorkflow.states, ...(keyof typeof gridEventWorkflow.states)[]];
export const ZEventState = z.enum(EVENT_STATES);
export const ZEventChannel = z.enum(['resident_app', 'patrol', 'phone', 'hotline', 'open311', 'suggestion', 'visit', 'volunteer']);
/** Channels staff enter on someone's behalf (a resident's own report is `resident_app`). */
export const ZStaffChannel = z.enum(['patrol', 'phone', 'hotline', 'suggestion', 'visit']);
export const ZEventUrgency = z.enum(['一般', '紧急', '特急']);
export const ZEventRating = z.enum(['满意', '基本满意', '不满意']);
export const ZTransitionName = z.enum(gridEventWorkflow.transitions.map((t) => t.name) as [string, ...string[]]);
const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
const ZId = z.string().min(1).max(32);

export const ZReportEvent = z
  .object({
    categoryId: ZId.optional(),
    /** The category's code (Open311 service_code), instead of its id. */
    categoryCode: z.string().trim().min(1).max(32).optional(),
    title: z.string().trim().max(100).optional(),
    description: z.string().trim().min(1).max(2000),
    /** Staff: how it came in. Residents need not send it (always `resident_app`). */
    channel: z.enum(['resident_app', 'patrol', 'phone', 'hotline', 'suggestion', 'visit']).optional(),
    /** Hotline work orders: the hotline (12345 …) and its work-order number. */
    source: z.string().trim().max(20).optional(),
    sourceOrderNo: z.string().trim().max(64).optional(),
    urgency: ZEventUrgency.optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    address: z.string().trim().max(200).optional(),
    addressNodeId: ZId.optional(),
    /** Staff may name the grid or community directly. */
    orgNodeId: ZId.optional(),
    attributes: z.record(z.string().max(32), z.union([z.string().max(2000), z.array(z.string().max(200)).max(20)])).optional(),
    /** Photos uploaded first through POST /api/v1/files?purpose=event.photo. */
    attachmentIds: z.array(ZId).max(9).optional(),
    /** A caller's name and phone (stored encrypted, shown masked). */
    reporterName: z.string().trim().max(40).optional(),
    reporterPhone: z
      .string()
      .trim()
      .max(20)
      .regex(/^[0-9+\-() ]{5,20}$/, 'digits, +, -, brackets')
      .optional(),
    patrolId: ZId.optional(),
    promotedFrom: z
      .string()
      .regex(/^(suggestion|visit):[A-Za-z0-9_-]{1,40}$/, 'suggestion:<id> or visit:<id>')
      .optional(),
  })
  .refine((b) => !!b.categoryId || !!b.categoryCode, { message: 'categoryId or categoryCode is required', path: ['categoryId'] })
  .refine((b) => (b.lat === undefined) === (b.lng === undefined), { message: 'lat and lng go together', path: ['lng'] });
export type ReportEventBody = z.infer<typeof ZReportEvent>;

export const ZReportedEvent = z.object({
  id: z.string(),
  code: z.string(),
  state: z.string(),
  dueAt: z.string().nullable(),
  orgNodeId: z.string(),
  createdAt: z.string(),
});

export const ZAssignee = z
  .object({
    orgNodeId: ZId.optional(),
    departmentCode: z.string().trim().min(1).max(40).nullish(),
    userId: ZId.nullish(),
  })
  .refine((a) => !!a.orgNodeId || !!a.userId, { message: 'a unit (orgNodeId) or a person (userId)', path: ['orgNodeId'] });

export const ZStepBody = z.object({
  comment: z.string().trim().max(1000).optional(),
  assignee: ZAssignee.optional(),
  rating: ZEventRating.optional(),
  /** Working hours asked for (申请延期) or granted (同意延期, defaults to what was asked). */
  extensionHours: z.number().positive().max(2000).optional(),
  mergeInto: ZId.optional(),
  attachmentIds: z.array(ZId).max(9).optional(),
  /** The event's version the caller saw; a stale step answers 409. */
  expectedVersion: z.number().int().positive().optional(),
});

export const ZStepParams = z.object({ id: ZId, transition: ZTransitionName });
export const ZEventParams = z.object({ id: ZId });

export const ZBatchDispatch = z.object({
  ids: z.array(ZId).min(1).max(100),
  assignee: ZAssignee,
  comment: z.string().trim().max(1000).optional(),
});

export const ZDeadlineStatus = z.enum(['normal', 'warning', 'overdue']);

export const ZEventSummary = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  categoryId: z.string(),
  categoryName: z.string().nullable(),
  categoryCode: z.string().nullable(),
  state: z.string(),
  stateLabel: ZLabel,
  channel: z.string(),
  source: z.string().nullable(),
  sourceOrderNo: z.string().nullable(),
  urgency: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  address: z.string().nullable(),
  assigneeNodeId: z.string().nullable(),
  assigneeDepartmentCode: z.string().nullable(),
  assigneeUserId: z.string().nullable(),
  /** Names for the list's 处置单位 column (the person's name only on staff lists). */
  assigneeNodeName: z.string().nullable(),
  assigneeDepartmentName: z.string().nullable(),
  assigneeUserName: z.string().nullable(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  deadlineStatus: ZDeadlineStatus.nullable(),
  closeDueAt: z.string().nullable(),
  rating: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const ZBatchResult = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      ok: z.boolean(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
      event: ZEventSummary.optional(),
    }),
  ),
});

const ZStates = z.preprocess((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean)), z.array(ZEventState).max(14).optional());

export const ZEventListQuery = z.object({
  /** One or more states: `state=accepted&state=dispatched` or `state=accepted,dispatched`. */
  state: ZStates,
  deadline: ZDeadlineStatus.optional(),
  /** A node: its subtree (inside what the caller may read). */
  orgNodeId: ZId.optional(),
  /** A category or a group (the group's leaves too). */
  categoryId: ZId.optional(),
  assignee: z.enum(['me', 'myUnit']).optional(),
  channel: ZEventChannel.optional(),
  urgency: ZEventUrgency.optional(),
  /** Event code (or its start), title words, or a hotline order number. */
  q: z.string().trim().max(64).optional(),
  createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  sort: z.enum(['due_at', '-due_at', 'created', '-created']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/** The list's filters without paging or sort: the workbench's queue counts in one request. */
export const ZEventCountsQuery = ZEventListQuery.omit({ sort: true, page: true, pageSize: true });

export const ZEventCounts = z.object({
  total: z.number(),
  /** Every state, 0 when none. */
  byState: z.record(z.string(), z.number()),
  /** As the list's `deadline` filter counts them (normal includes events without a running clock). */
  byDeadline: z.object({ normal: z.number(), warning: z.number(), overdue: z.number() }),
});

export const ZMyEventsQuery = z.object({
  state: ZStates,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZEventPage = z.object({ items: z.array(ZEventSummary), total: z.number(), page: z.number(), pageSize: z.number() });

const ZAttributeDefinition = z.object({
  code: z.string(),
  label: z.string(),
  labelEn: z.string().optional(),
  datatype: z.string(),
  required: z.boolean(),
  description: z.string().optional(),
  order: z.number(),
  values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
});

export const ZEventLink = z.object({ kind: z.string(), id: z.string(), label: z.string(), href: z.string().nullable() });

/**
 * What another module passes to `addEventNote` (events.notes.ts): the record that took the event
 * up and the texts of its timeline entry. Checked like a request body (400 EVENT_NOTE_INVALID).
 */
export const ZEventNoteInput = z.object({
  /** `<module>.<thing>`, lower case: `mediation.case`. */
  kind: z
    .string()
    .max(60)
    .regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/),
  recordId: z.string().trim().min(1).max(64),
  /** The record's number or name as people say it (西调〔2026〕第3号). */
  label: z.string().trim().min(1).max(80),
  /** The entry's heading on the timeline, in both languages (转人民调解 / Sent to mediation). */
  title: z.object({ 'zh-CN': z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(80) }),
  /** What staff read. No confidential facts: everyone who may read the event reads it. */
  text: z.string().trim().min(1).max(500),
  /** What the reporter reads in their own view; absent or null: the entry is not shown to them. */
  reporterText: z.string().trim().min(1).max(500).nullish(),
  /** The record's console page (same-origin `/console/…`), for staff who may open it. */
  link: z
    .string()
    .max(200)
    .regex(/^\/console\/(?!.*\.\.)[A-Za-z0-9/_.~%-]*$/)
    .nullish(),
});
export type EventNoteInput = z.input<typeof ZEventNoteInput>;

export const ZEventDetail = ZEventSummary.extend({
  description: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  attributeDefinitions: z.array(ZAttributeDefinition),
  addressNodeId: z.string().nullable(),
  addressNodeName: z.string().nullable(),
  reporter: z.object({ kind: z.string(), name: z.string().nullable(), phone: z.string().nullable(), isMe: z.boolean() }),
  assignee: z
    .object({
      nodeId: z.string(),
      nodeName: z.string().nullable(),
      departmentCode: z.string().nullable(),
      departmentName: z.string().nullable(),
      userId: z.string().nullable(),
      userName: z.string().nullable(),
    })
    .nullable(),
  photos: z.array(z.object({ id: z.string(), mime: z.string(), name: z.string(), step: z.string(), createdAt: z.string(), url: z.string() })),
  timeline: z.array(
    z.object({
      /** `step`: a step of the loop (workflow history); `note`: a linked record another module wrote (events.notes.ts). */
      entry: z.enum(['step', 'note']),
      /** The workflow version a step made; null for a note (it changes no version). */
      version: z.number().nullable(),
      /** The step's name; `note` for a note. */
      transition: z.string(),
      label: ZLabel,
      fromState: z.string().nullable(),
      toState: z.string(),
      toLabel: ZLabel,
      actorName: z.string().nullable(),
      actorRole: z.string().nullable(),
      actorRoleLabel: ZLabel.nullable(),
      comment: z.string().nullable(),
      at: z.string(),
      rating: z.string().nullable(),
      extensionHours: z.number().nullable(),
      attachmentIds: z.array(z.string()),
      /** A note's record: kind (`mediation.case`), id, label (its number) and, for staff, its console page. */
      link: ZEventLink.nullable(),
    }),
  ),
  transitions: z.array(z.object({ name: z.string(), label: ZLabel, to: z.string(), requiresComment: z.boolean() })),
  mergedInto: z.object({ id: z.string(), code: z.string() }).nullable(),
  promotedFrom: z.string().nullable(),
  patrolId: z.string().nullable(),
  facts: z.object({
    acceptedAt: z.string().nullable(),
    firstDispatchedAt: z.string().nullable(),
    handlingStartedAt: z.string().nullable(),
    handledAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    closeDueAt: z.string().nullable(),
    closedOnTime: z.boolean().nullable(),
    dispatchCount: z.number(),
    returnCount: z.number(),
    handlingCount: z.number(),
    reworkCount: z.number(),
    extensionCount: z.number(),
    suspended: z.boolean(),
    escalatedAt: z.string().nullable(),
    ratedAt: z.string().nullable(),
    ratingComment: z.string().nullable(),
  }),
});

export const ZPublicEventsQuery = z.object({
  /** A community or grid: its subtree. */
  orgNodeId: ZId.optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const ZPublicEvents = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      categoryCode: z.string(),
      categoryName: z.string(),
      state: z.string(),
      stateLabel: ZLabel,
      closed: z.boolean(),
      gridId: z.string(),
      gridName: z.string(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      reportedOn: z.string(),
      closedOn: z.string().nullable(),
    }),
  ),
});

export const ZDispatchTargets = z.object({
  units: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), parentId: z.string().nullable() })),
  departments: z.array(z.object({ code: z.string(), name: z.string() })),
  handlers: z.array(z.object({ userId: z.string(), displayName: z.string(), role: z.string(), orgNodeId: z.string(), departmentCode: z.string().nullable() })),
});

export const ZPublicAreasQuery = z.object({
  /** A community: it and its grids. Without it: every community and grid that has an outline. */
  communityId: ZId.optional(),
});

const ZRing = z.array(z.array(z.number()));
export const ZAreaGeometry = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ZRing) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ZRing)) }),
]);

/** Outlines for the public map and the resident's map picker: shapes and names only, nobody's data (grids without an outline are left out). */
export const ZPublicAreas = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['community', 'grid']),
      /** The node above (a grid's community), to group grids under their community. */
      parentId: z.string().nullable(),
      /** Null only for a community without an outline of its own whose grids have one. */
      geometry: ZAreaGeometry.nullable(),
    }),
  ),
});
