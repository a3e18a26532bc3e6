/**
 * The portal's pages: plain HTML, no script at all (the CSP forbids every script), one
 * stylesheet from this origin, every value escaped. Each page has its language, a skip link,
 * labelled form fields, visible focus and dark-on-light text (contrast above 7:1), and shows
 * the portal's official address so that a person can tell it from a fake.
 */
import { escapeHtml as h } from '../respond/index.js';
import type { Lang, Texts, Consent } from './texts.js';

/**
 * The same wording with every string HTML-escaped, worked out once per wording (the texts are
 * fixed while the portal runs; escaping the consent text and the rest on every page was a
 * tenth of a page view's CPU).
 */
const ESCAPED = new WeakMap<object, Readonly<Record<string, string>>>();
function escapedOf<T extends Readonly<Record<string, string>>>(t: T): T {
  let e = ESCAPED.get(t);
  if (e === undefined) {
    e = Object.freeze(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, h(v)])));
    ESCAPED.set(t, e);
  }
  return e as T;
}

/** What every page needs. */
export interface PageBase {
  readonly lang: Lang;
  readonly t: Texts;
  readonly publicUrl: string;
}

/** The stylesheet (served at `/static/portal.css`). */
export const PORTAL_CSS = `:root{color-scheme:light}
body{font:1.05rem/1.6 system-ui,"Noto Sans KR",sans-serif;color:#111;background:#fff;margin:0}
header,main,footer{max-width:46rem;margin:0 auto;padding:1rem}
header{border-bottom:3px solid #0b3d91}
.site{font-weight:700;font-size:1.2rem;margin:0}
.official{margin:.25rem 0}
.official strong{font-family:ui-monospace,monospace;word-break:break-all}
a{color:#0b3d91}
a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=email],input[type=tel]{font-size:1.1rem;padding:.5rem;border:2px solid #333;border-radius:4px;width:100%;max-width:24rem;box-sizing:border-box}
.check label{display:inline;font-weight:400}
button{font-size:1.05rem;padding:.55rem 1.2rem;margin-top:1rem;background:#0b3d91;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#0b3d91;border:2px solid #0b3d91}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;border-bottom:1px solid #888;padding:.4rem}
.alert{border-left:5px solid #a30000;padding:.5rem 1rem;background:#fff4f4}
.note{border-left:5px solid #0b3d91;padding:.5rem 1rem;background:#f2f6fc}
.consent{white-space:pre-wrap;border:1px solid #888;padding:.75rem;max-height:16rem;overflow:auto}
footer{font-size:.95rem;color:#333;border-top:1px solid #888}`;

/** A page around `body`. */
export function layout(b: PageBase, title: string, body: string): string {
  const other: Lang = b.lang === 'ko' ? 'en' : 'ko';
  const E = escapedOf(b.t);
  return `<!doctype html>
<html lang="${b.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${h(title)} — ${E.site_title}</title>
<link rel="stylesheet" href="/static/portal.css"></head>
<body><a class="skip" href="#main">${E.skip}</a>
<header><p class="site">${E.site_title}</p>
<p class="official">${E.official_address} <strong>${h(b.publicUrl)}</strong></p>
<nav><a href="?lang=${other}" lang="${other}" hreflang="${other}">${E.language}</a></nav></header>
<main id="main" tabindex="-1"><h1>${h(title)}</h1>
${body}
</main>
<footer><p>${E.official_warning}</p></footer>
</body></html>`;
}

const hidden = (csrf: string, lang: Lang): string =>
  `<input type="hidden" name="csrf" value="${h(csrf)}"><input type="hidden" name="lang" value="${lang}">`;

/** The start page: one field, email or phone. */
export function lookupPage(b: PageBase, csrf: string): string {
  const E = escapedOf(b.t);
  return layout(b, b.t.lookup_title, `<p>${E.lookup_intro}</p>
<form method="post" action="/lookup">${hidden(csrf, b.lang)}
<label for="identifier">${E.identifier_label}</label>
<input type="text" id="identifier" name="identifier" required maxlength="254" autocomplete="email" inputmode="email" spellcheck="false">
<button type="submit">${E.send_code}</button></form>`);
}

/** The code page (the same for every identifier). */
export function codePage(b: PageBase, csrf: string, wrong: boolean): string {
  const E = escapedOf(b.t);
  return layout(b, b.t.code_title, `${wrong ? `<p class="alert" role="alert">${E.code_wrong}</p>` : ''}<p>${E.code_intro}</p>
<form method="post" action="/verify">${hidden(csrf, b.lang)}
<label for="code">${E.code_label}</label>
<input type="text" id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code">
<button type="submit">${E.check_code}</button></form>
<p><a href="/?lang=${b.lang}">${E.start_again}</a></p>`);
}

/** An error page. */
export function errorPage(b: PageBase, message: string): string {
  const E = escapedOf(b.t);
  return layout(b, b.t.site_title, `<p class="alert" role="alert">${h(message)}</p><p><a href="/?lang=${b.lang}">${E.start_again}</a></p>`);
}

