import { cipherFromThreadKeys, type PiiThreadKeys } from '../../platform/crypto/pii.js';
import { countDataRows, type CellValue, type TableFormat } from '../../platform/files/spreadsheet.js';
import { WorkerStreamError, streamFromWorker } from '../../platform/workers/worker-stream.js';
import { ImportFileError, openTable, type Header } from './imports.parse.js';
import { normaliseRow, type RowResult } from './imports.normalise.js';
import { BLIND_ID_NUMBER, BLIND_PHONE } from './registry.pii.js';

/**
 * Reading an import file: the header, then every data row with what the row itself says
 * (normaliseRow), and, when asked, the number of data rows for the progress bar as soon as it
 * is known. It runs on a worker thread (readInWorker): parsing the XML and checking the rows
 * is as much CPU as writing them, and this way the two use both cores. With the PII keys it
 * also seals each good row's ID and phone numbers (ciphertext and blind index), the other
 * per-row CPU cost of a write.
 */

export interface ReadInput {
  file: string;
  format: TableFormat;
  /** Epoch ms of the job's "today" (the platform clock, which tests move). */
  today: number;
  /** Whether to count the data rows too (the job does not know its total yet). */
  count: boolean;
  /** To seal numbers with (PiiCipher.threadKeys()); without them rows come unsealed. */
  keys?: PiiThreadKeys;
}

/** A row's numbers, sealed: what the write path would compute for them. */
export interface Sealed {
  idNumber: { plain: string; enc: string; idx: string };
  phone?: { plain: string; enc: string; idx: string };
}

export type ReadItem =
  | { kind: 'header'; header: Header }
  | { kind: 'total'; total: number | null }
  | { kind: 'row'; rowNumber: number; cells: CellValue[]; result: RowResult; sealed?: Sealed };

export async function* readImportRows(input: ReadInput): AsyncGenerator<ReadItem> {
  const table = await openTable(input.file, input.format);
  const today = new Date(input.today);
  const pii = input.keys ? cipherFromThreadKeys(input.keys) : null;
  const seal = (kind: string, plain: string) => ({ plain, enc: pii!.encrypt(plain), idx: pii!.blindIndex(kind, plain) });
  try {
    yield { kind: 'header', header: table.header };
    let total: number | null | undefined;
    let totalSent = !input.count;
    // Counted beside the reading, not before it: the rows start at once.
    if (input.count) void countDataRows(input.file, input.format, table.header.rowNumber).then((n) => (total = n));
    for await (const row of table.rows) {
      if (!totalSent && total !== undefined) {
        totalSent = true;
        yield { kind: 'total', total };
      }
      const result = normaliseRow(table.header, row.cells, today);
      let sealed: Sealed | undefined;
      if (pii && result.ok) {
        const p = result.person;
        sealed = { idNumber: seal(BLIND_ID_NUMBER, p.idNumber), ...(p.phone ? { phone: seal(BLIND_PHONE, p.phone) } : {}) };
      }
      yield { kind: 'row', rowNumber: row.rowNumber, cells: row.cells, result, sealed };
    }
  } finally {
    table.close();
  }
}

export interface ImportReader {
  header: Header;
  /** Rows and, once, the total (when counted). */
  items: AsyncGenerator<Exclude<ReadItem, { kind: 'header' }>>;
  close(): Promise<void>;
}

const BATCH = 500;

/**
 * Starts reading on a worker thread; resolves once the header is read (a bad file throws
 * ImportFileError here). The worker may read up to `aheadRows` rows ahead of the consumer:
 * enough for the next chunk to be ready when the last one is written, or the writer waits.
 */
export async function readInWorker(input: ReadInput, aheadRows: number): Promise<ImportReader> {
  const entry = new URL(`./imports.read.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const stream = streamFromWorker<ReadItem>(entry, input, { batch: BATCH, window: Math.max(2, Math.ceil(aheadRows / BATCH)) });
  const items = fileErrors(stream.items);
  try {
    const first = await items.next();
    if (first.done || first.value.kind !== 'header') throw new Error('import reader: no header');
    return { header: first.value.header, items: items as ImportReader['items'], close: stream.close };
  } catch (e) {
    await stream.close();
    throw e;
  }
}

/** An ImportFileError of the worker is raised as one here (the job fails it with its reason). */
async function* fileErrors(items: AsyncGenerator<ReadItem>): AsyncGenerator<ReadItem> {
  try {
    yield* items;
  } catch (e) {
    if (e instanceof WorkerStreamError && e.name === 'ImportFileError') {
      const p = e.remote.props as { code: string; reason: string; params?: Record<string, string | number> };
      throw new ImportFileError(p.code, p.reason, p.params ?? {});
    }
    throw e;
  }
}
