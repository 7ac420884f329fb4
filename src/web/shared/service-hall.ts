/**
 * Shapes of the service hall's guide and application API (办事指南, 网上申请) that both apps
 * read, inferred from the server's zod schemas in src/modules/services/*.schema.ts. Type-only:
 * nothing here reaches a bundle.
 */
import type * as z from 'zod';
import type { ZGroupList, ZMatterDetail, ZMatterList, ZMatterSummary, ZFormField } from '../../modules/services/matters.schema.js';
import type {
  ZApplicationDetail,
  ZApplicationPage,
  ZApplicationSummary,
  ZBatchResult,
  ZFormValue,
  ZHandlers,
  ZPrefill,
  ZReceipt,
  ZStatistics,
  ZStepBody,
  ZSubmitted,
} from '../../modules/services/applications.schema.js';

export type MatterGroups = z.infer<typeof ZGroupList>;
export type MatterGroup = MatterGroups['items'][number];
export type MatterList = z.infer<typeof ZMatterList>;
export type MatterSummary = z.infer<typeof ZMatterSummary>;
export type MatterDetail = z.infer<typeof ZMatterDetail>;
export type MatterMaterial = MatterDetail['content']['materials'][number];
export type FormField = z.infer<typeof ZFormField>;
export type FormValue = z.infer<typeof ZFormValue>;

export type ApplicationSummary = z.infer<typeof ZApplicationSummary>;
export type ApplicationPage = z.infer<typeof ZApplicationPage>;
export type ApplicationDetail = z.infer<typeof ZApplicationDetail>;
export type ApplicationTimelineEntry = ApplicationDetail['timeline'][number];
export type ApplicationMaterial = ApplicationDetail['materials'][number];
export type ApplicationFile = ApplicationDetail['resultFiles'][number];
export type Prefill = z.infer<typeof ZPrefill>;
export type PrefillField = Prefill['fields'][number];
export type Receipt = z.infer<typeof ZReceipt>;
export type Submitted = z.infer<typeof ZSubmitted>;
export type ApplicationStepBody = z.input<typeof ZStepBody>;
export type ApplicationBatchResult = z.infer<typeof ZBatchResult>;
export type Handlers = z.infer<typeof ZHandlers>;
export type ServiceStatistics = z.infer<typeof ZStatistics>;
export type ServiceRating = '满意' | '基本满意' | '不满意';

export const MATTERS_API = '/api/v1/service-matters';
export const MY_APPLICATIONS_API = '/api/v1/me/service-applications';
export const APPLICATIONS_API = '/api/v1/service-applications';
/** Open states (still being handled). */
export const OPEN_APPLICATION_STATES = ['submitted', 'returned', 'accepted', 'approved'];
