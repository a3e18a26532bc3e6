/**
 * A template compiled once per notice variant, so the bulk render fills in only what differs
 * per person. A variant is what decides which blocks a notice shows: its kind, which personal
 * values and lists are empty, and which `when_field` fields the person has. The first notice of
 * a variant is rendered by {@link renderNotice} with a marker in place of each personal value
 * and list; its output, split at the markers, is the variant's compiled form, and every later
 * notice of the variant is its literals joined with that person's values (escaped for HTML,
 * lists as one item a line). The same wording code produces both, and each variant is checked
 * once against a plain {@link renderNotice} of a real person: a template the markers cannot
 * stand in for (a personal value in a section title, whose underline depends on its width)
 * renders every notice the plain way. The literals are also kept in UTF-8, so a message's
 * bodies are mostly copied, not encoded, per person ({@link CompiledNotice.renderBytes}), into
 * memory the caller reuses from person to person.
 */
import { ByteBlock } from '../mail/index.js';
import { namesIn } from './interpolate.js';
import { escapeHtml, renderNotice, type NoticeContent, type RenderedNotice } from './render-notice.js';
import type { NoticeTemplate } from './template-file.js';

/** The values that differ from person to person (the rest are the same for a whole locale). */
export const PERSONAL_VALUES = ['name', 'first_access', 'last_access', 'fields_inline', 'new_fields_inline'] as const;

/** The lists that differ from person to person. */
export const PERSONAL_LISTS = ['fields', 'new_fields'] as const;

/** A personal value name. */
export type PersonalValue = (typeof PERSONAL_VALUES)[number];

/** A personal list name. */
export type PersonalList = (typeof PERSONAL_LISTS)[number];

/** What is one person's own in a notice. */
export interface PersonalContent {
  readonly kind: NoticeContent['kind'];
  readonly values: Readonly<Record<PersonalValue, string>>;
  readonly lists: Readonly<Record<PersonalList, readonly string[]>>;
  readonly fieldNames: ReadonlySet<string>;
}

/** Slot ids: a personal value's index, or a personal list's index after the values. */
const SLOTS: readonly string[] = [...PERSONAL_VALUES, ...PERSONAL_LISTS];
const MARK = '\u0000';
const marker = (slot: number): string => `${MARK}${slot}${MARK}`;

/** A rendered string split at the markers: literals at even positions, slot ids at odd ones. */
type Split = readonly (string | number)[];

interface Variant {
  readonly subject: Split;
  readonly text: Split;
  readonly html: Split;
  readonly sms: Split;
  /** The literals of `text` and `html` in UTF-8, encoded once for every person of the variant. */
  readonly textBytes: readonly Buffer[];
  readonly htmlBytes: readonly Buffer[];
}

/** A rendered notice with its bodies already in UTF-8 (what a message carries). */
export interface RenderedBytes {
  readonly subject: string;
  readonly text: Buffer;
  readonly html: Buffer;
  readonly sms: string;
}

/** One template with the fixed values of its locale, compiled per variant as persons come. */
export class CompiledNotice {
  private readonly variants = new Map<string, Variant | null>();
  private readonly whenFields: readonly string[];
  private readonly compilable: boolean;

  constructor(private readonly template: NoticeTemplate, private readonly fixed: Readonly<Record<string, string>>, private readonly measures: readonly string[]) {
    this.whenFields = [...new Set(template.sections.flatMap((s) => s.body.flatMap((b) => (b.whenField === undefined ? [] : [b.whenField]))))];
    this.compilable = !template.sections.some((s) => namesIn(s.title).some((n) => SLOTS.includes(n)))
      && !Object.values(fixed).some((v) => v.includes(MARK));
  }

  /** Variants compiled so far, and how many of them render the plain way (see the file's comment). */
  get variantCount(): { readonly compiled: number; readonly plain: number } {
    let plain = 0;
    for (const v of this.variants.values()) if (v === null) plain++;
    return { compiled: this.variants.size - plain, plain };
  }

  /** The full content of `p` (what the plain renderer takes). */
  content(p: PersonalContent): NoticeContent {
    return {
      kind: p.kind, values: { ...this.fixed, ...p.values }, lists: { ...p.lists, measures: this.measures }, fieldNames: p.fieldNames,
    };
  }

  /** Renders `p`: the same text as `renderNotice(template, content(p))`. */
  render(p: PersonalContent): RenderedNotice {
    const v = this.variantOf(p);
    if (v === null) return renderNotice(this.template, this.content(p));
    return fillVariant(v, p);
  }

  /**
   * {@link render} with the bodies in UTF-8, the literals copied rather than encoded again.
   * With `scratch`, the bodies are written after what it holds and are views of it (valid
   * until the caller reuses it: a bulk render empties it for every person); else each is a
   * buffer of its own.
   */
  renderBytes(p: PersonalContent, scratch?: ByteBlock): RenderedBytes {
    const text = scratch ?? new ByteBlock(0);
    const html = scratch ?? new ByteBlock(0);
    const v = this.variantOf(p);
    if (v === null) {
      const r = renderNotice(this.template, this.content(p));
      return { subject: r.subject, text: writeText(r.text, text), html: writeText(r.html, html), sms: r.sms };
    }
    const t = (n: number): string => textSlot(p, n);
    return {
      subject: fill(v.subject, t), text: fillBytes(v.text, v.textBytes, t, text), html: fillBytes(v.html, v.htmlBytes, (n) => htmlSlot(p, n), html), sms: fill(v.sms, t),
    };
  }

