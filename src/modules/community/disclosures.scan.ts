import type { PlatformContext } from '../../platform/context.js';
import { blobPath } from '../../platform/files/files.service.js';
import { findSensitive, type SensitiveKind } from '../../platform/cn/sensitive-scan.js';
import { formatOfMime, sheetRows } from '../../platform/files/spreadsheet.js';

/**
 * What a disclosure would publish, searched for personal numbers: its title and text, and every
 * cell of its xlsx and CSV attachments (registers of aid recipients come as spreadsheets). PDFs
 * and photos cannot be read here: they are listed as unscanned, and the publisher must confirm
 * they checked them by eye.
 */

export interface Finding {
  where: 'title' | 'body' | 'attachment';
  attachmentName?: string;
  /** Spreadsheet position as people say it: row 12, column C. */
  row?: number;
  column?: string;
  kind: SensitiveKind;
  masked: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Attachments that could not be read (PDF, images). */
  unscanned: string[];
  /** More findings than listed. */
  truncated: boolean;
}

const MAX_FINDINGS = 50;

function columnName(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export async function scanDisclosure(
  ctx: PlatformContext,
  item: { title: string; body: string },
  attachments: { id: string; original_name: string; mime: string; sha256: string }[],
): Promise<ScanResult> {
  const findings: Finding[] = [];
  let total = 0;
  const add = (f: Finding) => {
    total++;
    if (findings.length < MAX_FINDINGS) findings.push(f);
  };
  for (const f of findSensitive(item.title)) add({ where: 'title', kind: f.kind, masked: f.masked });
  for (const f of findSensitive(item.body)) add({ where: 'body', kind: f.kind, masked: f.masked });
  const unscanned: string[] = [];
  for (const a of attachments) {
    const format = formatOfMime(a.mime);
    if (!format) {
      unscanned.push(a.original_name);
      continue;
    }
    const source = sheetRows(blobPath(ctx, a.sha256), format);
    try {
      for await (const row of source.rows) {
        row.cells.forEach((cell, i) => {
          if (cell === null || cell === undefined) return;
          const text = cell instanceof Date ? '' : String(cell);
          for (const f of findSensitive(text)) add({ where: 'attachment', attachmentName: a.original_name, row: row.rowNumber, column: columnName(i), kind: f.kind, masked: f.masked });
        });
      }
    } catch {
      // A file that will not parse cannot be vouched for.
      unscanned.push(a.original_name);
    } finally {
      source.close();
    }
  }
  return { findings, unscanned, truncated: total > findings.length };
}
