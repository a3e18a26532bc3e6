/**
 * Turns a planned notice into what its template fills in: the person's own fields by label,
 * their first and last access in the incident's time zone, and the incident's and rules'
 * values in the person's locale. What is the same for every person of a locale is built once.
 */
import { BreachwatchError } from '../../model/index.js';
import type { ByteBlock } from '../mail/index.js';
import type { IncidentInfo } from './incident-info.js';
import { listFor, textFor } from './incident-info.js';
import type { NoticeKit } from './kit.js';
import { CompiledNotice, type PersonalContent, type RenderedBytes } from './compiled-notice.js';
import type { NoticeContent, RenderedNotice } from './render-notice.js';
import type { NoticeTemplate } from './template-file.js';
import type { PlannedNotice } from './types.js';

/** Intl locale used for dates, by template locale. */
const DATE_LOCALES: Readonly<Record<string, string>> = { ko: 'ko-KR', en: 'en-GB' };

interface LocaleParts {
  readonly template: NoticeTemplate;
  readonly compiled: CompiledNotice;
  readonly time: MinuteFormat;
  readonly label: (f: string) => string;
}

/** Times kept formatted (a render's persons mostly share few minutes of access). */
const MINUTES_KEPT = 4096;

/**
 * A date-time format that shows no seconds, memoised per minute: every instant of a UTC
 * minute shows the same text (time zones' offsets since 1972 are whole minutes), and `Intl`
 * formatting costs far more than a lookup.
 */
class MinuteFormat {
  private readonly memo = new Map<number, string>();

  constructor(private readonly f: Intl.DateTimeFormat) {}

  format(ms: number): string {
    const minute = Math.floor(ms / 60_000);
    let s = this.memo.get(minute);
    if (s === undefined) {
      s = this.f.format(minute * 60_000);
      if (this.memo.size >= MINUTES_KEPT) this.memo.clear();
      this.memo.set(minute, s);
    }
    return s;
  }
}

/** Builds {@link NoticeContent} for each person; one per render. */
export class ContentBuilder {
  private readonly parts = new Map<string, LocaleParts>();

  /** `noticeDate`: the render's date (epoch ms), shown as the notice date. */
  constructor(private readonly kit: NoticeKit, private readonly incident: IncidentInfo, noticeDate: number) {
    for (const [locale, template] of kit.templates) {
      const dateLocale = DATE_LOCALES[locale] ?? locale;
      const time = new Intl.DateTimeFormat(dateLocale, {
        timeZone: incident.timezone, year: 'numeric', month: 'long', day: 'numeric',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
      });
      const day = new Intl.DateTimeFormat(dateLocale, { timeZone: incident.timezone, year: 'numeric', month: 'long', day: 'numeric' });
      const t = (x: Parameters<typeof textFor>[0]): string => textFor(x, locale);
      const pl = incident.possible_leak;
      const labels = kit.labels.get(locale);
      const fixed = {
        ...kit.rules.values,
        company: t(incident.company), incident_name: t(incident.name), how: t(incident.how), remedy: t(incident.remedy),
        aware_at: time.format(incident.aware_at), notice_date: day.format(noticeDate),
        contact_department: t(incident.contact.department), contact_phone: incident.contact.phone,
        contact_email: incident.contact.email, contact_hours: incident.contact.hours === undefined ? '' : t(incident.contact.hours),
        official_phone: incident.official_phone, portal_url: incident.portal_url,
        period_from: pl === undefined ? '' : time.format(pl.period.from),
        period_to: pl === undefined ? '' : time.format(pl.period.to),
        possible_reason: pl === undefined ? '' : t(pl.reason),
        posting_days: kit.rules.posting_days === null ? '' : String(kit.rules.posting_days),
      };
      this.parts.set(locale, {
        template, time: new MinuteFormat(time), compiled: new CompiledNotice(template, fixed, listFor(incident.measures, locale)),
        label: labels === undefined ? (f) => f : (f) => labels.label(f),
      });
    }
  }

  /** The template a person of directory locale `locale` gets. */
  templateFor(locale: string): NoticeTemplate {
    return this.partsFor(locale).template;
  }

  /** The labels of `fields` in `locale`. */
  labelsFor(locale: string, fields: readonly string[]): string[] {
    const p = this.partsFor(locale);
    return fields.map(p.label);
  }

  private partsFor(locale: string): LocaleParts {
    const p = this.parts.get(this.kit.localeFor(locale));
    if (p === undefined) throw new BreachwatchError('ERR_INTERNAL', `no template for locale ${locale}`);
    return p;
  }

  /** What of `n`'s notice in `locale` is the person's own. */
  personal(n: PlannedNotice, locale: string): PersonalContent {
    const p = this.partsFor(locale);
    const fields = n.fields.map(p.label);
    const newFields = n.new_fields.map(p.label);
    const name = n.contact?.name ?? '';
    return {
      kind: n.kind,
      values: {
        name: name === '' ? p.template.fallbackName : name,
        first_access: p.time.format(n.first_access), last_access: p.time.format(n.last_access),
        fields_inline: fields.join(', '), new_fields_inline: newFields.join(', '),
      },
      lists: { fields, new_fields: newFields },
      fieldNames: new Set(n.fields),
    };
  }

  /** The content of `n` in `locale` (a supported one; see {@link NoticeKit.localeFor}). */
  build(n: PlannedNotice, locale: string): NoticeContent {
    return this.partsFor(locale).compiled.content(this.personal(n, locale));
  }

  /** `n`'s notice in `locale`, rendered from the locale's compiled template (see compiled-notice.ts). */
  render(n: PlannedNotice, locale: string): RenderedNotice {
    return this.partsFor(locale).compiled.render(this.personal(n, locale));
  }

  /** {@link render} with the bodies in UTF-8 (for the message), in `scratch` when given (see {@link CompiledNotice.renderBytes}). */
  renderBytes(n: PlannedNotice, locale: string, scratch?: ByteBlock): RenderedBytes {
    return this.partsFor(locale).compiled.renderBytes(this.personal(n, locale), scratch);
  }
}
