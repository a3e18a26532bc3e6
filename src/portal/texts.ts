/**
 * The portal's wording (`data/portal/texts/<locale>.yaml`) and its consent texts
 * (`data/portal/consent/*.yaml`), both dated data. Every key of {@link TEXT_KEYS} must be in
 * every locale's file, so a page never shows a missing string.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { loadDocument } from '../ingest/index.js';
import { BreachwatchError } from '../model/index.js';

/** The folder of the portal's data. */
export const PORTAL_DATA_DIR = fileURLToPath(new URL('../../data/portal/', import.meta.url));

/** Languages the portal speaks. */
export type Lang = 'ko' | 'en';
export const LANGS = ['ko', 'en'] as const satisfies readonly Lang[];

/** Every string a page uses. */
export const TEXT_KEYS = [
  'site_title', 'skip', 'official_address', 'official_warning', 'lookup_title', 'lookup_intro', 'identifier_label', 'send_code',
  'code_title', 'code_intro', 'code_label', 'check_code', 'code_wrong', 'start_again', 'locked', 'rate_limited', 'session_over',
  'bad_request', 'form_expired', 'not_found', 'internal', 'me_title', 'me_intro', 'not_affected', 'field_col', 'first_access',
  'last_access', 'times', 'incident', 'account', 'verified_contact', 'what_you_can_do', 'default_actions', 'vishing_title',
  'vishing_text', 'contacts_title', 'certificate_title', 'certificate_intro', 'download_jws', 'download_pdf', 'claim_title',
  'claim_name', 'claim_contact', 'claim_consent', 'claim_join', 'claim_joined', 'claim_withdraw', 'claim_withdrawn',
  'consent_version', 'sign_out', 'language',
] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type Texts = Readonly<Record<TextKey, string>>;

const TextsFile = z.object({
  locale: z.enum(LANGS), as_of: z.string(),
  texts: z.strictObject(Object.fromEntries(TEXT_KEYS.map((k) => [k, z.string().min(1)])) as Record<TextKey, z.ZodString>),
});

const Localized = z.object({ ko: z.string().min(1), en: z.string().min(1) });
const ConsentFile = z.object({
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), as_of: z.string(), legal_minimum: z.number().int().positive(),
  title: Localized, text: Localized,
});
/** A consent text. */
export type Consent = z.output<typeof ConsentFile>;

/** Loads the wording of every language. */
export async function loadTexts(dir = join(PORTAL_DATA_DIR, 'texts')): Promise<Record<Lang, Texts>> {
  const ko = await loadDocument(join(dir, 'ko.yaml'), TextsFile);
  const en = await loadDocument(join(dir, 'en.yaml'), TextsFile);
  return { ko: ko.texts, en: en.texts };
}

/** Loads the consent text at `path`, or the newest (by `as_of`) in `data/portal/consent/`. */
export async function loadConsent(path?: string): Promise<Consent> {
  if (path !== undefined) return loadDocument(path, ConsentFile);
  const dir = join(PORTAL_DATA_DIR, 'consent');
  const all = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.yaml')).map((f) => loadDocument(join(dir, f), ConsentFile)));
  const newest = all.sort((a, b) => b.as_of.localeCompare(a.as_of))[0];
  if (newest === undefined) throw new BreachwatchError('ERR_CONFIG', `no consent text in ${dir}`);
  return newest;
}
