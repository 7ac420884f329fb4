export interface VisitPlanTable {
  id: string;
  org_node_id: string;
  org_path: string;
  title: string;
  tag: string;
  interval_days: number;
  active: number;
  created_at: string;
}

export type VisitKind = 'home' | 'phone' | 'other';

export interface VisitRecordTable {
  id: string;
  person_id: string;
  org_path: string;
  visitor_user_id: string;
  visitor_name: string;
  visited_at: string;
  kind: VisitKind;
  findings: string;
  needs: string;
  attachments: string;
  event_id: string | null;
  created_at: string;
}

export interface VisitAlertTable {
  user_id: string;
  day: string;
  overdue: number;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    visit_plan: VisitPlanTable;
    visit_record: VisitRecordTable;
    visit_alert: VisitAlertTable;
  }
}
