/**
 * A fixture incident for the portal tests, built as a user builds one (the real binary): hunt
 * the small forged-token simulation, open an incident whose details carry markup in every text
 * the portal shows, save a scope run; a customer directory with one person whose name is
 * markup, one known but unaffected person; a real SMTP server; a portal config; and the
 * portal itself started as its own process (`breachwatch portal --config`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, runCli } from '../e2e/run-cli.js';
import { startSmtpSink, type SmtpSink } from '../e2e/smtp-sink.js';

const SIM = join(ROOT, 'test/fixtures/sim/forged-token-small');
/** Markup a stored-XSS attempt would put in a field. */
export const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'><svg onload=alert(3)>';
export const VICTIM = 'victim@example.org';
export const SECOND = 'second@example.org';
export const UNAFFECTED = 'clear@example.org';
export const PASS = 'portal-relay-secret';
export const PUBLIC_URL = 'https://check.example.com/';

/** Throws unless a command succeeded (plain, so that the bench can build the fixture too). */
function ok(r: { code: number; stderr: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
}

/** What the tests share. */
export interface Fixture {
  readonly dir: string;
  readonly db: string;
  readonly incidentId: string;
  readonly config: string;
  readonly sink: SmtpSink;
  readonly affected: readonly string[];
}

/** Builds the incident, directory, SMTP sink and config. */
export async function buildFixture(overrides = ''): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-portal-'));
  const db = join(dir, 'bw.duckdb');
  const refArgs = ['--keys', join(SIM, 'keys.json'), '--staff', join(SIM, 'staff.csv'), '--catalog', join(SIM, 'catalog.yaml')];
  const h = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs, '--db', db]);
  ok(h, 'hunt');
  const details = join(dir, 'details.json');
  await writeFile(details, JSON.stringify({
    description: { ko: `설명 ${XSS}`, en: `About ${XSS}` },
    contact: { department: `Privacy desk ${XSS}`, phone: `1588-0000 ${XSS}`, email: 'privacy@example.com', hours: `09-18 ${XSS}`, url: `https://example.com/help?${XSS}` },
    person_actions: [{ ko: `비밀번호 변경 ${XSS}`, en: `Change your password ${XSS}` }],
    portal_url: PUBLIC_URL,
  }));
  const o = await runCli(['incident', 'open', '--db', db, '--name', `June tokens ${XSS}`, '--aware-at', new Date(Date.now() - 3600_000).toISOString(), '--details', details]);
  ok(o, 'incident open');
  const incidentId = /^(inc-\d{8}-[0-9a-f]{6})/m.exec(o.stdout)?.[1] ?? '';
  const s = await runCli(['incident', 'scope', incidentId, '--db', db]);
  ok(s, 'incident scope');
  const affected = (JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } }).attack.affected_accounts;
  // The simulation's customers, with our own addresses for two affected persons and one known, unaffected person.
  const lines = (await readFile(join(SIM, 'customers.csv'), 'utf8')).trim().split('\n');
  const rows = lines.slice(1).map((l) => l.split(','));
  const first = rows.find((r) => r[0] === affected[0])!;
  first[1] = `"${XSS.replace(/"/g, '""')}김"`;
  first[2] = VICTIM;
  first[4] = 'en';
  const second = rows.find((r) => r[0] === affected[1])!;
  second[2] = SECOND;
  const directory = join(dir, 'customers.csv');
  await writeFile(directory, `${lines[0]}\n${rows.map((r) => r.join(',')).join('\n')}\nu-0000099,Clear Person,${UNAFFECTED},,en\n`);
  const sink = await startSmtpSink(dir, 'portal', PASS);
  const config = join(dir, 'portal.yaml');
  await writeFile(config, `store: duckdb:${db}
incident: ${incidentId}
directory: ${directory}
public_url: ${PUBLIC_URL}
listen: { host: 127.0.0.1, port: 0 }
lookup_floor_ms: 50
mail:
  smtp: smtp://portal@127.0.0.1:${sink.port}?tls=required
  smtp_ca: ${sink.caFile}
  from: check@example.com
${overrides}`);
  return { dir, db, incidentId, config, sink, affected };
}

/** A portal process. */
export interface PortalProcess {
  readonly url: string;
  readonly pid: number;
  readonly stateDir: string;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `breachwatch portal --config` and waits for its listening line. */
export async function startPortalProcess(config: string, quiet = false): Promise<PortalProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'portal', '--config', config, ...(quiet ? ['--quiet'] : [])], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BREACHWATCH_SMTP_PASSWORD: PASS },
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`portal exited ${code}: ${err}`)));
  });
  const info = JSON.parse(first) as { url: string; state_dir: string };
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    url: info.url, pid: child.pid!, stateDir: info.state_dir, stderr: () => err,
    async stop() { child.kill('SIGTERM'); await exited; },
  };
}

/** Waits until `f()` holds (polling; for messages arriving at the SMTP server). */
export async function until<T>(what: string, ms: number, f: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
