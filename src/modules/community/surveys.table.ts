export type SurveyStatus = 'draft' | 'published' | 'closed';

export interface SurveyTable {
  id: string;
  org_node_id: string;
  org_path: string;
  title: string;
  description: string;
  questions: string;
  audience: string;
  audience_label: string;
  anonymous: number;
  results_public: number;
  opens_at: string;
  closes_at: string;
  status: SurveyStatus;
  eligible_count: number;
  published_at: string | null;
  published_by: string | null;
  closed_at: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface SurveyEligibleTable {
  survey_id: string;
  person_id: string;
  user_id: string | null;
  org_path: string;
}

export interface SurveyParticipationTable {
  survey_id: string;
  person_id: string;
  /** Beijing day only: a time would let someone match it to an anonymous response. */
  responded_on: string;
}

export interface SurveyResponseTable {
  id: string;
  survey_id: string;
  person_id: string | null;
  user_id: string | null;
  submitted_at: string;
}

export interface SurveyAnswerTable {
  response_id: string;
  survey_id: string;
  question_id: string;
  option_id: string | null;
  rating: number | null;
  text: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    survey: SurveyTable;
    survey_eligible: SurveyEligibleTable;
    survey_participation: SurveyParticipationTable;
    survey_response: SurveyResponseTable;
    survey_answer: SurveyAnswerTable;
  }
}
