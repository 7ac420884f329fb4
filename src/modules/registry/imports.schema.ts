import * as z from 'zod';

/** Request and response shapes of the import API (shared with the console). */

const zFlag = () =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional();

/** Options of an upload, as query parameters or as form fields sent before the file. */
export const ZStartImportQuery = z.object({
  /** Preview: everything is checked and counted, nothing is written. */
  dryRun: zFlag(),
  /** The community (or, for a grid worker, the grid) to import into; default the caller's own when they have one. */
  communityId: z.string().min(1).max(32).optional(),
});

export const ZImportId = z.object({ id: z.string().min(1).max(32) });

export const ZImportStatus = z.enum(['queued', 'running', 'done', 'failed']);

export const ZImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
});

export const ZImportJob = z.object({
  id: z.string(),
  kind: z.string(),
  status: ZImportStatus,
  dryRun: z.boolean(),
  fileName: z.string(),
  format: z.enum(['xlsx', 'csv']),
  communityId: z.string(),
  /** Where the import writes: the community, or a grid worker's grid; people without 楼栋/单元/房号 are registered here. */
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  /** Data rows in the file (known before processing for most files; exact once done). */
  totalRows: z.number().int().nullable(),
  processedRows: z.number().int(),
  counts: ZImportCounts,
  /** Why it failed, or the last error before a retry (Chinese). */
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const ZRejection = z.object({
  /** Row number as the spreadsheet shows it. */
  rowNumber: z.number().int(),
  /** Why the row was not imported (Chinese). */
  reason: z.string(),
  /** The row's cells under their headers, ID and phone numbers masked. */
  raw: z.record(z.string(), z.string()),
});

export const ZRejectionPage = z.object({
  items: z.array(ZRejection),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZImportDetail = ZImportJob.extend({
  /** The first page of rejected rows (all of them: `/rejections` or `/rejections.xlsx`). */
  rejections: ZRejectionPage,
});

export const ZImportPage = z.object({
  items: z.array(ZImportJob),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export type ImportJobView = z.infer<typeof ZImportJob>;
export type ImportDetail = z.infer<typeof ZImportDetail>;
