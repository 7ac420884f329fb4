import { CATEGORY_LABELS, chineseDate } from './party.common.js';
import type { MemberCategory } from './organisations.table.js';

/**
 * 中国共产党党员组织关系介绍信 as a printable A4 page in the customary three parts: the 存根 kept
 * by the issuing committee, the letter the member carries to the receiving organisation, and
 * the 回执 the receiver returns — each with the letter number and room for the seal. Plain HTML
 * with print CSS, no scripts (the CSP allows none inline). The ID number stays masked on paper:
 * the receiver checks it against the member's ID card.
 */

const esc = (s: string | null | undefined) => (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface LetterPrint {
  number: string;
  name: string;
  gender: string | null;
  birthDate: string | null;
  ethnicity: string | null;
  idMasked: string | null;
  category: MemberCategory;
  fromOrgName: string;
  toOrgName: string;
  issuerName: string;
  duesPaidUntil: string | null;
  validDays: number;
  validUntil: string | null;
  issuedOn: string;
}

function ageOn(birth: string | null, day: string): string {
  if (!birth) return '＿＿';
  let age = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  if (day.slice(5) < birth.slice(5)) age--;
  return String(age);
}

const month = (ym: string | null) => (ym ? `${Number(ym.slice(0, 4))}年${Number(ym.slice(5, 7))}月` : '＿＿年＿＿月');

export function renderLetter(l: LetterPrint): string {
  const category = CATEGORY_LABELS[l.category]['zh-CN'].replace('党员', '');
  const who = `${esc(l.name)}同志（${esc(l.gender ?? '＿')}，${ageOn(l.birthDate, l.issuedOn)}岁，${esc(l.ethnicity ?? '＿＿')}）`;
  const sealed = `<div class="seal"><div class="org">${esc(l.issuerName)}（盖章）</div><div>${chineseDate(l.issuedOn)}</div></div>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>党员组织关系介绍信 ${esc(l.number)}</title>
<style>
@page { size: A4 portrait; margin: 14mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC", serif; color: #000; font-size: 13pt; line-height: 1.75; }
.page { max-width: 178mm; margin: 0 auto; }
section { padding: 4mm 0; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 3px; margin: 0; font-family: "SimHei", "Heiti SC", "WenQuanYi Zen Hei", sans-serif; color: #b00; }
h2 { text-align: center; font-size: 12pt; font-weight: normal; margin: 0 0 1mm; }
.no { text-align: right; margin: 0 0 2mm; font-size: 11.5pt; }
p { margin: 0 0 1.5mm; text-indent: 2em; }
p.to { text-indent: 0; }
.seal { text-align: right; margin-top: 3mm; }
.cut { border-top: 1px dashed #000; margin: 2mm 0; text-align: center; font-size: 10pt; color: #333; }
.note { font-size: 10pt; color: #333; text-indent: 0; }
@media screen { body { background: #eee; } .page { background: #fff; padding: 10mm; margin: 6mm auto; } }
</style>
</head>
<body>
<main class="page">
<section aria-label="存根">
<h1>中国共产党党员组织关系介绍信</h1>
<h2>（存根）</h2>
<div class="no">${esc(l.number)}</div>
<p>${esc(l.name)}同志系中共${category}党员，身份证号码${esc(l.idMasked ?? '＿＿＿＿')}，组织关系由${esc(l.fromOrgName)}转到${esc(l.toOrgName)}。</p>
<p>党费交到${month(l.duesPaidUntil)}。（有效期${l.validDays}天）</p>
${sealed}
</section>
<div class="cut">（沿此线剪开）</div>
<section aria-label="介绍信">
<h1>中国共产党党员组织关系介绍信</h1>
<div class="no">${esc(l.number)}</div>
<p class="to">${esc(l.toOrgName)}：</p>
<p>${who}，系中共${category}党员，身份证号码${esc(l.idMasked ?? '＿＿＿＿')}，由${esc(l.fromOrgName)}去${esc(l.toOrgName)}，请转接组织关系。</p>
<p>该同志党费已交到${month(l.duesPaidUntil)}。</p>
<p>（有效期${l.validDays}天${l.validUntil ? `，至${chineseDate(l.validUntil)}` : ''}）</p>
${sealed}
<p class="note">身份证号码已作脱敏处理，请接收党组织与本人身份证原件核对。</p>
</section>
<div class="cut">（沿此线剪开，回执由接收党组织填写后寄回）</div>
<section aria-label="回执">
<h1>回执</h1>
<div class="no">${esc(l.number)}</div>
<p class="to">${esc(l.issuerName)}：</p>
<p>${esc(l.name)}同志的党员组织关系已转达我处，特此回执。</p>
<div class="seal"><div class="org">接收党组织（盖章）</div><div>&emsp;&emsp;年&emsp;&emsp;月&emsp;&emsp;日</div></div>
</section>
</main>
</body>
</html>`;
}
