/**
 * The regulator report as a document a person reads: one self-contained HTML page (inline
 * style, no scripts, no external fetches), every heading and label in Korean and English,
 * values escaped. Chromium prints the same page to PDF.
 */
import { textIn, type Text } from '../incident/details.js';
import type { RegulatorReport } from './regulator.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const both = (ko: string, en: string): string => `<span lang="ko">${esc(ko)}</span> <span lang="en" class="en">${esc(en)}</span>`;
const txt = (t: Text | null | undefined): string => {
  if (t === null || t === undefined) return '—';
  const ko = textIn(t, 'ko') ?? '';
  const en = textIn(t, 'en') ?? '';
  return ko === en ? esc(ko) : `${esc(ko)}<br><span class="en">${esc(en)}</span>`;
};
const row = (label: string, value: string): string => `<tr><th>${label}</th><td>${value}</td></tr>`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  `<table class="grid"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

const STATE: Record<string, [string, string]> = {
  met: ['기한 내 이행', 'met'], late: ['기한 경과 후 이행', 'late'], running: ['진행 중', 'running'],
  overdue: ['기한 경과', 'overdue'], not_required: ['해당 없음', 'not required'], no_deadline: ['지체 없이', 'without undue delay'],
};

/** Renders `r` as a complete HTML document. */
export function renderReportHtml(r: RegulatorReport): string {
  const title = r.kind === 'initial' ? both('개인정보 유출 신고 (최초)', 'Personal data breach report (initial)')
    : both(`개인정보 유출 추가 신고 (${r.n}차)`, `Personal data breach report (follow-up no. ${r.n})`);
  const items = Object.entries(r.items_leaked).sort((a, b) => b[1] - a[1]);
  const sections = [
    `<h1>${title}</h1>`,
    `<table class="kv">${[
      row(both('사고명', 'Incident'), `${esc(r.name)} (${esc(r.incident_id)})`),
      row(both('개인정보처리자', 'Controller'), txt(r.controller?.name)),
      row(both('작성 시각', 'Prepared at'), esc(r.created_at)),
      row(both('근거 범위 산정', 'Scope run'), `${esc(r.run.run_id)} (#${r.run.n}, ${esc(r.run.created_at)})`),
    ].join('')}</table>`,
    `<h2>${both('1. 유출된 개인정보 항목', '1. Items of personal data leaked')}</h2>`,
    `<p>${both('영향받은 정보주체 수', 'Persons affected')}: <b>${r.persons_affected}</b>; ${both('요청 수', 'requests')}: ${r.requests}</p>`,
    table([both('항목', 'Field'), both('정보주체 수', 'Persons')], items),
    `<h3>${both('일자별', 'By day')}</h3>`,
    table([both('일자', 'Day'), both('요청', 'Requests'), both('정보주체', 'Persons')], r.by_day.map((d) => [d.day, d.requests, d.accounts])),
    `<h2>${both('2. 유출 시점과 경위', '2. When and how')}</h2>`,
    `<table class="kv">${[
      row(both('기간', 'Period'), `${esc(r.when.from ?? '—')} – ${esc(r.when.to ?? '—')}`),
      row(both('경위', 'How'), txt(r.how.description)),
      row(both('탐지 규칙', 'Detected by'), esc(r.how.detectors.join(', ') || '—')),
      row(both('불법 접근 여부', 'Unlawful access'), r.how.unlawful_access ? both('예', 'yes') : both('아니오', 'no')),
    ].join('')}</table>`,
    `<h3>${both('경과', 'Timeline')}</h3>`,
    `<table class="kv">${[
      row(both('최초 악성 이벤트', 'First malicious event'), esc(r.timeline.first_malicious_event ?? '—')),
      row(both('탐지', 'Detected'), esc(r.timeline.detected ?? '—')),
      row(both('인지', 'Became aware'), esc(r.timeline.aware)),
      row(both('차단', 'Contained'), esc(r.timeline.contained ?? '—')),
      row(both('통지 완료', 'Persons notified'), esc(r.timeline.notified ?? '—')),
    ].join('')}</table>`,
    `<h3>${both('공격 출발지', 'Attacker sources')}</h3>`,
    table(['IP', both('국가', 'Country'), 'ASN', both('요청', 'Requests'), both('정보주체', 'Persons'), both('처음', 'First'), both('마지막', 'Last')],
      r.sources.map((s) => [s.ip, s.country ?? '—', s.asn ?? '—', s.requests, s.accounts, s.first, s.last])),
    `<h2>${both('3. 정보주체가 할 수 있는 조치', '3. What persons can do')}</h2>`,
    `<ul>${r.person_actions.map((a) => `<li>${txt(a)}</li>`).join('') || '<li>—</li>'}</ul>`,
    `<h2>${both('4. 대응 조치 및 피해 구제절차', '4. Measures taken and remedy procedure')}</h2>`,
    `<ul>${r.measures.map((a) => `<li>${txt(a)}</li>`).join('') || '<li>—</li>'}</ul>`,
    `<p>${both('구제절차', 'Remedy')}: ${txt(r.remedy)}</p>`,
    `<h2>${both('5. 담당 부서 및 연락처', '5. Department to contact')}</h2>`,
    `<p>${txt(r.contact?.department)} ${esc([r.contact?.phone, r.contact?.email].filter((x) => x !== undefined).join(' · '))}</p>`,
    `<h2>${both('신고·통지 기한 (72시간)', 'Deadlines (72 hours)')}</h2>`,
    table([both('의무', 'Duty'), both('근거', 'Basis'), both('기한', 'Due'), both('상태', 'State'), both('이행', 'Done')],
      r.clocks.map((c) => [textIn(c.label, 'ko') ?? c.id, textIn(c.basis, 'en') ?? '', c.due_at ?? '—', (STATE[c.state] ?? [c.state, c.state]).join(' / '), c.done_at ?? '—'])),
    `<p class="small">${both('기한 규칙', 'Deadline rules')}: ${esc(r.clock_rules.id)}, ${both('확인일', 'checked')} ${esc(r.clock_rules.as_of)}, ${both('시행', 'in force from')} ${esc(r.clock_rules.effective)}</p>`,
  ];
  if (r.changes !== null) {
    sections.push(`<h2>${both('직전 신고 이후 변경 사항', 'Changes since the previous report')}</h2>`,
      `<p>${both('직전 신고', 'Previous report')}: ${esc(r.changes.since_report)}; ${both('정보주체 수', 'persons')} ${r.changes.persons_before} → ${r.persons_affected}</p>`,
      table([both('추가', 'Added'), both('항목 증가', 'More fields'), both('제외', 'Removed'), both('변경 없음', 'Unchanged')],
        [[r.changes.added, r.changes.grown, r.changes.removed, r.changes.unchanged]]),
      table([both('새로 포함된 항목', 'Newly included field'), both('정보주체 수', 'Persons')], Object.entries(r.changes.new_fields)));
  }
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>${esc(r.name)} — ${esc(r.incident_id)}</title>
<style>body{font-family:"Noto Sans CJK KR","Noto Sans KR","Malgun Gothic",sans-serif;margin:2em;color:#111;font-size:11pt}
h1{font-size:18pt;border-bottom:2px solid #333}h2{font-size:13pt;margin-top:1.4em;border-bottom:1px solid #999}
.en{color:#444;font-size:90%}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
table.kv th{width:14em;background:#f2f2f2}table.grid th{background:#e8e8e8}.small{font-size:9pt;color:#555}</style></head>
<body>${sections.join('\n')}</body></html>
`;
}
