/**
 * Everything wording-related a render needs, loaded once: the rules of one jurisdiction, its
 * template in every locale it lists, and the field labels per locale. The data lives in
 * `data/notice/` of the package (`rules/`, `templates/<rules>/`, `labels/`); a company may
 * point at its own folder of the same layout.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BreachwatchError } from '../../model/index.js';
import type { IncidentInfo } from './incident-info.js';
import { loadLabels, type FieldLabels } from './labels.js';
import { loadRules, type NoticeRules } from './rules.js';
import { loadTemplate, type NoticeTemplate } from './template-file.js';

/** The package's own notice data (`data/notice/`; the same path from `src/` and `dist/`). */
export const NOTICE_DATA_DIR = fileURLToPath(new URL('../../../data/notice/', import.meta.url));

/** The rules used when neither the caller nor the incident names one. */
export const DEFAULT_RULES = 'kr-pipa';

/** Loaded wording of one jurisdiction. */
export interface NoticeKit {
  readonly dataDir: string;
  readonly rules: NoticeRules;
  /** Template per locale of the rules. */
  readonly templates: ReadonlyMap<string, NoticeTemplate>;
  readonly labels: ReadonlyMap<string, FieldLabels>;
  /** The locale a person with directory locale `locale` gets (the rules' default when unsupported). */
  localeFor(locale: string): string;
}

/** What {@link loadNoticeKit} takes. */
export interface KitOptions {
  /** Rules id (`kr-pipa`, `eu-gdpr`); default: the incident's `jurisdiction`, else {@link DEFAULT_RULES}. */
  readonly rules?: string;
  /** A folder laid out like `data/notice/` (default {@link NOTICE_DATA_DIR}). */
  readonly dataDir?: string;
}

/**
 * Loads the rules, templates and labels for `incident`.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` (no such rules) / `ERR_INPUT_INVALID` (a template that fails its rules).
 */
export async function loadNoticeKit(incident: IncidentInfo, opts: KitOptions = {}): Promise<NoticeKit> {
  const dataDir = opts.dataDir ?? NOTICE_DATA_DIR;
  const id = opts.rules ?? incident.jurisdiction ?? DEFAULT_RULES;
  if (!/^[a-z0-9-]+$/.test(id)) throw new BreachwatchError('ERR_USAGE', `rules id '${id}': lower-case letters, digits and - only`);
  const rules = await loadRules(join(dataDir, 'rules', `${id}.yaml`));
  const templates = new Map<string, NoticeTemplate>();
  const labels = new Map<string, FieldLabels>();
  for (const locale of rules.locales) {
    const t = await loadTemplate(join(dataDir, 'templates', id, `${locale}.yaml`), rules);
    if (t.locale !== locale) throw new BreachwatchError('ERR_INPUT_INVALID', `${join(dataDir, 'templates', id, `${locale}.yaml`)}: $.locale is ${t.locale}`);
    templates.set(locale, t);
    labels.set(locale, await loadLabels(join(dataDir, 'labels'), locale, incident.labels[locale] ?? {}));
  }
  return {
    dataDir, rules, templates, labels,
    localeFor: (l) => (templates.has(l) ? l : rules.default_locale),
  };
}
