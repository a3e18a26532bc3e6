/**
 * The rules file of a jurisdiction (`data/notice/rules/<id>.yaml`): which items a notice to
 * each person must hold and on what legal basis, the deadline, the locales, and the public
 * numbers and addresses the wording cites. Dated, with sources; data, not code.
 */
import { z } from 'zod';
import { loadDocument } from '../../ingest/index.js';

/** One item a notice must hold. */
export interface RequiredItem {
  /** Section id templates use (`items_leaked`, `contact`, …). */
  readonly id: string;
  /** The legal basis, as a person reads it (`PIPA Art. 34(1) i`). */
  readonly basis: string;
  readonly description: string;
}

/** A jurisdiction's notice rules. */
export interface NoticeRules {
  readonly id: string;
  readonly jurisdiction: string;
  readonly law: string;
  /** The date the file states the law as of (YYYY-MM-DD). */
  readonly as_of: string;
  /** Who checked it against the law, or null while nobody has. */
  readonly reviewed_by: string | null;
  readonly sources: readonly { readonly title: string; readonly url: string }[];
  /** Hours from awareness to notify each person, or null when the law sets none. */
  readonly deadline_hours: number | null;
  /** Days a website posting must stay up for persons without contact details, or null. */
  readonly posting_days: number | null;
  readonly locales: readonly string[];
  readonly default_locale: string;
  readonly required_items: readonly RequiredItem[];
  /** Public values the wording cites (`kisa_phone: "118"`). */
  readonly values: Readonly<Record<string, string>>;
}

const zRules = z.object({
  id: z.string().min(1),
  jurisdiction: z.string().min(1),
  law: z.string().min(1),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  reviewed_by: z.string().nullable().default(null),
  sources: z.array(z.object({ title: z.string().min(1), url: z.url() })).min(1),
  deadline_hours: z.number().positive().nullable(),
  posting_days: z.number().int().positive().nullable(),
  locales: z.array(z.string().min(2)).min(1),
  default_locale: z.string().min(2),
  required_items: z.array(z.object({ id: z.string().regex(/^[a-z_]+$/), basis: z.string().min(1), description: z.string().min(1) })).min(1),
  values: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
}).refine((r) => r.locales.includes(r.default_locale), { message: 'default_locale must be one of locales', path: ['default_locale'] });

/**
 * Reads a rules file.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` / `ERR_INPUT_INVALID` (located).
 */
export async function loadRules(path: string): Promise<NoticeRules> {
  return loadDocument(path, zRules);
}
