/**
 * Starting the portal: load the incident, its saved run and the directory (the store is
 * opened for reading and closed again), open the incident's evidence log and **hold it for as
 * long as the portal runs** (the log has one writer: while the portal runs, commands that
 * write the same incident's log — `incident scope`, `report`, `notice send --evidence` — are
 * refused with ERR_STATE naming the portal's process; stop the portal, run them, start it
 * again), open the state folder (0700; secret, signing key, journal, audit, all 0600), build
 * the mailer, listen.
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { incidentsHome, openStore, storeLocation } from '../compose/index.js';
import type { EvidenceLog } from '../evidence/index.js';
import { BreachwatchError } from '../model/index.js';
import {
  incidentPaths, loadLabels, Mailer, NOTICE_DATA_DIR, openIncidentLog, RateLimiter, SmsWebhookTransport, SmtpTransport, smtpLocation,
  type RespondContext,
} from '../respond/index.js';
import { buildPortalApp } from './app.js';
import { AuditLog } from './audit.js';
import { portalKey } from './certificate.js';
import type { PortalConfig } from './config.js';
import { PortalCore } from './core.js';
import { CodeSender } from './otp.js';
import { loadPeople, type People } from './people.js';
import { PortalState } from './state.js';
import { loadConsent, loadTexts } from './texts.js';

/** A running portal. */
export interface RunningPortal {
  readonly url: string;
  readonly port: number;
  readonly stateDir: string;
  readonly counts: People['counts'];
  readonly core: PortalCore;
  close(): Promise<void>;
}

/** Options besides the config. */
export interface StartOptions {
  readonly now?: () => number;
  /** Environment for secrets (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Request log lines (method, route, status, ms; nothing personal). */
  readonly log?: (line: Record<string, unknown>) => void;
}

/** The state folder of a config: `state_dir`, or `<incident>/portal/`. */
export function portalStateDir(c: PortalConfig): string {
  if (c.state_dir !== undefined) return c.state_dir;
  return join(incidentPaths(incidentsHome(storeLocation(c.store), c.home), c.incident).dir, 'portal');
}

/** The portal's HMAC key (`secret.key`, made on first start), imported once as a KeyObject. */
function secretOf(dir: string): KeyObject {
  const path = join(dir, 'secret.key');
  if (!existsSync(path)) writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
  const s = readFileSync(path);
  if (s.length !== 32) throw new BreachwatchError('ERR_CONFIG', `${path}: not a 32-byte secret`);
  return createSecretKey(s);
}

function mailerOf(c: PortalConfig, env: NodeJS.ProcessEnv): Mailer {
  const limiter = new RateLimiter(c.mail.rate_per_second);
  const email = c.mail.smtp === undefined ? undefined
    : new SmtpTransport(smtpLocation(c.mail.smtp, env), { ...(c.mail.smtp_ca !== undefined && { ca: readFileSync(c.mail.smtp_ca, 'utf8') }), timeoutMs: 15_000 });
  let sms: SmsWebhookTransport | undefined;
  if (c.mail.sms_webhook !== undefined) {
    const secret = env.BREACHWATCH_SMS_SECRET;
    if (secret === undefined) throw new BreachwatchError('ERR_CONFIG', 'mail.sms_webhook needs BREACHWATCH_SMS_SECRET in the environment');
    sms = new SmsWebhookTransport({ url: c.mail.sms_webhook, secret });
  }
  if (email === undefined && sms === undefined) throw new BreachwatchError('ERR_CONFIG', 'mail: give smtp, sms_webhook or both');
  return new Mailer({ limiter, ...(email !== undefined && { email }), ...(sms !== undefined && { sms }), retry: { attempts: 3, baseDelayMs: 2000, maxDelayMs: 10_000 } });
}

/** Starts the portal of `config`. */
export async function startPortal(config: PortalConfig, opts: StartOptions = {}): Promise<RunningPortal> {
  const now = opts.now ?? (() => Date.now());
  const env = opts.env ?? process.env;
  const stateDir = portalStateDir(config);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const secret = secretOf(stateDir);
  const url = config.store;
  const home = incidentsHome(storeLocation(url), config.home);
  const store = await openStore(url, 'read', { mustExist: true });
  let people: People;
  let log: EvidenceLog;
  try {
    const ctx: RespondContext = { store, home, now: () => new Date(now()) };
    people = await loadPeople(ctx, { incidentId: config.incident, ...(config.run !== undefined && { runId: config.run }), directory: config.directory, stateDir, secret });
    log = await openIncidentLog(ctx, incidentPaths(home, config.incident), config.incident);
  } finally {
    await store.close();
  }
  const state = new PortalState(stateDir, now);
  const audit = new AuditLog(stateDir, now);
  const mailer = mailerOf(config, env);
  const sender = new CodeSender(mailer, (status) => opts.log?.({ code_delivery: status }));
  const [key, texts, consent, ko, en] = await Promise.all([
    portalKey(stateDir), loadTexts(), loadConsent(config.consent),
    loadLabels(join(NOTICE_DATA_DIR, 'labels'), 'ko'), loadLabels(join(NOTICE_DATA_DIR, 'labels'), 'en'),
  ]);
  const core = new PortalCore({ config, people, state, secret, key, log, sender, audit, consent, now });
  const app = await buildPortalApp({ core, texts, labels: { ko, en }, jwks: { keys: [key.publicJwk] }, ...(opts.log !== undefined && { log: opts.log }) });
  const sweep = setInterval(() => state.sweep(), 30_000);
  sweep.unref();
  await app.listen({ host: config.listen.host, port: config.listen.port });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${port}`, port, stateDir, counts: people.counts, core,
    async close() {
      clearInterval(sweep);
      await app.close();
      await sender.drain();
      await mailer.close();
      state.close();
      audit.close();
      await log.close();
    },
  };
}
