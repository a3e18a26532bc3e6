/**
 * What the notices say about the incident: the company, how to reach it, what happened in
 * plain words, what it did, and the victim portal. Read from an incident description file
 * (YAML or JSON), or mapped from a stored incident's details (`incident-run.ts`).
 * Any text may be one string or one per locale (`{ko: …, en: …}`).
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { BreachwatchError, parseRfc3339 } from '../../model/index.js';
import { loadDocument } from '../../ingest/index.js';

/** Text per locale (`ko`, `en`, …). */
export type Localized = Readonly<Record<string, string>>;

/** The incident as notices need it. Times are epoch ms. */
export interface IncidentInfo {
  readonly id: string;
  readonly name: Localized;
  readonly company: Localized;
  /** The From of every notice. */
  readonly sender: { readonly name: Localized; readonly email: string };
  /** The department that receives reports of harm (PIPA Art. 34(1) v). */
  readonly contact: { readonly department: Localized; readonly phone: string; readonly email: string; readonly hours?: Localized };
  /** The company's official number, which people call to check a caller (defaults to the contact phone). */
  readonly official_phone: string;
  /** The victim portal's official address (https). */
  readonly portal_url: string;
  /** When the company became aware (starts the 72-hour clock). */
  readonly aware_at: number;
  /** What happened, in plain words. */
  readonly how: Localized;
  readonly measures: Readonly<Record<string, readonly string[]>>;
  readonly remedy: Localized;
  /** IANA zone the notices show times in. */
  readonly timezone: string;
  /** Rules id (`kr-pipa`, `eu-gdpr`) when the file names one. */
  readonly jurisdiction?: string;
  /** Extra or overriding field labels, per locale. */
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A population whose exact victims cannot be determined: each gets a "possible leak" notice. */
  readonly possible_leak?: PossibleLeak;
}

/** The population an incident names when exact victims cannot be determined. */
export interface PossibleLeak {
  /** A file of account ids, one per line (absolute, or relative to the incident file). */
  readonly accounts_file: string;
  readonly period: { readonly from: number; readonly to: number };
  /** Catalog fields possibly exposed. */
  readonly fields: readonly string[];
  /** Why the victims cannot be determined, in plain words. */
  readonly reason: Localized;
}

const zText = z.union([z.string().min(1), z.record(z.string(), z.string().min(1))])
  .transform((v): Localized => (typeof v === 'string' ? { '*': v } : v));
const zTime = z.string().refine((s) => parseRfc3339(s) !== undefined, 'not an RFC 3339 time').transform((s) => parseRfc3339(s)!);
const zEmail = z.email();
const zList = z.union([z.array(z.string().min(1)), z.record(z.string(), z.array(z.string().min(1)))])
  .transform((v): Record<string, string[]> => (Array.isArray(v) ? { '*': v } : v));

const zIncident = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
  name: zText,
  company: zText,
  sender: z.object({ name: zText.optional(), email: zEmail }),
  contact: z.object({ department: zText, phone: z.string().min(3), email: zEmail, hours: zText.optional() }),
  official_phone: z.string().min(3).optional(),
  portal_url: z.url({ protocol: /^https$/ }),
  aware_at: zTime,
  how: zText,
  measures: zList,
  remedy: zText,
  timezone: z.string().default('Asia/Seoul').refine(validZone, 'not an IANA time zone'),
  jurisdiction: z.string().optional(),
  labels: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  possible_leak: z.object({
    accounts_file: z.string().min(1),
    period: z.object({ from: zTime, to: zTime }),
    fields: z.array(z.string().min(1)).min(1),
    reason: zText,
  }).optional(),
});

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads an incident description file.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` / `ERR_INPUT_INVALID` (located: `file:line: $.path: reason`).
 * @example
 * const incident = await loadIncidentFile('incident.yaml');
 */
export async function loadIncidentFile(path: string): Promise<IncidentInfo> {
  return toInfo(await loadDocument(path, zIncident), path, dirname(path));
}

/**
 * The {@link IncidentInfo} of a description already parsed (an incident's stored details
 * mapped onto this shape); `where` names it in errors, relative files are under `baseDir`.
 * @throws BreachwatchError `ERR_INPUT_INVALID` naming the first missing or wrong field.
 */
export function incidentInfoOf(raw: unknown, where: string, baseDir: string): IncidentInfo {
  const r = zIncident.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: $.${(i?.path ?? []).join('.')}: ${i?.message ?? 'invalid'}`);
  }
  return toInfo(r.data, where, baseDir);
}

function toInfo(d: z.output<typeof zIncident>, where: string, baseDir: string): IncidentInfo {
  if (d.possible_leak !== undefined && d.possible_leak.period.from > d.possible_leak.period.to) {
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: $.possible_leak.period: from is after to`);
  }
  return {
    id: d.id, name: d.name, company: d.company,
    sender: { name: d.sender.name ?? d.company, email: d.sender.email },
    contact: { department: d.contact.department, phone: d.contact.phone, email: d.contact.email, ...(d.contact.hours !== undefined && { hours: d.contact.hours }) },
    official_phone: d.official_phone ?? d.contact.phone,
    portal_url: d.portal_url, aware_at: d.aware_at, how: d.how, measures: d.measures, remedy: d.remedy,
    timezone: d.timezone, labels: d.labels,
    ...(d.jurisdiction !== undefined && { jurisdiction: d.jurisdiction }),
    ...(d.possible_leak !== undefined && {
      possible_leak: { ...d.possible_leak, accounts_file: resolve(baseDir, d.possible_leak.accounts_file) },
    }),
  };
}

/** The text for `locale`: its own, else the locale-free one, else English, else any. */
export function textFor(t: Localized, locale: string): string {
  return t[locale] ?? t['*'] ?? t.en ?? Object.values(t)[0] ?? '';
}

/** The list for `locale`, with the same fallbacks as {@link textFor}. */
export function listFor(t: Readonly<Record<string, readonly string[]>>, locale: string): readonly string[] {
  return t[locale] ?? t['*'] ?? t.en ?? Object.values(t)[0] ?? [];
}
