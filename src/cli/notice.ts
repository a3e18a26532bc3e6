/**
 * `breachwatch notice render|send|status`: breach notices to each affected person. `render`
 * writes a folder of the messages (one mbox, or an `.eml` each: `--format`), a mail-merge
 * CSV/NDJSON and posting pages from an
 * incident's saved scope run in the store (or from a scope folder and an incident file) and
 * the customer directory; `send` delivers a finished folder over
 * SMTP (and SMS through a webhook) with the delivery ledger in the store; `status` prints the
 * ledger's counts. Progress lines go to stderr and carry counts only, never personal data.
 */
import type { Command } from 'commander';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import { QuarantineWriter } from '../ingest/index.js';
import { openEvidenceLog, type EvidenceLog } from '../evidence/index.js';
import { incidentsHome, openDeliveryStore, openStore, storeLocation } from '../compose/index.js';
import {
  csvDirectory, DEFAULT_RETRY, loadIncidentFile, loadNoticeKit, Mailer, MESSAGE_FORMATS, populationFile, RateLimiter, RENDER_FILES,
  renderNotices, renderRunNotices, scopeFolderSource, sendNotices, SmsWebhookTransport, SmtpTransport, smtpLocation,
  type MessageFormat, type RenderProgress, type SendProgress,
} from '../respond/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface RenderFlags extends StoreFlags {
  scope?: string; directory: string; incident: string; out: string; previousScope?: string; population?: string;
  rules?: string; data?: string; evidence?: string; quiet?: boolean; run?: string; previousRun?: string; home?: string;
  format: string;
}
interface SendFlags extends StoreFlags {
  out: string; smtp?: string; smtpCa?: string; smsWebhook?: string; rate: string; retryAttempts: string; retryDelayMs: string;
  maxWait: string; resendInDoubt?: boolean; retryFailed?: boolean; evidence?: string; quiet?: boolean;
}

/** A number flag, or a usage error naming it. */
function num(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new BreachwatchError('ERR_USAGE', `${name} must be a number ≥ ${min} (got ${v})`);
  return n;
}

/** Prints at most one progress line every two seconds, and the last one always. */
function throttled<P>(quiet: boolean | undefined, line: (p: P) => string): { tick: (p: P) => void; end: () => void } {
  let last = 0;
  let pending: P | undefined;
  return {
    tick: (p) => {
      pending = p;
      if (quiet === true || performance.now() - last < 2000) return;
      last = performance.now();
      console.error(line(p));
      pending = undefined;
    },
    end: () => { if (quiet !== true && pending !== undefined) console.error(line(pending)); },
  };
}

/** `--format`, or a usage error naming the choices. */
function formatOf(v: string): MessageFormat {
  const f = MESSAGE_FORMATS.find((x) => x === v);
  if (f === undefined) throw new BreachwatchError('ERR_USAGE', `--format must be one of ${MESSAGE_FORMATS.join(', ')} (got ${v})`);
  return f;
}

const rate = (n: number, ms: number): string => `${Math.round(n / Math.max(ms / 1000, 0.001))}/s`;

async function openEvidence(dir: string | undefined): Promise<EvidenceLog | undefined> {
  return dir === undefined ? undefined : openEvidenceLog(dir);
}

const renderLine = (p: RenderProgress): string =>
  `notice render: ${p.rendered}${p.expected !== undefined ? ` of ${p.expected}` : ''} rendered (${rate(p.rendered, p.elapsedMs)})`;

/** `--incident ID` with a store: the incident's saved run, its details, its evidence log. */
async function renderFromRun(f: RenderFlags): Promise<void> {
  for (const [flag, v] of [['--scope', f.scope], ['--previous-scope', f.previousScope], ['--evidence', f.evidence]] as const) {
    if (v !== undefined) throw new BreachwatchError('ERR_USAGE', `${flag} is for a scope folder; with a store, name runs (--run, --previous-run): the incident's own evidence log records the notices`);
  }
  const url = storeUrlFrom(f, false);
  const home = incidentsHome(storeLocation(url), f.home);
  const show = throttled<RenderProgress>(f.quiet, renderLine);
  const store = await openStore(url, 'read', { mustExist: true });
  try {
    const r = await renderRunNotices({ store, home }, {
      incidentId: f.incident, directory: f.directory, out: f.out, format: formatOf(f.format), onProgress: show.tick,
      ...(f.run !== undefined && { runId: f.run }), ...(f.previousRun !== undefined && { previousRunId: f.previousRun }),
      ...(f.rules !== undefined && { rules: f.rules }), ...(f.data !== undefined && { dataDir: f.data }),
      ...(f.population !== undefined && { population: f.population }),
    });
    show.end();
    if (r.quarantined > 0) console.error(`breachwatch: ${r.quarantined} directory row(s) quarantined: see ${join(f.out, RENDER_FILES.quarantine)}`);
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await store.close();
  }
}

