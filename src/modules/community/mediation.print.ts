/**
 * 人民调解协议书 as a printable A4 page (the layout of the 司法部 model text): parties, the
 * dispute, what was agreed term by term, how and when it is to be done, signature lines and
 * the committee's seal. Plain HTML with print CSS and no scripts (the CSP allows none inline).
 * Numbers stay masked on paper too: the mediator writes the full ID number in by hand if the
 * parties want it on the signed copy.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const para = (s: string) =>
  s
    .split(/\n+/)
    .filter((x) => x.trim())
    .map((x) => `<p>${esc(x)}</p>`)
    .join('');
const chineseDate = (day: string | null) => (day ? `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日` : '　　年　　月　　日');
const DIGITS = '〇一二三四五六七八九十';
const chineseNumber = (n: number) => (n <= 10 ? DIGITS[n]! : n < 20 ? `十${DIGITS[n - 10]}` : `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`);

export interface AgreementPrint {
  number: string;
  communityName: string;
  category: string;
  summary: string;
  parties: { side: 'applicant' | 'respondent'; name: string; idMasked: string | null; phoneMasked: string | null; place: string | null; note: string | null }[];
  mediators: { name: string; role: 'lead' | 'helper' }[];
  agreement: { text: string; terms: string[]; performanceDeadline: string | null; signedOn: string | null };
}

export function renderAgreement(p: AgreementPrint): string {
  const party = (x: AgreementPrint['parties'][number]) =>
    `<tr><th>${x.side === 'applicant' ? '申请人' : '被申请人'}</th><td>${esc(x.name)}${x.note ? `（${esc(x.note)}）` : ''}</td><th>身份证号</th><td>${esc(x.idMasked ?? '')}</td></tr>` +
    `<tr><th>住址</th><td>${esc(x.place ?? '')}</td><th>联系电话</th><td>${esc(x.phoneMasked ?? '')}</td></tr>`;
  const copies = p.parties.length + 1;
  const terms = p.agreement.terms.map((t, i) => `<li><span class="n">${chineseNumber(i + 1)}、</span>${esc(t)}</li>`).join('');
  const signLines = p.parties.map((x) => `<div class="sign">${x.side === 'applicant' ? '申请人' : '被申请人'}（签名）：<span class="line"></span><span class="who">${esc(x.name)}</span></div>`).join('');
  const mediators = p.mediators.map((m) => esc(m.name)).join('、');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>人民调解协议书 ${esc(p.number)}</title>
<style>
@page { size: A4 portrait; margin: 20mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC", serif; color: #000; font-size: 14pt; line-height: 1.8; }
.page { max-width: 174mm; margin: 0 auto; }
h1 { text-align: center; font-size: 22pt; letter-spacing: 6px; margin: 0 0 2mm; font-family: "SimHei", "Heiti SC", "WenQuanYi Zen Hei", sans-serif; }
.no { text-align: right; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 4mm; font-size: 12pt; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { width: 18%; font-weight: normal; background: #fafafa; white-space: nowrap; }
h2 { font-size: 14pt; margin: 4mm 0 1mm; font-family: "SimHei", "Heiti SC", "WenQuanYi Zen Hei", sans-serif; }
p { margin: 0 0 1mm; text-indent: 2em; }
ol { list-style: none; padding: 0; margin: 0; }
ol li { text-indent: 2em; }
.signs { margin-top: 8mm; }
.sign { margin: 4mm 0; }
.line { display: inline-block; width: 45mm; border-bottom: 1px solid #000; }
.who { color: #595959; font-size: 11pt; margin-left: 3mm; }
.seal { margin-top: 10mm; text-align: right; }
.note { font-size: 11pt; color: #333; }
@media screen { body { background: #f0f0f0; } .page { background: #fff; margin: 8mm auto; padding: 16mm 14mm; box-shadow: 0 0 4mm rgba(0,0,0,.15); } }
@media print { .screen-only { display: none; } }
</style>
</head>
<body>
<main class="page">
<h1>人民调解协议书</h1>
<div class="no">${esc(p.number)}</div>
<table>${p.parties.map(party).join('')}</table>
<h2>纠纷主要事实、争议事项（${esc(p.category)}）</h2>
${para(p.summary)}
<h2>经调解，当事人自愿达成如下协议</h2>
${para(p.agreement.text)}
<ol>${terms}</ol>
<h2>履行方式、时限</h2>
<p>${p.agreement.performanceDeadline ? `当事人应于${chineseDate(p.agreement.performanceDeadline)}前履行完毕上述协议。` : '按上述协议约定履行。'}</p>
<p class="note">本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。本协议书一式${chineseNumber(copies)}份，当事人、人民调解委员会各持一份。经人民调解委员会调解达成的调解协议具有法律约束力，当事人应当按照约定履行；双方可以自协议生效之日起三十日内共同向人民法院申请司法确认。</p>
<div class="signs">
${signLines}
<div class="sign">人民调解员（签名）：<span class="line"></span><span class="who">${mediators}</span></div>
</div>
<div class="seal">${esc(p.communityName)}人民调解委员会（印章）<br>${chineseDate(p.agreement.signedOn)}</div>
</main>
</body>
</html>`;
}
