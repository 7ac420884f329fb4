export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * An import of a roster file: a background job with its progress and counts. Counts and
 * `processed_rows` advance in the same transaction as the rows they count, so after a crash
 * they say exactly how far the committed work went, and the job resumes from there.
 */
export interface ImportJobTable {
  id: string;
  /** What is imported: 'people' (the only kind so far). */
  kind: string;
  file_attachment_id: string;
  file_name: string;
  /** 'xlsx' | 'csv'. */
  format: string;
  /** JSON array of the file's column headings (the keys of `import_rejection.raw`, in sheet order). */
  columns: string;
  /** The community the rows' 楼栋/单元/房号 are looked up in. */
  community_id: string;
  /** The subtree the import writes into: the community, or a grid worker's grid. Rows resolving outside it are rejected. */
  org_path: string;
  dry_run: number;
  status: ImportStatus;
  /** Data rows in the file (counted before processing; exact once done). */
  total_rows: number | null;
  processed_rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Why the job failed (or the last error before a retry), in Chinese, numbers masked. */
  error: string | null;
  /** Token of the run holding the job; with `heartbeat_at` it keeps two workers off one import. */
  runner: string | null;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
}

/** A row the import did not take, with the reason in Chinese and the row as it was (numbers masked). */
export interface ImportRejectionTable {
  job_id: string;
  row_number: number;
  reason: string;
  /** JSON object: header → cell text (ID and phone masked). */
  raw: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    import_job: ImportJobTable;
    import_rejection: ImportRejectionTable;
  }
}
