import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sheetRows, workbookFirst, type SheetRow } from './spreadsheet.js';

/*
 * exceljs's own writer stores xl/workbook.xml last; its streaming reader needs that part before
 * it parses a worksheet (exceljs issue 3064). A file whose shared strings and relationships come
 * before the worksheet and the workbook after it fails every time with exceljs alone.
 */
describe('xlsx parts in the order the streaming reader needs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-sheet-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = async (file: string, chunks: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    for await (const c of chunks) parts.push(c);
    fs.writeFileSync(file, Buffer.concat(parts));
    return file;
  };
  const rowsOf = async (file: string) => {
    const out: SheetRow[] = [];
    const source = sheetRows(file, 'xlsx');
    for await (const r of source.rows) out.push(r);
    source.close();
    return out;
  };
  const exceljsAlone = async (file: string) => {
    const names: unknown[] = [];
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    for await (const sheet of reader) for await (const row of sheet) names.push((row.values as unknown[])[1]);
    return names;
  };

  it('reads a file whose workbook part comes after its worksheet, as exceljs alone cannot', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['姓名', '身份证号']);
    ws.addRow(['张三', '110101199003071234']);
    ws.addRow(['欧阳娜娜', '330482198702150026']);
    const written = path.join(dir, 'written.xlsx');
    fs.writeFileSync(written, Buffer.from(await wb.xlsx.writeBuffer()));
    // Shared strings, relationships and the sheet first; the workbook part after them.
    const hostile = await write(path.join(dir, 'hostile.xlsx'), workbookFirst(written, ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']));
    await expect(exceljsAlone(hostile)).rejects.toThrow(/sheets/);

    const expected = [
      { rowNumber: 1, cells: ['姓名', '身份证号'] },
      { rowNumber: 2, cells: ['张三', '110101199003071234'] },
      { rowNumber: 3, cells: ['欧阳娜娜', '330482198702150026'] },
    ];
    expect(await rowsOf(hostile)).toEqual(expected);
    expect(await rowsOf(written)).toEqual(expected);
    // The reordered bytes are a valid xlsx in their own right.
    const mended = await write(path.join(dir, 'mended.xlsx'), workbookFirst(hostile));
    expect(await exceljsAlone(mended)).toEqual(['姓名', '张三', '欧阳娜娜']);
  });

  it('streams a file already in order, or no zip at all, unchanged', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('表').addRow(['序号', 1]);
    const written = path.join(dir, 'plain.xlsx');
    fs.writeFileSync(written, Buffer.from(await wb.xlsx.writeBuffer()));
    const ordered = await write(path.join(dir, 'ordered.xlsx'), workbookFirst(written));
    const again = await write(path.join(dir, 'again.xlsx'), workbookFirst(ordered));
    expect(fs.readFileSync(again).equals(fs.readFileSync(ordered))).toBe(true);
    const notZip = path.join(dir, 'not-a-zip.xlsx');
    fs.writeFileSync(notZip, '姓名,身份证号\n');
    const copied = await write(path.join(dir, 'copied.bin'), workbookFirst(notZip));
    expect(fs.readFileSync(copied).toString('utf8')).toBe('姓名,身份证号\n');
  });
});
