import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/policy/actor.js';
import { GROUP_LABEL, report, resolveQuery } from './events.indicators.js';
import type { IndicatorCounts, IndicatorGroup, IndicatorQuery, IndicatorRates } from './indicators.schema.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Two ideographic spaces: how a Chinese form separates items on one line. */
const GAP = '\u3000\u3000';

type Cell = { header: string; width: number } & ({ count: keyof IndicatorCounts } | { rate: keyof IndicatorRates; hours?: true });

/** Column groups under a merged heading, as a 考核 form prints them. */
const SECTIONS: { title: string; cells: Cell[] }[] = [
  {
    title: '受理',
    cells: [
      { header: '上报数', width: 8, count: 'reported' },
      { header: '应受理数', width: 9, count: 'dueToAccept' },
      { header: '受理数', width: 8, count: 'accepted' },
      { header: '受理率', width: 8, rate: 'acceptanceRate' },
    ],
  },
  {
    title: '处置',
    cells: [
      { header: '应处置数', width: 9, count: 'dueToHandle' },
      { header: '其中挂账', width: 9, count: 'dueToHandleSuspended' },
      { header: '按期处置数', width: 10, count: 'handledOnTime' },
      { header: '按期处置率', width: 10, rate: 'onTimeHandlingRate' },
    ],
  },
  {
    title: '结案',
    cells: [
      { header: '应结案数', width: 9, count: 'dueToClose' },
      { header: '其中挂账', width: 9, count: 'dueToCloseSuspended' },
      { header: '结案数', width: 8, count: 'closed' },
      { header: '结案率', width: 8, rate: 'closingRate' },
      { header: '按期结案数', width: 10, count: 'closedOnTime' },
      { header: '按期结案率', width: 10, rate: 'onTimeClosingRate' },
    ],
  },
  {
    title: '派遣',
    cells: [
      { header: '派遣次数', width: 9, count: 'dispatches' },
      { header: '回退次数', width: 9, count: 'returns' },
      { header: '准确派遣率', width: 10, rate: 'accurateDispatchRate' },
    ],
  },
  {
    title: '返工',
    cells: [
      { header: '处置次数', width: 9, count: 'handlings' },
      { header: '返工次数', width: 9, count: 'reworks' },
      { header: '返工率', width: 8, rate: 'reworkRate' },
    ],
  },
  {
    title: '延期',
    cells: [
      { header: '派遣案件数', width: 10, count: 'dispatchedEvents' },
      { header: '延期案件数', width: 10, count: 'extended' },
      { header: '延期率', width: 8, rate: 'extensionRate' },
    ],
  },
  {
    title: '评价',
    cells: [
      { header: '评价数', width: 8, count: 'rated' },
      { header: '满意数', width: 8, count: 'satisfied' },
      { header: '满意率', width: 8, rate: 'satisfactionRate' },
    ],
  },
  {
    title: '平均时长（工作小时）',
    cells: [
      { header: '响应', width: 8, rate: 'avgResponseHours', hours: true },
      { header: '处置', width: 8, rate: 'avgHandlingHours', hours: true },
    ],
  },
];

const NOTES = [
  '注：1. 统计对象为统计期间内上报的事件（合并的重复事件不计），时限按统计截至时间判断；时长按工作日历的工作时间计算。',
  '2. 受理率 = 受理数 ÷ 应受理数；按期处置率 = 按期处置数 ÷（应处置数 − 挂账数）；结案率 = 结案数 ÷ 应结案数；按期结案率 = 按期结案数 ÷（应结案数 − 挂账数）。',
  '3. 准确派遣率 =（派遣次数 − 回退次数）÷ 派遣次数；返工率 = 返工次数 ÷ 处置次数；延期率 = 延期案件数 ÷ 派遣案件数；满意率 =（满意 + 基本满意）÷ 评价数。',
  '4. 分母为 0 时记“—”。',
];

