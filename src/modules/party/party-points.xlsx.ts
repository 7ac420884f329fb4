import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { nodeNames } from './organisations.repository.js';
import { beijingDay, beijingTime, chineseDate } from './party.common.js';
import { ITEM_UNITS, scoresForOrg } from './party-points.service.js';
import { POINTS_ITEMS } from './party-points.table.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Two ideographic spaces: how a Chinese form separates items on one line. */
const GAP = '\u3000\u3000';

/**
 * 党员积分统计表 as a clerk's table: the title, the unit (the organisation and its community),
 * the year and the date made on their own rows; per member the units and points of each item,
 * the adjustments and the total; then how the points are counted. One audit row per export.
 */
export async function exportScores(ctx: PlatformContext, actor: Actor, q: { orgId: string; year?: number }, meta: RequestMeta) {
  const data = await scoresForOrg(ctx, actor, q, meta, 'party.points.export');
  const now = ctx.now();
  const community = (await nodeNames(ctx.db.kysely, [data.org.org_node_id])).get(data.org.org_node_id) ?? '';
  const rules = data.items[0]?.items ?? [];

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Linli 邻里';
  workbook.created = now;
  const sheet = workbook.addWorksheet('党员积分', { views: [{ state: 'frozen', xSplit: 3, ySplit: 6 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const labels = { attendance: '组织生活出勤', study: '学习', volunteering: '志愿服务', good_deed: '好人好事' } as const;
  const width = 3 + POINTS_ITEMS.length * 2 + 2;
  sheet.columns = [{ width: 6 }, { width: 12 }, { width: 22 }, ...POINTS_ITEMS.flatMap(() => [{ width: 9 }, { width: 8 }]), { width: 10 }, { width: 9 }];
  const line = (text: string, opts: { bold?: boolean; size?: number; center?: boolean } = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.font = { bold: opts.bold, size: opts.size };
    row.alignment = { horizontal: opts.center ? 'center' : 'left' };
    return row;
  };
  line(`${data.year}年度党员积分统计表`, { bold: true, size: 16, center: true });
  line(`单位：${community ? `${community}\u3000` : ''}${data.orgName}`);
  line(`统计年度：${data.year}年1月1日至${data.year}年12月31日${GAP}统计截至：${beijingTime(now)}${GAP}党员人数：${data.items.length}`);
  line(`制表日期：${chineseDate(beijingDay(now))}${GAP}制表人：${actor.displayName}`);

  const border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } } as const;
  const headFill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } } as const;
  const top = sheet.addRow(['序号', '姓名', '所在支部', ...POINTS_ITEMS.flatMap((i) => [labels[i], labels[i]]), '调整', '合计']);
  const sub = sheet.addRow(['序号', '姓名', '所在支部', ...POINTS_ITEMS.flatMap((i) => [`数量（${ITEM_UNITS[i]['zh-CN']}）`, '得分']), '调整', '合计']);
  for (const c of [1, 2, 3, width - 1, width]) sheet.mergeCells(top.number, c, sub.number, c);
  POINTS_ITEMS.forEach((_, k) => sheet.mergeCells(top.number, 4 + k * 2, top.number, 5 + k * 2));
  for (const row of [top, sub]) {
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    for (let c = 1; c <= width; c++) {
      row.getCell(c).border = border;
      row.getCell(c).fill = headFill;
    }
  }
  data.items.forEach((s, n) => {
    const row = sheet.addRow([n + 1, s.name, s.branchName, ...s.items.flatMap((i) => [i.units, i.points]), s.adjustmentTotal, s.total]);
    for (let c = 1; c <= width; c++) row.getCell(c).border = border;
    row.getCell(1).alignment = { horizontal: 'center' };
    row.getCell(width).font = { bold: true };
  });
  sheet.addRow([]);
  const ruleText = rules.map((r) => `${labels[r.item]}每${ITEM_UNITS[r.item]['zh-CN']} ${r.pointsPerUnit} 分${r.yearlyCap !== null ? `，全年最多 ${r.yearlyCap} 分` : ''}`).join('；');
  line(`注：1. 积分规则：${ruleText || '—'}。`);
  line('2. 出勤指三会一课、主题党日签到出席；学习指完成学习资料；志愿服务按当年签到的服务时长计；好人好事指经社区核实、当年发生的好人好事。');
  line('3. 调整为党组织书记经审核后的加减分，每项调整均注明理由并留痕。');

  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  const fileName = `党员积分_${data.orgName.replace(/[\\/:*?"<>|、]/g, '_')}_${data.year}.xlsx`;
  return { buffer, fileName, rows: data.items.length };
}
