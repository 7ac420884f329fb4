export type OpportunityStatus = 'draft' | 'published' | 'cancelled';
export type SignupStatus = 'pending' | 'confirmed' | 'waiting' | 'declined' | 'cancelled';
/** Sign-ups that hold a place. */
export const PLACE_HOLDING: SignupStatus[] = ['pending', 'confirmed'];
/** Sign-ups still alive (a place or a position on the waiting list). */
export const ACTIVE_SIGNUP: SignupStatus[] = ['pending', 'confirmed', 'waiting'];

export interface VolunteerOpportunityTable {
  id: string;
  org_node_id: string;
  org_path: string;
  team_id: string | null;
  organiser: string;
  category: string;
  title: string;
  description: string;
  place: string;
  starts_at: string;
  ends_at: string;
  signup_deadline: string;
  quota: number;
  taken: number;
  signup_seq: number;
  skills: string;
  credit_minutes: number;
  requires_approval: number;
  cover_attachment_id: string | null;
  status: OpportunityStatus;
  cancel_reason: string | null;
  created_by: string;
  published_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolunteerSignupTable {
  id: string;
  opportunity_id: string;
  volunteer_id: string;
  status: SignupStatus;
  seq: number;
  placed_at: string | null;
  signed_up_by: string;
  on_behalf: number;
  decided_by: string | null;
  decided_at: string | null;
  decline_reason: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    volunteer_opportunity: VolunteerOpportunityTable;
    volunteer_signup: VolunteerSignupTable;
  }
}
