/**
 * Renders one notice from a compiled template and the person's values: the subject, the plain
 * text and the HTML body (the same blocks, so both say the same), and the SMS text. Every value
 * is escaped in HTML; values named `*_url` become links there. Pure and allocation-light: the
 * bulk renderer calls it once per person.
 */
import type { Block, NoticeTemplate } from './template-file.js';
import { fill, type Pieces } from './interpolate.js';
import type { NoticeKind } from './types.js';

/** What one person's notice says, before templating. */
export interface NoticeContent {
  readonly kind: NoticeKind;
  /** Every value name the template may use, with its text for this person. */
  readonly values: Readonly<Record<string, string>>;
  /** `fields`, `new_fields`, `measures` (labels, in the person's locale). */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** The person's exposed catalog field names (for `when_field`). */
  readonly fieldNames: ReadonlySet<string>;
}

/** A rendered notice. */
export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly sms: string;
}

const HTML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESC[c]!);
}

/** Columns `s` takes in a monospace font (Hangul and other wide scripts take two). */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x1100 ? 2 : 1;
  return w;
}

function shows(b: Block, c: NoticeContent): boolean {
  if (!b.kinds.has(c.kind)) return false;
  if (b.when !== undefined && (c.values[b.when] ?? '') === '') return false;
  if (b.whenField !== undefined && !c.fieldNames.has(b.whenField)) return false;
  return true;
}

/** Replaces the greeting and intro (the posting page opens with its own title and text). */
export interface Opening {
  readonly greeting: Pieces;
  readonly intro: readonly Pieces[];
}

/** Renders `c` with template `t` (with `opening` in place of the greeting and intro, when given). */
export function renderNotice(t: NoticeTemplate, c: NoticeContent, opening?: Opening): RenderedNotice {
  const greeting = opening?.greeting ?? t.greeting;
  const v = c.values;
  const plain = (name: string): string => v[name] ?? '';
  const html = (name: string): string => {
    const s = escapeHtml(v[name] ?? '');
    return name.endsWith('_url') && s !== '' ? `<a href="${s}">${s}</a>` : s;
  };
  const listOf = (name: string): readonly string[] => c.lists[name] ?? t.lists[name] ?? [];
  const txt: string[] = [fill(greeting, plain), ''];
  const htm: string[] = [`<!doctype html><html lang="${escapeHtml(t.locale)}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width"><title>${escapeHtml(fill(t.subject[c.kind], plain))}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5;max-width:40em;margin:auto;padding:1em">',
    opening === undefined ? `<p>${fill(greeting, html)}</p>` : `<h1 style="font-size:1.3em">${fill(greeting, html)}</h1>`];
  const para = (p: Pieces): void => {
    txt.push(fill(p, plain), '');
    htm.push(`<p>${fill(p, html)}</p>`);
  };
  for (const p of opening?.intro ?? t.intro[c.kind]) para(p);
  for (const s of t.sections) {
    const title = fill(s.title, plain);
    txt.push(title, '-'.repeat(Math.min(72, displayWidth(title))));
    htm.push(`<h2 style="font-size:1.1em">${fill(s.title, html)}</h2>`);
    for (const b of s.body) {
      if (!shows(b, c)) continue;
      if ('p' in b) { para(b.p); continue; }
      const items = listOf(b.list);
      if (items.length === 0) continue;
      for (const i of items) txt.push(`  - ${i}`);
      txt.push('');
      htm.push(`<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
    }
  }
  for (const p of t.closing) para(p);
  htm.push('</body></html>');
  return {
    subject: fill(t.subject[c.kind], plain),
    text: txt.join('\n'),
    html: htm.join('\n'),
    sms: fill(t.sms[c.kind], plain),
  };
}
