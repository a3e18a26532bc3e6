/**
 * A store holding a real incident for the service and dashboard tests: the small
 * forged-token simulation hunted into a DuckDB file, an incident opened over its high and
 * critical alerts (aware `awareHoursAgo` ago, with the demo's synthetic details), one saved
 * scope run, and — when an SMTP sink is given — the run's notices rendered and delivered to
 * it through the delivery ledger. Everything goes through the stages' own APIs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { incidentsHome, openDeliveryStore, openStore, storeLocation } from '../../src/compose/index.js';
import { hunt } from '../../src/pipeline/index.js';
import {
  DEFAULT_RETRY, Mailer, RateLimiter, SmtpTransport, openIncident, renderRunNotices, saveScopeRun, sendNotices, smtpLocation,
} from '../../src/respond/index.js';

/** The simulation every incident test uses. */
export const SIM = join(import.meta.dirname, '../fixtures/sim/forged-token-small');
/** The reference section of a serve config for {@link SIM}. */
export const SIM_REFERENCE = { keys: join(SIM, 'keys.json'), staff: join(SIM, 'staff.csv'), catalog: join(SIM, 'catalog.yaml') };
const DETAILS = join(import.meta.dirname, '../../data/demo/incident.yaml');

/** What the fixture holds. */
export interface IncidentFixture {
  readonly url: string;
  readonly home: string;
  readonly incidentId: string;
  readonly runId: string;
  readonly accounts: number;
  /** Notices accepted by the SMTP sink (0 without one). */
  readonly sent: number;
}

/** Where an SMTP sink listens and how to log in. */
export interface SinkLogin { readonly port: number; readonly caFile: string; readonly user: string; readonly pass: string }

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort().map((f) => join(dir, f));
}

/** Builds the fixture in `dir`. */
export async function buildIncidentStore(dir: string, o: { awareHoursAgo: number; smtp?: SinkLogin }): Promise<IncidentFixture> {
  const url = `duckdb:${join(dir, 'bw.duckdb')}`;
  await hunt({ access: await files(join(SIM, 'access')), ledger: await files(join(SIM, 'ledger')), ...SIM_REFERENCE, store: url });
  const home = incidentsHome(storeLocation(url));
  const store = await openStore(url, 'read', { mustExist: true });
  let incidentId: string;
  let runId: string;
  let accounts: number;
  try {
    const details = parse(await readFile(DETAILS, 'utf8')) as unknown;
    const ctx = { store, home };
    const inc = await openIncident(ctx, { name: 'forged tokens (test)', awareAt: Date.now() - o.awareHoursAgo * 3_600_000, minSeverity: 'high', details });
    incidentId = inc.incident_id;
    const run = await saveScopeRun(ctx, incidentId, {});
    runId = run.run.run_id;
    accounts = run.run.accounts;
    if (o.smtp !== undefined) await renderRunNotices(ctx, { incidentId, runId, directory: join(SIM, 'customers.csv'), out: join(dir, 'notices') });
  } finally {
    await store.close();
  }
  let sent = 0;
  if (o.smtp !== undefined) {
    const s = o.smtp;
    const ca = await readFile(s.caFile, 'utf8');
    const mailer = new Mailer({
      limiter: new RateLimiter(1000), retry: DEFAULT_RETRY,
      email: new SmtpTransport(smtpLocation(`smtp://${s.user}:${s.pass}@127.0.0.1:${s.port}?tls=required`), { ca }),
    });
    const ledger = await openDeliveryStore(url);
    try {
      sent = (await sendNotices({ folder: join(dir, 'notices'), ledger, mailer, maxWaitMs: 0 })).sent;
    } finally {
      await mailer.close();
      await ledger.close();
    }
  }
  return { url, home, incidentId, runId, accounts, sent };
}
