/**
 * The printable form of a certificate: the same statements as its JWS payload, in Korean and
 * English, with the JWS itself printed in full so that the paper copy can be checked too.
 * Self-contained (no fetches), printed to PDF by Chromium (`printPdf`).
 */
import { escapeHtml as h } from '../respond/index.js';
import type { CertificatePayload } from './certificate.js';
import { when } from './pages.js';

/** Field labels of both languages. */
export interface BothLabels { ko(field: string): string; en(field: string): string }

/** The certificate as a self-contained HTML page. */
export function certificateHtml(p: CertificatePayload, jws: string, labels: BothLabels): string {
  const row = (ko: string, en: string, v: string): string => `<tr><th>${h(ko)}<br><span>${h(en)}</span></th><td>${h(v)}</td></tr>`;
  const fields = p.fields.map((f) => `${labels.ko(f)} / ${labels.en(f)}`).join(', ');
  const t = (iso: string): string => `${when(Date.parse(iso), 'ko')} (${iso})`;
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>${h(p.certificate_id)}</title><style>
body{font:11pt/1.5 "Noto Sans CJK KR","Noto Sans KR",sans-serif;color:#000}h1{font-size:16pt;margin:0 0 .5em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #444;padding:4pt 6pt;text-align:left;vertical-align:top}
th{width:32%;background:#eee}th span{font-weight:400}pre{white-space:pre-wrap;word-break:break-all;font:7.5pt/1.3 monospace;border:1px solid #444;padding:4pt}
</style></head><body>
<h1>개인정보 노출 확인서 / Exposure certificate</h1>
<table>
${row('확인서 번호', 'Certificate id', p.certificate_id)}
${row('사고', 'Incident', `${p.incident_name} (${p.incident_id})`)}
${row('분석 실행', 'Scope run', p.run_id)}
${row('계정', 'Account', p.account_id)}
${row('확인된 연락처', 'Verified contact', `${p.verified_contact.value} (${p.verified_contact.channel}, ${p.verified_contact.verified_at})`)}
${row('노출 항목', 'Items exposed', fields)}
${row('최초 조회', 'First access', t(p.first_access))}
${row('마지막 조회', 'Last access', t(p.last_access))}
${row('조회 횟수', 'Number of accesses', String(p.accesses))}
${row('발급', 'Issued', t(p.issued_at))}
${row('발급처', 'Issuer', p.iss)}
</table>
<p>이 확인서는 아래 서명(JWS)으로 검증할 수 있습니다: <code>breachwatch certificate verify</code>, 공개 키 ${h(p.iss.replace(/\/$/, ''))}/.well-known/jwks.json<br>
This certificate can be checked from the signature (JWS) below with the key published at the issuer's /.well-known/jwks.json.</p>
<pre>${h(jws)}</pre>
</body></html>`;
}