  private variantOf(p: PersonalContent): Variant | null {
    if (!this.compilable) return null;
    const key = this.keyOf(p);
    let v = this.variants.get(key);
    if (v === undefined) {
      v = this.compile(p);
      this.variants.set(key, v);
    }
    return v;
  }

  private keyOf(p: PersonalContent): string {
    let k = p.kind;
    for (const n of PERSONAL_VALUES) k += p.values[n] === '' ? '0' : '1';
    for (const n of PERSONAL_LISTS) k += p.lists[n].length === 0 ? '0' : '1';
    for (const f of this.whenFields) k += p.fieldNames.has(f) ? '1' : '0';
    return k;
  }

  /** The variant of `p`, or null when its markers do not give back the plain rendering of `p`. */
  private compile(p: PersonalContent): Variant | null {
    const values: Record<string, string> = { ...this.fixed };
    PERSONAL_VALUES.forEach((n, i) => { values[n] = p.values[n] === '' ? '' : marker(i); });
    const lists: Record<string, readonly string[]> = { measures: this.measures };
    PERSONAL_LISTS.forEach((n, i) => { lists[n] = p.lists[n].length === 0 ? [] : [marker(PERSONAL_VALUES.length + i)]; });
    const r = renderNotice(this.template, { kind: p.kind, values, lists, fieldNames: p.fieldNames });
    const [subject, text, html, sms] = [split(r.subject), split(r.text), split(r.html), split(r.sms)];
    if (subject === null || text === null || html === null || sms === null) return null;
    const literals = (x: Split): Buffer[] => x.filter((_, i) => i % 2 === 0).map((l) => Buffer.from(l as string, 'utf8'));
    const v: Variant = { subject, text, html, sms, textBytes: literals(text), htmlBytes: literals(html) };
    const plain = renderNotice(this.template, this.content(p));
    const filled = fillVariant(v, p);
    const same = filled.subject === plain.subject && filled.text === plain.text && filled.html === plain.html && filled.sms === plain.sms;
    return same ? v : null;
  }
}

/** `s` split at its markers, or null when a marker character in it is not one of them. */
function split(s: string): Split | null {
  const parts = s.split(MARK);
  if (parts.length % 2 === 0) return null;
  const out: (string | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) { out.push(parts[i]!); continue; }
    const slot = Number(parts[i]);
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS.length || parts[i] !== String(slot)) return null;
    out.push(slot);
  }
  return out;
}

function textSlot(p: PersonalContent, slot: number): string {
  if (slot < PERSONAL_VALUES.length) return p.values[PERSONAL_VALUES[slot]!];
  // A list stood in as one item `  - <marker>`: the items follow one another the same way.
  return p.lists[PERSONAL_LISTS[slot - PERSONAL_VALUES.length]!].join('\n  - ');
}

function htmlSlot(p: PersonalContent, slot: number): string {
  if (slot < PERSONAL_VALUES.length) return escapeHtml(p.values[PERSONAL_VALUES[slot]!]);
  // …and in HTML as one `<li><marker></li>`.
  return p.lists[PERSONAL_LISTS[slot - PERSONAL_VALUES.length]!].map(escapeHtml).join('</li><li>');
}

function fill(s: Split, slot: (n: number) => string): string {
  let out = s[0] as string;
  for (let i = 1; i < s.length; i += 2) out += slot(s[i] as number) + (s[i + 1] as string);
  return out;
}

/** `s` in UTF-8 appended to `into`; returns a view of what it wrote. */
function writeText(s: string, into: ByteBlock): Buffer {
  const start = into.length;
  const size = Buffer.byteLength(s, 'utf8');
  into.reserve(size).write(s, start, 'utf8');
  into.length += size;
  return into.view(start);
}

/**
 * {@link fill} into UTF-8 appended to `into`: the literals' bytes (`bytes[k]` is literal k)
 * with each slot encoded between; returns a view of what it wrote.
 */
function fillBytes(s: Split, bytes: readonly Buffer[], slot: (n: number) => string, into: ByteBlock): Buffer {
  const values: string[] = [];
  let size = 0;
  for (const b of bytes) size += b.length;
  for (let i = 1; i < s.length; i += 2) {
    const v = slot(s[i] as number);
    values.push(v);
    size += Buffer.byteLength(v, 'utf8');
  }
  const start = into.length;
  const out = into.reserve(size);
  let at = start + bytes[0]!.copy(out, start);
  for (let k = 0; k < values.length; k++) {
    at += out.write(values[k]!, at, 'utf8');
    at += bytes[k + 1]!.copy(out, at);
  }
  into.length = at;
  return out.subarray(start, at);
}

function fillVariant(v: Variant, p: PersonalContent): RenderedNotice {
  const t = (n: number): string => textSlot(p, n);
  const h = (n: number): string => htmlSlot(p, n);
  return { subject: fill(v.subject, t), text: fill(v.text, t), html: fill(v.html, h), sms: fill(v.sms, t) };
}