/** One formatter per language, made once: building an `Intl.DateTimeFormat` costs far more than using one. */
const KST: Record<Lang, Intl.DateTimeFormat> = {
  ko: new Intl.DateTimeFormat('ko-KR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Seoul' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Seoul' }),
};

/** A time as a person reads it (Korea Standard Time, both languages). */
export function when(ms: number, lang: Lang): string {
  return `${KST[lang].format(ms)} KST`;
}

/** What the person's own page shows. */
export interface MeView extends PageBase {
  readonly csrf: string;
  readonly incidentId: string;
  readonly incidentName: string;
  readonly accountId: string;
  readonly name: string;
  readonly contact: string;
  readonly exposure?: { readonly fields: readonly string[]; readonly first: number; readonly last: number; readonly accesses: number };
  readonly actions: readonly string[];
  readonly contacts: readonly string[];
  readonly consent: Consent;
  readonly claimed: boolean;
  readonly notice?: string;
}

/** The person's own page: what of theirs, what to do, certificate, claim. */
export function mePage(v: MeView): string {
  const t = v.t;
  const E = escapedOf(t);
  const C = { title: escapedOf(v.consent.title)[v.lang], text: escapedOf(v.consent.text)[v.lang], version: h(v.consent.version) };
  const e = v.exposure;
  const facts = `<dl><dt>${E.incident}</dt><dd>${h(v.incidentName)} (${h(v.incidentId)})</dd>
<dt>${E.account}</dt><dd>${h(v.accountId)}</dd><dt>${E.verified_contact}</dt><dd>${h(v.contact)}</dd></dl>`;
  const exposed = e === undefined ? `<p class="note">${E.not_affected}</p>` : `<p>${E.me_intro}</p>
<table><caption class="skip">${E.me_title}</caption><thead><tr><th scope="col">${E.field_col}</th></tr></thead>
<tbody>${e.fields.map((f) => `<tr><td>${h(f)}</td></tr>`).join('')}</tbody></table>
<table><tbody><tr><th scope="row">${E.first_access}</th><td>${h(when(e.first, v.lang))}</td></tr>
<tr><th scope="row">${E.last_access}</th><td>${h(when(e.last, v.lang))}</td></tr>
<tr><th scope="row">${E.times}</th><td>${e.accesses}</td></tr></tbody></table>`;
  const actions = `<h2>${E.what_you_can_do}</h2><ul>${[...v.actions, t.default_actions].map((a) => `<li>${h(a)}</li>`).join('')}</ul>
<h2>${E.vishing_title}</h2><p class="alert">${E.vishing_text}</p>
<p>${E.official_address} <strong>${h(v.publicUrl)}</strong></p>
<h2>${E.contacts_title}</h2><ul>${v.contacts.map((c) => `<li>${h(c)}</li>`).join('')}</ul>`;
  const cert = e === undefined ? '' : `<h2>${E.certificate_title}</h2><p>${E.certificate_intro}</p>
<ul><li><a href="/certificate.jws" download>${E.download_jws}</a></li><li><a href="/certificate.pdf" download>${E.download_pdf}</a></li></ul>`;
  const claim = e === undefined ? '' : `<h2>${E.claim_title}</h2>${v.claimed
    ? `<form method="post" action="/claim/withdraw"><input type="hidden" name="csrf" value="${h(v.csrf)}"><input type="hidden" name="lang" value="${v.lang}">
<button type="submit" class="secondary">${E.claim_withdraw}</button></form>`
    : `<h3>${C.title}</h3><div class="consent" tabindex="0">${C.text}</div>
<p>${E.consent_version}: ${C.version}</p>
<form method="post" action="/claim"><input type="hidden" name="csrf" value="${h(v.csrf)}"><input type="hidden" name="lang" value="${v.lang}">
<input type="hidden" name="consent_version" value="${C.version}">
<label for="claim-name">${E.claim_name}</label><input type="text" id="claim-name" name="name" required maxlength="100" value="${h(v.name)}" autocomplete="name">
<p class="check"><input type="checkbox" id="claim-contact" name="contact_ok" value="yes" required> <label for="claim-contact">${E.claim_contact} ${h(v.contact)}</label></p>
<p class="check"><input type="checkbox" id="claim-consent" name="consent" value="yes" required> <label for="claim-consent">${E.claim_consent}</label></p>
<button type="submit">${E.claim_join}</button></form>`}`;
  const out = `<form method="post" action="/logout"><input type="hidden" name="csrf" value="${h(v.csrf)}"><input type="hidden" name="lang" value="${v.lang}"><button type="submit" class="secondary">${E.sign_out}</button></form>`;
  return layout(v, t.me_title, `${v.notice !== undefined ? `<p class="note" role="status">${h(v.notice)}</p>` : ''}${facts}${exposed}${actions}${cert}${claim}${out}`);
}
