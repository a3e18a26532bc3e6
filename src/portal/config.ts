/**
 * The portal's config file (`breachwatch portal --config FILE`, YAML): which incident and run,
 * the customer directory, where it listens, its public address, how codes are sent, and its
 * limits. Validated with zod (located errors through `loadDocument`); relative paths resolve
 * against the file's folder; every default comes from `DEFAULTS.portal`.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { loadDocument } from '../ingest/index.js';
import { DEFAULTS } from '../model/index.js';
import { resolveStoreUrl } from '../compose/index.js';

const D = DEFAULTS.portal;
const pos = z.number().int().positive();
const nonneg = z.number().int().nonnegative();

/** The schema of the config file. */
export const PortalConfigSchema = z.strictObject({
  /** Store URL the incident lives in (`duckdb:PATH`, `clickhouse://…`). */
  store: z.string().min(1),
  /** Incidents home (default: beside a DuckDB store). */
  home: z.string().min(1).optional(),
  incident: z.string().min(1),
  /** Saved scope run to answer from (default: the incident's latest run). */
  run: z.string().min(1).optional(),
  /** The customer directory CSV (`account_id,name,email,phone,locale`). */
  directory: z.string().min(1),
  /** The portal's official public address (shown on every page and in every certificate). */
  public_url: z.url(),
  listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: nonneg.default(D.port) }).prefault({}),
  /** Portal state (codes, sessions, claims, signing key; 0700): default `<incident>/portal/`. */
  state_dir: z.string().min(1).optional(),
  mail: z.strictObject({
    /** `smtp://user@host:port?tls=required`; the password from BREACHWATCH_SMTP_PASSWORD. */
    smtp: z.string().min(1).optional(),
    smtp_ca: z.string().min(1).optional(),
    from: z.email(),
    from_name: z.string().optional(),
    /** SMS webhook URL; its signing secret from BREACHWATCH_SMS_SECRET. */
    sms_webhook: z.url().optional(),
    rate_per_second: z.number().positive().default(DEFAULTS.mail.ratePerSecond),
  }),
  otp: z.strictObject({
    ttl_s: pos.default(D.otpTtlS), max_attempts: pos.default(D.otpMaxAttempts), lockout_s: pos.default(D.lockoutS),
  }).prefault({}),
  limits: z.strictObject({
    per_identifier_max: pos.default(D.perIdentifierMax), per_identifier_window_s: pos.default(D.perIdentifierWindowS),
    per_address_max: pos.default(D.perAddressMax), per_address_window_s: pos.default(D.perAddressWindowS),
    global_per_second: pos.default(D.globalPerSecond),
  }).prefault({}),
  session_ttl_s: pos.default(D.sessionTtlS),
  lookup_floor_ms: nonneg.default(D.lookupFloorMs),
  /** Mark cookies `Secure` (keep on; browsers accept Secure cookies from http://localhost). */
  secure_cookies: z.boolean().default(true),
  /** Trust `X-Forwarded-For` from a reverse proxy for the client address. */
  trust_proxy: z.boolean().default(false),
  /** Consent text file (default: the newest in data/portal/consent/). */
  consent: z.string().min(1).optional(),
});

/** A loaded config. */
export type PortalConfig = z.output<typeof PortalConfigSchema>;

/** Loads and checks `path`; relative paths in it resolve against its folder. */
export async function loadPortalConfig(path: string): Promise<PortalConfig> {
  const c = await loadDocument(path, PortalConfigSchema);
  const base = dirname(resolve(path));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const store = resolveStoreUrl(c.store, base);
  return {
    ...c, store, directory: abs(c.directory),
    ...(c.home !== undefined && { home: abs(c.home) }),
    ...(c.state_dir !== undefined && { state_dir: abs(c.state_dir) }),
    ...(c.consent !== undefined && { consent: abs(c.consent) }),
    mail: { ...c.mail, ...(c.mail.smtp_ca !== undefined && { smtp_ca: abs(c.mail.smtp_ca) }) },
  };
}
