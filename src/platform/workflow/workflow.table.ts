/** One running case of a workflow (a grid event, a service application …). */
export interface WorkflowInstanceTable {
  id: string;
  /** The definition's name, e.g. `events.grid-event`. */
  definition: string;
  subject_type: string;
  subject_id: string;
  state: string;
  /** The node the case belongs to: roles are checked on its subtree. */
  org_node_id: string;
  /** When the current state's time limit runs out; null when no limit runs. */
  due_at: string | null;
  /** Set while the case sits in a suspended state: the time limit is stopped. */
  clock_paused_at: string | null;
  /** Multiplies every time limit (0.5 for an urgent case). */
  deadline_factor: number;
  /** Optimistic concurrency: every step moves it by one. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** One step of a case's history; append-only (triggers refuse update and delete). */
export interface WorkflowTransitionTable {
  id: string;
  instance_id: string;
  /** The instance version this step produced (1 for the start). */
  version: number;
  from_state: string | null;
  to_state: string;
  transition: string;
  actor_id: string | null;
  actor_role: string | null;
  comment: string | null;
  at: string;
  /** JSON. */
  data: string | null;
}

declare module '../db/schema.js' {
  interface Database {
    workflow_instance: WorkflowInstanceTable;
    workflow_transition: WorkflowTransitionTable;
  }
}
