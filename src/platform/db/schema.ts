/**
 * The database's tables as Kysely sees them. Platform pieces and modules add their tables
 * by declaration merging (`declare module '.../db/schema.js' { interface Database { … } }`)
 * in their own `*.table.ts`, so the platform never imports a module by name.
 *
 * Conventions shared by both dialects (see docs/architecture.md):
 * - ids are 16-character text generated in code (`newId`);
 * - timestamps are ISO-8601 UTC text; dates are `YYYY-MM-DD` text;
 * - booleans are integers 0/1; JSON is text.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
