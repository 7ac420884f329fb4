export type LectureStatus = 'draft' | 'published' | 'cancelled';

export interface LectureTable {
  id: string;
  org_node_id: string;
  org_path: string;
  title: string;
  speaker: string;
  body: string;
  video_url: string | null;
  place: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  taken: number;
  status: LectureStatus;
  cancel_reason: string | null;
  created_by: string;
  published_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LectureSignupTable {
  id: string;
  lecture_id: string;
  user_id: string;
  person_id: string | null;
  status: 'signed' | 'cancelled';
  attended_at: string | null;
  attended_method: 'staff' | 'qr' | null;
  attended_by: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    lecture: LectureTable;
    lecture_signup: LectureSignupTable;
  }
}
