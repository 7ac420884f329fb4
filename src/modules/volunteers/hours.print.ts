import type { CertificateItem } from './hours.table.js';

/**
 * 志愿服务证明 as a printable A4 page, with what 民政部《志愿服务记录与证明出具办法（试行）》
 * (2020) asks a certificate to state: the volunteer's name, ID document type and (masked)
 * number, volunteer number, service time and content, the issuing organisation, its responsible
 * person, the handler, the certificate number and the date — and room for the seal. Plain HTML
 * with print CSS and no scripts (the CSP allows none inline). The ID number stays masked on paper.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const chineseDate = (day: string) => `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
/** Hours with one decimal as the rules count them (小时), e.g. 3.5. */
export const hoursOf = (minutes: number) => (Math.round((minutes / 60) * 10) / 10).toFixed(1);

export interface CertificatePrint {
  number: string;
  name: string;
  idType: string;
  idMasked: string | null;
  volunteerNumber: string;
  periodFrom: string;
  periodTo: string;
  totalMinutes: number;
  items: CertificateItem[];
  issuingOrg: string;
  responsiblePerson: string;
  handlerName: string;
  issuedOn: string;
}

export function renderCertificate(c: CertificatePrint): string {
  const rows = c.items
    .map((i, n) => `<tr><td class="c">${n + 1}</td><td class="d">${esc(i.date)}</td><td>${esc(i.title)}</td><td>${esc(i.organiser)}</td><td class="r">${hoursOf(i.minutes)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>志愿服务证明 ${esc(c.number)}</title>
<style>
@page { size: A4 portrait; margin: 20mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC", serif; color: #000; font-size: 14pt; line-height: 1.8; }
.page { max-width: 174mm; margin: 0 auto; }
h1 { text-align: center; font-size: 24pt; letter-spacing: 8px; margin: 0 0 2mm; font-family: "SimHei", "Heiti SC", "WenQuanYi Zen Hei", sans-serif; }
.no { text-align: right; margin: 0 0 6mm; font-size: 12pt; }
p { margin: 0 0 2mm; text-indent: 2em; }
table { width: 100%; border-collapse: collapse; margin: 3mm 0 4mm; font-size: 11.5pt; line-height: 1.5; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { font-weight: normal; background: #f5f5f5; }
td.c, th.c { text-align: center; width: 10mm; white-space: nowrap; }
td.d { white-space: nowrap; }
td.r, th.r { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; }
.sign { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm 8mm; margin-top: 8mm; }
.seal { margin-top: 10mm; text-align: right; }
.seal .org { font-size: 15pt; }
.note { font-size: 10.5pt; color: #333; margin-top: 8mm; text-indent: 0; }
@media screen { body { background: #f0f0f0; } .page { background: #fff; margin: 8mm auto; padding: 16mm 14mm; box-shadow: 0 0 4mm rgba(0,0,0,.15); } }
</style>
</head>
<body>
<main class="page">
<h1>志愿服务证明</h1>
<div class="no">证明编号：${esc(c.number)}</div>
<p>兹证明 <strong>${esc(c.name)}</strong>（${esc(c.idType)}：${esc(c.idMasked ?? '未登记')}；志愿者编号：${esc(c.volunteerNumber)}）于${chineseDate(c.periodFrom)}至${chineseDate(c.periodTo)}期间参加志愿服务 ${c.items.length} 次，累计志愿服务时长 <strong>${hoursOf(c.totalMinutes)} 小时</strong>（${c.totalMinutes} 分钟）。服务内容如下：</p>
<table>
<thead><tr><th class="c">序号</th><th>服务日期</th><th>服务内容</th><th>组织方</th><th class="r">时长（小时）</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><td colspan="4">合计</td><td class="r">${hoursOf(c.totalMinutes)}</td></tr></tfoot>
</table>
<p>以上志愿服务信息依据签到、签退记录如实记载，时长以实际服务时间为准，不超过活动时段。</p>
<p>特此证明。</p>
<div class="sign">
<div>负责人：${esc(c.responsiblePerson)}</div>
<div>经办人：${esc(c.handlerName)}</div>
</div>
<div class="seal">
<div class="org">出具组织（盖章）：${esc(c.issuingOrg)}</div>
<div>出具日期：${chineseDate(c.issuedOn)}</div>
</div>
<p class="note">本证明依据民政部《志愿服务记录与证明出具办法（试行）》出具。身份证件号码已作脱敏处理；如需核实，请凭证明编号向出具组织查询。</p>
</main>
</body>
</html>`;
}
