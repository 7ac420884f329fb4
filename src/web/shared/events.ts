/**
 * Shapes of the grid-event API (网格事件) that both apps read, inferred from the server's zod
 * schemas in src/modules/events/*.schema.ts. Type-only: nothing here reaches a bundle, so the
 * resident home page pays nothing for it, and a schema change shows up as a type error.
 */
import type * as z from 'zod';
import type {
  ZDispatchTargets,
  ZEventDetail,
  ZEventPage,
  ZEventSummary,
  ZPublicEvents,
  ZReportedEvent,
  ZReportEvent,
  ZStepBody,
  ZBatchResult,
  ZEventCounts,
  ZPublicAreas,
} from '../../modules/events/events.schema.js';
import type { ZCategory, ZCategoryAttribute, ZCategoryGroup, ZCategoryTree, ZPublicCategory, ZPublicCategoryTree } from '../../modules/events/categories.schema.js';
import type { ZCoverage, ZPatrol, ZPatrolDetail, ZPatrolPage } from '../../modules/events/patrols.schema.js';
import type { ZIndicatorGroup, ZIndicatorReport } from '../../modules/events/indicators.schema.js';

export type Label = { 'zh-CN': string; en: string };

export type EventSummary = z.infer<typeof ZEventSummary>;
export type EventDetail = z.infer<typeof ZEventDetail>;
export type EventPage = z.infer<typeof ZEventPage>;
export type TimelineEntry = EventDetail['timeline'][number];
export type EventPhoto = EventDetail['photos'][number];
export type AvailableStep = EventDetail['transitions'][number];
export type AttributeDefinition = EventDetail['attributeDefinitions'][number];
export type ReportEventBody = z.input<typeof ZReportEvent>;
export type ReportedEvent = z.infer<typeof ZReportedEvent>;
export type StepBody = z.input<typeof ZStepBody>;
export type BatchResult = z.infer<typeof ZBatchResult>;
export type DispatchTargets = z.infer<typeof ZDispatchTargets>;
export type PublicEvents = z.infer<typeof ZPublicEvents>;
export type PublicEvent = PublicEvents['items'][number];
export type EventCounts = z.infer<typeof ZEventCounts>;
export type PublicAreas = z.infer<typeof ZPublicAreas>;
export type PublicArea = PublicAreas['items'][number];

export type Category = z.infer<typeof ZCategory>;
export type CategoryAttribute = z.input<typeof ZCategoryAttribute>;
export type CategoryGroup = z.infer<typeof ZCategoryGroup>;
export type CategoryTree = z.infer<typeof ZCategoryTree>;
export type PublicCategory = z.infer<typeof ZPublicCategory>;
export type PublicCategoryTree = z.infer<typeof ZPublicCategoryTree>;

export type Patrol = z.infer<typeof ZPatrol>;
export type PatrolDetail = z.infer<typeof ZPatrolDetail>;
export type PatrolPage = z.infer<typeof ZPatrolPage>;
export type Coverage = z.infer<typeof ZCoverage>;

export type IndicatorReport = z.infer<typeof ZIndicatorReport>;
export type IndicatorGroup = z.infer<typeof ZIndicatorGroup>;

export type EventUrgency = '一般' | '紧急' | '特急';
export type EventRating = '满意' | '基本满意' | '不满意';