/** `2026-11-26 10:00` Beijing time. */
function beijing(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

export interface IndicatorWorkbook {
  buffer: Buffer;
  fileName: string;
  rows: number;
}

/**
 * The indicators as a clerk's table: the title, the unit, the period and the date it was made
 * on their own rows, a two-level header (受理 / 处置 / 结案 … over their columns), one row per
 * group and the total, then the formulas. Rates are numbers formatted as percentages, so the
 * sheet can be summed and charted. One audit row per export.
 */
export async function exportIndicators(ctx: PlatformContext, actor: Actor, query: IndicatorQuery, meta: RequestMeta = {}): Promise<IndicatorWorkbook> {
  const action = 'events.indicators.export';
  const q = await resolveQuery(ctx, actor, query, action, meta);
  const data = await report(ctx, q);
  const now = ctx.now();

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Linli 邻里';
  workbook.created = now;
  const sheet = workbook.addWorksheet('考核指标', { views: [{ state: 'frozen', xSplit: 2, ySplit: 6 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const cells = SECTIONS.flatMap((s) => s.cells);
  const width = 2 + cells.length;
  sheet.columns = [{ width: 6 }, { width: data.groupBy === 'week' ? 26 : 24 }, ...cells.map((c) => ({ width: c.width }))];
  const line = (text: string, opts: { bold?: boolean; size?: number; center?: boolean } = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.font = { bold: opts.bold, size: opts.size };
    row.alignment = { horizontal: opts.center ? 'center' : 'left' };
    return row;
  };
  line('网格事件考核指标统计表', { bold: true, size: 16, center: true });
  line(`单位：${data.unit}`);
  line(`统计期间：${chineseDate(data.from)}至${chineseDate(data.to)}${GAP}分组：按${GROUP_LABEL[data.groupBy]}${GAP}统计截至：${beijing(new Date(data.asOf))}`);
  line(`制表日期：${chineseDate(beijing(now).slice(0, 10))}${GAP}制表人：${actor.displayName}`);

  const border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } } as const;
  const headFill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } } as const;
  const top = sheet.addRow(['序号', GROUP_LABEL[data.groupBy], ...SECTIONS.flatMap((s) => s.cells.map(() => s.title))]);
  const sub = sheet.addRow(['序号', GROUP_LABEL[data.groupBy], ...cells.map((c) => c.header)]);
  sheet.mergeCells(top.number, 1, sub.number, 1);
  sheet.mergeCells(top.number, 2, sub.number, 2);
  let col = 3;
  for (const s of SECTIONS) {
    if (s.cells.length > 1) sheet.mergeCells(top.number, col, top.number, col + s.cells.length - 1);
    col += s.cells.length;
  }
  for (const row of [top, sub]) {
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    for (let c = 1; c <= width; c++) {
      row.getCell(c).border = border;
      row.getCell(c).fill = headFill;
    }
  }

  const addGroup = (seq: number | string, g: IndicatorGroup, bold = false) => {
    const values = cells.map((c) => {
      if ('count' in c) return g.counts[c.count];
      const v = g.rates[c.rate];
      return v === null ? '—' : v;
    });
    const row = sheet.addRow([seq, g.label, ...values]);
    cells.forEach((c, i) => {
      const cell = row.getCell(3 + i);
      if ('rate' in c) {
        cell.numFmt = c.hours ? '0.0' : '0.0%';
        cell.alignment = { horizontal: 'right' };
      }
    });
    for (let c = 1; c <= width; c++) row.getCell(c).border = border;
    row.getCell(1).alignment = { horizontal: 'center' };
    if (bold) row.font = { bold: true };
  };
  data.groups.forEach((g, i) => addGroup(i + 1, g));
  addGroup('', data.total, true);
  sheet.addRow([]);
  for (const note of NOTES) line(note);

  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action,
    orgNodeId: q.node?.id ?? null,
    details: { from: data.from, to: data.to, groupBy: data.groupBy, orgNodeId: q.node?.id ?? null, rows: data.groups.length },
    ip: meta.ip,
    requestId: meta.requestId,
  });
  const fileName = `事件考核指标_${data.unit.replace(/[\\/:*?"<>|、]/g, '_')}_${data.from.replace(/-/g, '')}-${data.to.replace(/-/g, '')}.xlsx`;
  return { buffer, fileName, rows: data.groups.length };
}
