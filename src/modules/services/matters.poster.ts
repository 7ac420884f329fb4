import type { MatterContent } from './matters.schema.js';

/**
 * The printable A4 poster of a matter (扫码即办): what to bring, how long it takes, where and
 * when, and a large QR code leading to the matter's mobile page. Plain HTML with print CSS and
 * an inline SVG, so any browser prints it (or saves it as PDF) without a PDF library and
 * without scripts (the CSP allows none inline).
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS = {
  'zh-CN': {
    guide: '办事指南',
    conditions: '申请条件',
    materials: '所需材料',
    time: '办理时限',
    days: (n: number) => (n === 0 ? '即办（当场办结）' : `${n}个工作日`),
    fee: '收费',
    where: '办理地点',
    hours: '办理时间',
    phone: '咨询电话',
    scan: '扫码查看完整指南、在线申请、查询进度',
    online: { online: '可网上办理', offline: '窗口办理', both: '可网上办理，也可窗口办理' },
    form: { original: '原件', copy: '复印件', original_and_copy: '原件及复印件', electronic: '电子材料' },
    copies: (n: number) => (n > 0 ? `${n}份` : ''),
    optional: '（如有）',
    slogan: '让信息多跑路，群众少跑腿',
  },
  en: {
    guide: 'Service guide',
    conditions: 'Who may apply',
    materials: 'What to bring',
    time: 'Time limit',
    days: (n: number) => (n === 0 ? 'Done on the spot' : `${n} working day${n > 1 ? 's' : ''}`),
    fee: 'Fee',
    where: 'Where',
    hours: 'Opening hours',
    phone: 'Phone',
    scan: 'Scan for the full guide, to apply online and to follow your application',
    online: { online: 'Apply online', offline: 'At the window', both: 'Online or at the window' },
    form: { original: 'original', copy: 'copy', original_and_copy: 'original and copy', electronic: 'photo or scan' },
    copies: (n: number) => (n > 0 ? `×${n}` : ''),
    optional: ' (if any)',
    slogan: 'Let data travel, not people',
  },
} as const;

export interface PosterInput {
  code: string;
  groupName: string;
  content: MatterContent;
  qrSvg: string;
  url: string;
  ownerName: string | null;
  lang: 'zh-CN' | 'en';
}

export function renderPoster(p: PosterInput): string {
  const w = WORDS[p.lang];
  const c = p.content;
  const title = p.lang === 'en' && c.nameEn ? c.nameEn : c.name;
  const materials = c.materials
    .slice(0, 10)
    .map((m) => `<li>${esc(m.name)}<span class="note">（${esc(w.form[m.form])}${esc(w.copies(m.copies))}）${m.required ? '' : esc(w.optional)}</span></li>`)
    .join('');
  const more = c.materials.length > 10 ? `<li class="note">……</li>` : '';
  const conditions = c.conditions
    .slice(0, 5)
    .map((x) => `<li>${esc(x)}</li>`)
    .join('');
  // The QR SVG comes from our own renderer (no user text in it); strip its XML prolog for inlining.
  const qr = p.qrSvg.replace(/^<\?xml[^>]*>\s*/, '');
  return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(w.guide)}</title>
<style>
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; color: #1f1f1f; }
.page { width: 186mm; min-height: 270mm; margin: 0 auto; padding: 6mm 4mm; display: flex; flex-direction: column; }
header { border-bottom: 3px solid #c8161d; padding-bottom: 4mm; margin-bottom: 5mm; }
.group { color: #c8161d; font-size: 14pt; letter-spacing: 2px; }
h1 { font-size: 26pt; margin: 2mm 0 1mm; line-height: 1.25; }
.summary { font-size: 12pt; line-height: 1.6; color: #434343; margin: 0; }
.facts { display: flex; gap: 4mm; margin: 4mm 0; }
.fact { flex: 1; border: 1px solid #d9d9d9; border-radius: 2mm; padding: 3mm; }
.fact b { display: block; font-size: 10pt; color: #8c8c8c; font-weight: normal; }
.fact span { font-size: 14pt; font-weight: bold; }
h2 { font-size: 15pt; margin: 4mm 0 2mm; border-left: 4px solid #c8161d; padding-left: 2mm; }
ul { margin: 0; padding-left: 6mm; font-size: 12pt; line-height: 1.6; }
.note { color: #8c8c8c; font-size: 10.5pt; }
.bottom { margin-top: auto; display: flex; gap: 6mm; align-items: center; border-top: 1px dashed #bfbfbf; padding-top: 5mm; }
.qr { width: 55mm; height: 55mm; flex: none; }
.qr svg { width: 100%; height: 100%; }
.where { font-size: 12pt; line-height: 1.7; }
.scan { font-size: 15pt; font-weight: bold; color: #c8161d; margin-bottom: 2mm; }
.url { font-size: 9pt; color: #8c8c8c; word-break: break-all; }
footer { text-align: center; font-size: 10pt; color: #8c8c8c; margin-top: 3mm; }
@media screen { body { background: #f0f0f0; } .page { background: #fff; margin: 8mm auto; box-shadow: 0 0 4mm rgba(0,0,0,.15); } }
</style>
</head>
<body>
<main class="page">
<header>
<div class="group">${esc(p.groupName)} · ${esc(w.guide)}${p.ownerName ? ` · ${esc(p.ownerName)}` : ''}</div>
<h1>${esc(title)}</h1>
<p class="summary">${esc(c.summary)}</p>
</header>
<div class="facts">
<div class="fact"><b>${esc(w.time)}</b><span>${esc(w.days(c.timeLimitDays))}</span></div>
<div class="fact"><b>${esc(w.fee)}</b><span>${esc(c.fee.free ? (p.lang === 'en' ? 'Free' : '免费') : (c.fee.description ?? ''))}</span></div>
<div class="fact"><b>${esc(w.online[c.mode])}</b><span>${esc(c.department)}</span></div>
</div>
<h2>${esc(w.conditions)}</h2>
<ul>${conditions}</ul>
${c.materials.length ? `<h2>${esc(w.materials)}</h2><ul>${materials}${more}</ul>` : ''}
<div class="bottom">
<div class="qr">${qr}</div>
<div class="where">
<div class="scan">${esc(w.scan)}</div>
<div><b>${esc(w.where)}：</b>${esc(c.place.address)}${c.place.window ? ` ${esc(c.place.window)}` : ''}</div>
<div><b>${esc(w.hours)}：</b>${esc(c.place.hours)}</div>
${c.place.phone ? `<div><b>${esc(w.phone)}：</b>${esc(c.place.phone)}</div>` : ''}
<div class="url">${esc(p.url)}</div>
</div>
</div>
<footer>${esc(w.slogan)} · ${esc(p.code)}</footer>
</main>
</body>
</html>`;
}