async function render(f: RenderFlags): Promise<void> {
  if (f.store !== undefined || f.db !== undefined || f.run !== undefined || f.previousRun !== undefined) return renderFromRun(f);
  if (f.scope === undefined) throw new BreachwatchError('ERR_USAGE', 'give --scope DIR with an incident file, or --store/--db (and --run) with an incident id');
  const format = formatOf(f.format);
  const incident = await loadIncidentFile(f.incident);
  const kit = await loadNoticeKit(incident, { ...(f.rules !== undefined && { rules: f.rules }), ...(f.data !== undefined && { dataDir: f.data }) });
  const summaryFile = join(f.scope, 'summary.json');
  const summary = JSON.parse(await readFile(summaryFile, 'utf8').catch(() => '{}')) as { accounts_affected?: unknown };
  const expected = typeof summary.accounts_affected === 'number' ? summary.accounts_affected : undefined;
  // The quarantine lives inside the render folder (0600 in 0700): its excerpts hold directory rows.
  await mkdir(f.out, { recursive: true, mode: 0o700 });
  if ((await readdir(f.out)).length > 0) throw new BreachwatchError('ERR_USAGE', `--out ${f.out} is not empty (a render writes a new folder)`);
  const quarantine = new QuarantineWriter(join(f.out, RENDER_FILES.quarantine));
  const directory = csvDirectory(f.directory, quarantine);
  const populationPath = f.population ?? incident.possible_leak?.accounts_file;
  const population = populationPath === undefined ? undefined : populationFile(populationPath);
  const evidence = await openEvidence(f.evidence);
  const show = throttled<RenderProgress>(f.quiet, renderLine);
  try {
    const r = await renderNotices({
      incident, kit, directory, quarantine, out: f.out, format, onProgress: show.tick,
      current: scopeFolderSource(f.scope, quarantine),
      ...(f.previousScope !== undefined && { previous: scopeFolderSource(f.previousScope, quarantine) }),
      ...(population !== undefined && { population }),
      ...(evidence !== undefined && { evidence }),
      ...(expected !== undefined && { expected }),
    });
    show.end();
    // Location and reason only: excerpts may hold personal data.
    for (const q of quarantine.records.slice(0, 10)) console.error(`breachwatch: ${q.file}:${q.line}: ${q.reason}`);
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await quarantine.close().catch(() => undefined);
    await directory.close();
    await population?.close();
    await evidence?.close();
  }
}

async function send(f: SendFlags): Promise<void> {
  if (f.smtp === undefined && f.smsWebhook === undefined) throw new BreachwatchError('ERR_USAGE', 'give --smtp URL (and/or --sms-webhook URL)');
  const perSecond = num('--rate', f.rate, 0.001);
  const retry = { ...DEFAULT_RETRY, attempts: num('--retry-attempts', f.retryAttempts, 1), baseDelayMs: num('--retry-delay-ms', f.retryDelayMs, 0) };
  const maxWaitMs = num('--max-wait', f.maxWait, 0) * 1000;
  const ca = f.smtpCa === undefined ? undefined : await readFile(f.smtpCa, 'utf8').catch((e: unknown) => {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--smtp-ca ${f.smtpCa}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  });
  const smsSecret = process.env.BREACHWATCH_SMS_SECRET;
  if (f.smsWebhook !== undefined && (smsSecret === undefined || smsSecret === '')) throw new BreachwatchError('ERR_CONFIG', '--sms-webhook needs the signing secret in BREACHWATCH_SMS_SECRET');
  const mailer = new Mailer({
    limiter: new RateLimiter(perSecond), retry,
    ...(f.smtp !== undefined && { email: new SmtpTransport(smtpLocation(f.smtp), ca !== undefined ? { ca } : {}) }),
    ...(f.smsWebhook !== undefined && { sms: new SmsWebhookTransport({ url: f.smsWebhook, secret: smsSecret! }) }),
  });
  const ledger = await openDeliveryStore(storeUrlFrom(f, true));
  const evidence = await openEvidence(f.evidence).catch(async (e: unknown) => { await ledger.close(); throw e; });
  const show = throttled<SendProgress>(f.quiet, (p) =>
    `notice send: ${p.read} read, ${p.sent} sent (${rate(p.sent, p.elapsedMs)}), ${p.retry} to retry, ${p.failed} failed, ${p.in_doubt} in doubt`);
  try {
    const r = await sendNotices({
      folder: f.out, ledger, mailer, maxWaitMs, onProgress: show.tick,
      resendInDoubt: f.resendInDoubt === true, retryFailed: f.retryFailed === true,
      ...(evidence !== undefined && { evidence }),
    });
    show.end();
    if (r.interrupted_before > 0) {
      console.error(`breachwatch: ${r.interrupted_before} notice(s) were being sent when an earlier run stopped; they are in_doubt and were not sent again (check the relay's log for their Message-IDs, then --resend-in-doubt)`);
    }
    console.log(JSON.stringify(r, null, 2));
    if (r.failed > 0 || r.in_doubt > 0) process.exitCode = 1;
  } finally {
    await mailer.close();
    await evidence?.close();
    await ledger.close();
  }
}

