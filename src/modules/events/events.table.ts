/** The loop's states, mirrored on grid_event.state (the workflow instance holds the truth). */
export type EventState =
  | 'reported'
  | 'accepted'
  | 'dispatched'
  | 'handling'
  | 'extension_requested'
  | 'suspended'
  | 'checking'
  | 'closed'
  | 'rated'
  | 'rejected'
  | 'withdrawn'
  | 'void_requested'
  | 'voided'
  | 'merged';

/** 上报渠道. `hotline` work orders carry their source (12345 …) and its order number. */
export type EventChannel = 'resident_app' | 'patrol' | 'phone' | 'hotline' | 'open311' | 'suggestion' | 'visit' | 'volunteer';
export type EventUrgency = '一般' | '紧急' | '特急';
export type EventRating = '满意' | '基本满意' | '不满意';
/** Who handles a category unless the dispatcher decides otherwise. */
export type HandlingUnit = 'community' | 'street' | 'department';

export type AttributeDatatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

/** An attribute a category asks for; Open311's service definition is generated from it. */
export interface CategoryAttribute {
  code: string;
  label: string;
  labelEn?: string;
  datatype: AttributeDatatype;
  required: boolean;
  description?: string;
  order: number;
  values?: { key: string; name: string }[];
}

export interface EventCategoryTable {
  id: string;
  parent_id: string | null;
  code: string;
  name: string;
  name_en: string | null;
  description: string | null;
  keywords: string | null;
  default_unit: HandlingUnit;
  default_department_code: string | null;
  /** Working hours to accept, to dispatch and to take up a dispatched event. */
  response_hours: number;
  /** Working hours from dispatch to the handler's 处置完毕. */
  handling_hours: number;
  /** JSON CategoryAttribute[]. */
  attributes: string;
  /** Offered to residents and Open311 clients (a leaf category marked public). */
  public: number;
  sort: number;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GridEventTable {
  id: string;
  code: string;
  category_id: string;
  title: string;
  description: string;
  channel: EventChannel;
  source: string | null;
  source_order_no: string | null;
  urgency: EventUrgency;
  state: EventState;
  workflow_instance_id: string | null;
  org_node_id: string;
  org_path: string;
  lat: number | null;
  lng: number | null;
  address: string | null;
  address_node_id: string | null;
  /** JSON object: attribute code → value (string or string[]). */
  attributes: string;
  reporter_user_id: string | null;
  reporter_person_id: string | null;
  reporter_token_id: string | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  patrol_id: string | null;
  /** `suggestion:<id>` or `visit:<id>` when promoted from such a record. */
  promoted_from: string | null;
  merged_into_id: string | null;
  assignee_node_id: string | null;
  assignee_department_code: string | null;
  assignee_user_id: string | null;
  escalated_at: string | null;
  stage_started_at: string | null;
  due_at: string | null;
  /** 80 % of the running stage's working time; the deadline job warns once it passes. */
  warn_at: string | null;
  warned_at: string | null;
  overdue_at: string | null;
  accepted_at: string | null;
  first_dispatched_at: string | null;
  handling_started_at: string | null;
  handled_at: string | null;
  closed_at: string | null;
  /** The handling time limit (from dispatch, moved by approved extensions and suspensions). */
  close_due_at: string | null;
  closed_on_time: number | null;
  dispatch_count: number;
  return_count: number;
  handling_count: number;
  rework_count: number;
  extension_count: number;
  suspended: number;
  rating: EventRating | null;
  rating_comment: string | null;
  rated_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface EventAttachmentTable {
  event_id: string;
  attachment_id: string;
  /** The step the file came with: report, progress, finish, check … */
  step: string;
  created_by: string | null;
  created_at: string;
}

export interface EventPatrolTable {
  id: string;
  grid_id: string;
  org_path: string;
  worker_user_id: string;
  started_at: string;
  ended_at: string | null;
  distance_m: number;
  point_count: number;
  event_count: number;
  summary: string | null;
}

export interface EventPatrolPointTable {
  patrol_id: string;
  seq: number;
  at: string;
  lat: number;
  lng: number;
  note: string | null;
}

/**
 * 事件关联记录: an entry another module wrote on an event's timeline (events.notes.ts), naming a
 * record of its own that took the event up (kind, record id, label).
 */
export interface EventNoteTable {
  id: string;
  event_id: string;
  /** `<module>.<thing>`, e.g. `mediation.case`. */
  kind: string;
  record_id: string;
  /** The record's number or name as people say it. */
  label: string;
  title_zh: string;
  title_en: string;
  /** What staff read on the timeline. */
  text: string;
  /** What the reporter reads in their own view; null: the entry is not shown to them. */
  reporter_text: string | null;
  /** A console page of the record (`/console/…`). */
  link: string | null;
  /** The event's state when the entry was written. */
  event_state: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    event_category: EventCategoryTable;
    grid_event: GridEventTable;
    event_attachment: EventAttachmentTable;
    event_patrol: EventPatrolTable;
    event_patrol_point: EventPatrolPointTable;
    event_note: EventNoteTable;
  }
}
