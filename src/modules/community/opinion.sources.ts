import fs from 'node:fs';
import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { blobPath } from '../../platform/files/files.service.js';
import '../../platform/files/files.table.js';
import './suggestions.table.js';
import './visits.table.js';

/**
 * 舆情 sources. The ingest job PULLS texts from each registered source since that source's
 * watermark (no hooks in other modules): a source is one query over its own table(s).
 *
 * Contract of `since` (every source must keep it, or texts are counted twice or never):
 * - return at most `limit` items with `(at, id)` strictly after the watermark —
 *   `at > w.at OR (at = w.at AND id > w.id)` — ordered by `at`, then `id`, ascending;
 *   `watermark === null` means from the beginning;
 * - `at` is the time the row was WRITTEN (its `created_at`), ISO-8601 UTC, never changed later,
 *   so a row entered late is still found; `occurredAt` (optional) is the time the text is about
 *   (a visit's `visited_at`) and decides its week; default `at`;
 * - `orgNodeId` is the item's grid or a node under it (a building, a dwelling); the ingest maps it
 *   to its grid (or keeps a community when the item has no grid);
 * - `text` is what residents or staff wrote; it is segmented and scanned for watch words and never
 *   stored by the opinion module;
 * - the query runs inside the ingest transaction (`db` may be a Transaction); it must only read;
 *   `ctx` is there for sources that read more than rows (the visits source reads uploaded notes).
 *
 * Register a source once at module load: `registerOpinionSource({ name: 'forum', since })`.
 * `name` is stored in `opinion_term_week.source` and `opinion_watermark.source` (≤ 32 chars,
 * `[a-z0-9_-]`), so never rename one that has been ingested.
 */
export interface OpinionWatermark {
  at: string;
  id: string;
}

export interface OpinionItem {
  id: string;
  orgNodeId: string;
  at: string;
  occurredAt?: string;
  text: string;
}

export interface OpinionSource {
  name: string;
  /** Chinese label for the dashboard (帖子, 意见建议 …); defaults to the name. */
  label?: string;
  /** The console page showing the item (`/console/…`), for alerts; none when there is no such page. */
  consoleLink?: (id: string) => string;
  since(db: Executor, watermark: OpinionWatermark | null, limit: number, ctx: PlatformContext): Promise<OpinionItem[]>;
}

const sources = new Map<string, OpinionSource>();

/** Adds (or, with the same name, replaces) a source. Idempotent, so a module may be loaded twice in tests. */
export function registerOpinionSource(source: OpinionSource): void {
  if (!/^[a-z0-9_-]{1,32}$/.test(source.name)) throw new Error(`opinion source name must be [a-z0-9_-]{1,32}: ${source.name}`);
  sources.set(source.name, source);
}

/** Takes a source out (tests that register a source of their own). Its counts and watermark stay. */
export function unregisterOpinionSource(name: string): void {
  sources.delete(name);
}

/** Registered sources in name order (the ingest order). */
export function opinionSources(): OpinionSource[] {
  return [...sources.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function opinionSource(name: string): OpinionSource | undefined {
  return sources.get(name);
}

/**
 * The `(atColumn, idColumn) > watermark` condition for a Kysely `where` callback:
 * `.where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))`.
 */
export function afterWatermark(eb: any, atColumn: string, idColumn: string, watermark: OpinionWatermark | null) {
  const w = watermark ?? { at: '', id: '' };
  return eb.or([eb(atColumn, '>', w.at), eb.and([eb(atColumn, '=', w.at), eb(idColumn, '>', w.id)])]);
}

/** 意见建议: title and text, placed at the author's grid (or community). Hidden ones count too. */
export const suggestionsSource: OpinionSource = {
  name: 'suggestions',
  label: '意见建议',
  consoleLink: (id) => `/console/community/suggestions/${id}`,
  async since(db, watermark, limit) {
    const rows = await db
      .selectFrom('suggestion')
      .select(['id', 'org_node_id', 'created_at', 'title', 'content'])
      .where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, orgNodeId: r.org_node_id, at: r.created_at, text: `${r.title}\n${r.content}` }));
  },
};

/** The longest uploaded note read, in bytes: a visit note is a page or two, not a book. */
export const MAX_NOTE_BYTES = 64 * 1024;

/**
 * 走访: what was found, each need's kind and note, and the visit's uploaded TEXT notes (files of
 * purpose `community.visit` detected as `text/plain`/`text/csv`, UTF-8 or GB18030 — photos and
 * PDFs are not read). Placed at the household's node (the ingest maps it to its grid); the week
 * is the visit's day, the watermark its `created_at`.
 */
export const visitsSource: OpinionSource = {
  name: 'visits',
  label: '走访记录',
  consoleLink: () => '/console/community/visits',
  async since(db, watermark, limit, ctx) {
    const rows = await db
      .selectFrom('visit_record')
      .select(['id', 'org_path', 'visited_at', 'created_at', 'findings', 'needs', 'attachments'])
      .where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    const fileIds = [...new Set(rows.flatMap((r) => parseJson<string[]>(r.attachments, [])))];
    const notes = new Map<string, string>();
    for (let i = 0; i < fileIds.length; i += 500) {
      const files = await db
        .selectFrom('attachment')
        .select(['id', 'sha256', 'mime', 'size'])
        .where('id', 'in', fileIds.slice(i, i + 500))
        .where((eb) => eb.or([eb('mime', 'like', 'text/plain%'), eb('mime', 'like', 'text/csv%')]))
        .execute();
      for (const f of files) {
        const text = readNote(ctx, f.sha256, f.mime);
        if (text) notes.set(f.id, text);
      }
    }
    return rows.map((r) => {
      const needs = parseJson<{ kind: string; note: string }[]>(r.needs, []);
      const uploaded = parseJson<string[]>(r.attachments, []).map((id) => notes.get(id)).filter((t): t is string => !!t);
      const text = [r.findings, ...needs.map((n) => `${n.kind} ${n.note}`), ...uploaded].join('\n');
      const nodeId = r.org_path.split('/').filter(Boolean).pop()!;
      return { id: r.id, orgNodeId: nodeId, at: r.created_at, occurredAt: r.visited_at, text };
    });
  },
};

/** An uploaded text note, decoded by the charset its detection found; null if unreadable. */
function readNote(ctx: PlatformContext, sha256: string, mime: string): string | null {
  try {
    const fd = fs.openSync(blobPath(ctx, sha256), 'r');
    try {
      const buf = Buffer.alloc(MAX_NOTE_BYTES);
      const n = fs.readSync(fd, buf, 0, MAX_NOTE_BYTES, 0);
      const charset = /charset=gb18030/i.test(mime) ? 'gb18030' : 'utf-8';
      // A multi-byte character cut at the limit decodes to U+FFFD: harmless for counting.
      return new TextDecoder(charset).decode(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // A blob missing on this machine (a restore without files) must not stop the ingest.
    return null;
  }
}

registerOpinionSource(suggestionsSource);
registerOpinionSource(visitsSource);