/** Adds `notice` and its sub-commands to the program. */
export function registerNotice(program: Command): void {
  const notice = program.command('notice').description('breach notices to each affected person: render, send, status');
  const renderCmd = notice.command('render')
    .description('render one notice per affected person (the messages in one mbox or an .eml each, mail-merge CSV/NDJSON, posting pages) into a new folder: ' +
      'from an incident\'s saved scope run (--incident ID with --store/--db, --run) or from a scope folder and an incident file (--scope, --incident FILE)')
    .requiredOption('--directory <file>', 'customer directory CSV: account_id,name,email,phone,locale')
    .requiredOption('--incident <id|file>', 'with a store: the incident id; else the incident description file (YAML or JSON)')
    .requiredOption('--out <dir>', 'render folder to create (new or empty)')
    .option('--format <mbox|eml>', 'mbox: every message in one notices.mbox (any size); eml: a file per person (small incidents, messages opened one by one)', DEFAULTS.notice.format);
  addStoreFlags(renderCmd, 'the incident lives in (render from its saved run)', false)
    .option('--run <id>', 'the incident\'s saved scope run to notify (default: its latest)')
    .option('--previous-run <id>', 'an earlier run already notified: follow-ups only to added persons and grown fields')
    .option('--home <dir>', 'incidents folder (default: beside the store, <db>.incidents/)')
    .option('--scope <dir>', 'without a store: the scope folder (affected_accounts.csv, summary.json) to notify')
    .option('--previous-scope <dir>', 'the scope folder already notified: send follow-ups only to added persons and grown fields')
    .option('--population <file>', 'account ids of a possible leak (default: the incident\'s possible_leak.accounts_file)')
    .option('--rules <id>', 'rules of the jurisdiction: kr-pipa, eu-gdpr (default: the incident\'s, else kr-pipa)')
    .option('--data <dir>', 'a folder laid out like data/notice/ (rules, templates, labels) to use instead')
    .option('--evidence <dir>', 'with --scope: record each notice in this evidence log (notice_rendered; a store\'s incident uses its own)')
    .option('--quiet', 'no progress lines')
    .action((f: RenderFlags) => render(f));
  const sendCmd = notice.command('send')
    .description('deliver a rendered folder; the delivery ledger in the store makes a rerun send nothing twice');
  addStoreFlags(sendCmd, 'keeping the delivery ledger', true)
    .requiredOption('--out <dir>', 'the render folder (notice render --out)')
    .option('--smtp <url>', 'smtp://[user[:password]@]host[:port][?tls=required|opportunistic|none] or smtps://… (password also from BREACHWATCH_SMTP_PASSWORD)')
    .option('--smtp-ca <file>', 'extra trusted CA certificate (PEM) for the relay')
    .option('--sms-webhook <url>', 'send SMS notices to this webhook (HMAC secret in BREACHWATCH_SMS_SECRET)')
    .option('--rate <n>', 'messages per second', String(DEFAULTS.mail.ratePerSecond))
    .option('--retry-attempts <n>', 'attempts per message on temporary refusals', String(DEFAULT_RETRY.attempts))
    .option('--retry-delay-ms <ms>', 'delay before the second attempt (doubles each time)', String(DEFAULT_RETRY.baseDelayMs))
    .option('--max-wait <seconds>', 'how long to wait for due retries before exiting (a later run sends the rest)', '900')
    .option('--resend-in-doubt', 'send again notices an interrupted run may have delivered (same Message-ID)')
    .option('--retry-failed', 'send again notices that failed for good')
    .option('--evidence <dir>', 'record each accepted notice in this evidence log (notice_sent)')
    .option('--quiet', 'no progress lines')
    .action((f: SendFlags) => send(f));
  const statusCmd = notice.command('status').description('delivery ledger counts of an incident');
  addStoreFlags(statusCmd, 'keeping the delivery ledger', true)
    .requiredOption('--incident <id>', 'incident id')
    .action(async (f: StoreFlags & { incident: string }) => {
      const ledger = await openDeliveryStore(storeUrlFrom(f, true));
      try {
        console.log(JSON.stringify({ incident_id: f.incident, ledger: await ledger.deliveryCounts(f.incident) }, null, 2));
      } finally {
        await ledger.close();
      }
    });
}
