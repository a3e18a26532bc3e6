/**
 * A notice template file (`data/notice/templates/<rules>/<locale>.yaml`): subject, SMS text,
 * greeting, intro and closing per notice kind, and one section per required item of its
 * rules, each a list of blocks (a paragraph with placeholders, or a list). Loading checks it
 * against its rules — a missing required item, an unknown placeholder or list, or a kind
 * without a subject fails with the file and the place — and compiles every string once.
 */
import { z } from 'zod';
import { BreachwatchError } from '../../model/index.js';
import { loadDocument } from '../../ingest/index.js';
import { compilePieces, type Pieces } from './interpolate.js';
import type { NoticeRules } from './rules.js';
import { NOTICE_KINDS, type NoticeKind } from './types.js';

/** Values every notice has (besides the rules' own `values`). */
export const NOTICE_VALUES = [
  'name', 'company', 'incident_name', 'aware_at', 'first_access', 'last_access', 'period_from', 'period_to',
  'possible_reason', 'how', 'remedy', 'contact_department', 'contact_phone', 'contact_email', 'contact_hours',
  'official_phone', 'portal_url', 'notice_date', 'fields_inline', 'new_fields_inline', 'posting_days',
] as const;

/** A value name of {@link NOTICE_VALUES}. */
export type NoticeValueName = (typeof NOTICE_VALUES)[number];

/** Lists every notice has (besides the template's own `lists`). */
export const NOTICE_LISTS = ['fields', 'new_fields', 'measures'] as const;

/** A list name of {@link NOTICE_LISTS}. */
export type NoticeListName = (typeof NOTICE_LISTS)[number];

/** A compiled block: a paragraph or a list, with the conditions it appears under. */
export type Block =
  | { readonly p: Pieces; readonly kinds: ReadonlySet<NoticeKind>; readonly when?: string; readonly whenField?: string }
  | { readonly list: string; readonly kinds: ReadonlySet<NoticeKind>; readonly when?: string; readonly whenField?: string };

/** A compiled section. */
export interface Section {
  readonly item: string;
  readonly title: Pieces;
  readonly body: readonly Block[];
}

/** A loaded, checked and compiled template. */
export interface NoticeTemplate {
  readonly template: string;
  readonly locale: string;
  readonly version: string;
  /** What the greeting calls a person whose directory entry has no name. */
  readonly fallbackName: string;
  readonly subject: Readonly<Record<NoticeKind, Pieces>>;
  readonly sms: Readonly<Record<NoticeKind, Pieces>>;
  readonly greeting: Pieces;
  /** The website posting page's title and opening (no personal data: it is public). */
  readonly posting: { readonly title: Pieces; readonly intro: readonly Pieces[] };
  readonly intro: Readonly<Record<NoticeKind, readonly Pieces[]>>;
  readonly sections: readonly Section[];
  readonly closing: readonly Pieces[];
  /** Fixed lists the wording defines (`advice`, `never_ask`). */
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

const zKinds = z.object({ initial: z.string().min(1), update: z.string().min(1), possible_leak: z.string().min(1) });
const zParas = z.object({ initial: z.array(z.string()), update: z.array(z.string()), possible_leak: z.array(z.string()) });
const zCond = { kinds: z.array(z.enum(NOTICE_KINDS)).min(1).optional(), when: z.string().optional(), when_field: z.string().optional() };
const zBlock = z.union([
  z.object({ p: z.string().min(1), ...zCond }).strict(),
  z.object({ list: z.string().min(1), ...zCond }).strict(),
]);
const zTemplate = z.object({
  template: z.string().min(1),
  locale: z.string().min(2),
  version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  rules: z.string().min(1),
  fallback_name: z.string().min(1),
  subject: zKinds,
  sms: zKinds,
  greeting: z.string().min(1),
  posting: z.object({ title: z.string().min(1), intro: z.array(z.string().min(1)).min(1) }),
  intro: zParas,
  sections: z.array(z.object({ item: z.string().min(1), title: z.string().min(1), body: z.array(zBlock).min(1) })).min(1),
  closing: z.array(z.string()),
  lists: z.record(z.string(), z.array(z.string().min(1))).default({}),
});

/**
 * Loads the template at `path` and checks it against `rules`.
 * @throws BreachwatchError `ERR_INPUT_INVALID` naming the file and what is wrong.
 */
export async function loadTemplate(path: string, rules: NoticeRules): Promise<NoticeTemplate> {
  const t = await loadDocument(path, zTemplate);
  const bad = (where: string, why: string): never => {
    throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: ${where}: ${why}`);
  };
  if (t.rules !== rules.id) bad('$.rules', `is ${t.rules}, the rules loaded are ${rules.id}`);
  const values = new Set<string>([...NOTICE_VALUES, ...Object.keys(rules.values)]);
  const lists = new Set<string>([...NOTICE_LISTS, ...Object.keys(t.lists)]);
  const pieces = (s: string, where: string): Pieces => {
    const r = compilePieces(s, values);
    return r.ok ? r.value : bad(where, r.issues.map((i) => i.message).join('; '));
  };
  const perKind = <T>(f: (k: NoticeKind) => T): Record<NoticeKind, T> =>
    ({ initial: f('initial'), update: f('update'), possible_leak: f('possible_leak') });
  const sections = t.sections.map((s, i): Section => ({
    item: s.item,
    title: pieces(s.title, `$.sections[${i}].title`),
    body: s.body.map((b, j): Block => {
      const where = `$.sections[${i}].body[${j}]`;
      const cond = {
        kinds: new Set<NoticeKind>(b.kinds ?? NOTICE_KINDS),
        ...(b.when !== undefined && { when: values.has(b.when) ? b.when : bad(`${where}.when`, `unknown value ${b.when}`) }),
        ...(b.when_field !== undefined && { whenField: b.when_field }),
      };
      if ('list' in b) return lists.has(b.list) ? { list: b.list, ...cond } : bad(`${where}.list`, `unknown list ${b.list}`);
      return { p: pieces(b.p, `${where}.p`), ...cond };
    }),
  }));
  const have = new Set(sections.map((s) => s.item));
  const missing = rules.required_items.filter((r) => !have.has(r.id)).map((r) => `${r.id} (${r.basis})`);
  if (missing.length > 0) bad('$.sections', `no section for required item ${missing.join(', ')}`);
  return {
    template: t.template, locale: t.locale, version: t.version, fallbackName: t.fallback_name,
    subject: perKind((k) => pieces(t.subject[k], `$.subject.${k}`)),
    sms: perKind((k) => pieces(t.sms[k], `$.sms.${k}`)),
    greeting: pieces(t.greeting, '$.greeting'),
    posting: { title: pieces(t.posting.title, '$.posting.title'), intro: t.posting.intro.map((s, i) => pieces(s, `$.posting.intro[${i}]`)) },
    intro: perKind((k) => t.intro[k].map((s, i) => pieces(s, `$.intro.${k}[${i}]`))),
    sections,
    closing: t.closing.map((s, i) => pieces(s, `$.closing[${i}]`)),
    lists: t.lists,
  };
}
