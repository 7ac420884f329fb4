import * as z from 'zod';

/** zod shapes of 民意调查: the builder's questions, answers, staff and resident views, results. */

export const QUESTION_KINDS = ['single', 'multiple', 'text', 'rating'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const ZQuestionInput = z.object({
  kind: z.enum(QUESTION_KINDS),
  title: z.string().trim().min(1).max(200),
  required: z.boolean().default(false),
  /** single / multiple: the choices, in order (2–20). */
  options: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
  /** multiple: how many picks at least / at most. */
  minPicks: z.number().int().min(0).max(20).optional(),
  maxPicks: z.number().int().min(1).max(20).optional(),
  /** text: longest answer in characters (default 500). */
  maxLength: z.number().int().min(1).max(2000).optional(),
});
export type QuestionInput = z.infer<typeof ZQuestionInput>;

/** A stored question: ids fixed by the server (q1, q2 …; options a, b, c …) when the draft is saved. */
export interface Question {
  id: string;
  kind: QuestionKind;
  title: string;
  required: boolean;
  options?: { id: string; label: string }[];
  minPicks?: number;
  maxPicks?: number;
  maxLength?: number;
}

export const ZQuestion = z.object({
  id: z.string(),
  kind: z.enum(QUESTION_KINDS),
  title: z.string(),
  required: z.boolean(),
  options: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  minPicks: z.number().optional(),
  maxPicks: z.number().optional(),
  maxLength: z.number().optional(),
});

export const ZAudience = z.object({
  nodeIds: z.array(z.string().min(1).max(32)).min(1).max(50),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  tagMode: z.enum(['any', 'all']).default('any'),
});
export type Audience = z.infer<typeof ZAudience>;

export const ZSurveyDraft = z.object({
  orgNodeId: z.string().min(1).max(32),
  title: z.string().trim().min(2).max(100),
  description: z.string().trim().max(2000).default(''),
  questions: z.array(ZQuestionInput).min(1).max(50),
  audience: ZAudience,
  anonymous: z.boolean().default(false),
  resultsPublic: z.boolean().default(false),
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
});
export type SurveyDraft = z.infer<typeof ZSurveyDraft>;

/** A draft's edit: only the fields sent change (no defaults here, so an omitted flag is not reset). */
export const ZSurveyPatch = z.object({
  title: z.string().trim().min(2).max(100).optional(),
  description: z.string().trim().max(2000).optional(),
  questions: z.array(ZQuestionInput).min(1).max(50).optional(),
  audience: ZAudience.optional(),
  anonymous: z.boolean().optional(),
  resultsPublic: z.boolean().optional(),
  opensAt: z.iso.datetime({ offset: true }).optional(),
  closesAt: z.iso.datetime({ offset: true }).optional(),
  expectedVersion: z.number().int().min(1),
});

export const ZAnswerInput = z.object({
  questionId: z.string().min(1).max(16),
  optionIds: z.array(z.string().min(1).max(16)).max(20).optional(),
  rating: z.number().int().optional(),
  text: z.string().max(5000).optional(),
});
export type AnswerInput = z.infer<typeof ZAnswerInput>;
export const ZResponseInput = z.object({ answers: z.array(ZAnswerInput).max(60) });

export const ZSurveyStaff = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  questions: z.array(ZQuestion),
  audience: z.object({ nodeIds: z.array(z.string()), tags: z.array(z.string()), tagMode: z.enum(['any', 'all']) }),
  audienceLabel: z.string(),
  anonymous: z.boolean(),
  resultsPublic: z.boolean(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(['draft', 'published', 'closed']),
  open: z.boolean(),
  eligibleCount: z.number(),
  responseCount: z.number(),
  publishedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
});

export const ZSurveyMine = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  questions: z.array(ZQuestion),
  anonymous: z.boolean(),
  resultsPublic: z.boolean(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(['draft', 'published', 'closed']),
  open: z.boolean(),
  responded: z.boolean(),
});

export const ZResults = z.object({
  surveyId: z.string(),
  eligible: z.number(),
  responses: z.number(),
  /** responses / eligible, 0–1 (null when nobody was eligible). */
  turnout: z.number().nullable(),
  questions: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(QUESTION_KINDS),
      title: z.string(),
      answered: z.number(),
      options: z.array(z.object({ id: z.string(), label: z.string(), count: z.number() })).optional(),
      /** rating: how many gave 1 … 5, and the average. */
      ratingCounts: z.array(z.number()).optional(),
      average: z.number().nullable().optional(),
      /** text: how many wrote something (the texts themselves are in the xlsx, for staff). */
      texts: z.number().optional(),
    }),
  ),
});
