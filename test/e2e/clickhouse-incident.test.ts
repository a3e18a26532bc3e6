/**
 * An incident on a ClickHouse store as a user runs it (the built binary), against a real
 * clickhouse-server (Debian's 18.16) on loopback, side by side with the same steps on DuckDB:
 * hunt, `incident open`, `incident update --details`, `incident scope` (a saved run),
 * `notice render` from that run, `report`, and `notice send` to a real SMTP server. Both
 * backends find the same affected persons, render and report the same ones, and deliver one
 * notice to each of them; a second send delivers nothing. A legal hold on the ClickHouse
 * store makes hunt (replacing it) and prune refuse; lifted, prune runs. A `notice send` on
 * ClickHouse SIGKILLed mid-run resumes with nobody getting the same notice twice.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './run-cli.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';

const SIM = join(ROOT, 'test/fixtures/sim/forged-token-small');
const REF = ['--keys', join(SIM, 'keys.json'), '--staff', join(SIM, 'staff.csv'), '--catalog', join(SIM, 'catalog.yaml')];
const PASS = 'relay-secret-for-tests';
let dir = '';
let server: ClickHouseServer;
let sink: SmtpSink;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-e2e-ch-incident-'));
  server = await startClickHouse();
  sink = await startSmtpSink(dir, 'notices', PASS);
});
afterAll(async () => {
  await sink?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What one backend's run of the steps gave. */
interface Outcome {
  readonly csv: string;
  readonly rendered: string[];
  readonly reported: number;
  readonly delivered: string[];
  readonly resent: number;
  readonly output: string;
}

interface ScopeOut { run: { run_id: string; n: number; accounts: number }; folder: { csv: string } }

/** Runs a command, expecting exit 0; returns its stdout. */
async function ok(args: readonly string[], log: string[]): Promise<string> {
  const r = await runCli(args, { cwd: dir, env: { BREACHWATCH_SMTP_PASSWORD: PASS } });
  log.push(r.stdout, r.stderr);
  expect(r.code, `${args.slice(0, 2).join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The store flags alone (hunt, prune and notice send take no --home). */
const storeOnly = (flags: readonly string[]): string[] => flags.filter((f, i) => f !== '--home' && flags[i - 1] !== '--home');

/** The whole incident on the store `store` (its flags: `--db PATH` or `--store URL --home DIR`). */
async function incident(name: string, store: readonly string[]): Promise<Outcome> {
  const log: string[] = [];
  await ok(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...REF, ...storeOnly(store)], log);
  const awareAt = new Date(Date.now() - 10 * 3600_000).toISOString();
  const opened = await ok(['incident', 'open', ...store, '--name', `forged tokens (${name})`, '--aware-at', awareAt], log);
  const id = /^(inc-\d{8}-[0-9a-f]{6})/m.exec(opened)?.[1] ?? '';
  expect(id).not.toBe('');
  await ok(['incident', 'update', id, ...store, '--details', join(ROOT, 'data/demo/incident.yaml')], log);
  const scoped = JSON.parse(await ok(['incident', 'scope', id, ...store], log)) as ScopeOut;
  expect(scoped.run.n).toBe(1);
  const out = join(dir, `${name}-notices`);
  await ok(['notice', 'render', ...store, '--incident', id, '--run', scoped.run.run_id, '--directory', join(SIM, 'customers.csv'), '--out', out, '--quiet'], log);
  const merge = (await readFile(join(out, 'mail-merge.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { account_id: string; email?: string });
  const report = JSON.parse(await ok(['report', id, ...store, '--no-pdf'], log)) as { dir: string; kind: string };
  expect(report.kind).toBe('initial');
  const rep = JSON.parse(await readFile(join(report.dir, 'report.json'), 'utf8')) as { persons_affected: number };
  const send = ['notice', 'send', '--out', out, ...storeOnly(store),
    '--smtp', `smtp://notices@127.0.0.1:${sink.port}?tls=required`, '--smtp-ca', sink.caFile, '--quiet'];
  const before = sink.arrived.length;
  await ok(send, log);
  const delivered = sink.arrived.slice(before).map((m) => m.to);
  const again = sink.arrived.length;
  await ok(send, log);
  return {
    csv: await readFile(scoped.folder.csv, 'utf8'),
    rendered: merge.map((m) => m.account_id).sort(),
    reported: rep.persons_affected,
    delivered: delivered.sort(),
    resent: sink.arrived.length - again,
    output: log.join('\n'),
  };
}

describe('an incident on ClickHouse', () => {
  it('finds, renders, reports and notifies the same persons as on DuckDB, each once', async () => {
    const duck = await incident('duck', ['--db', join(dir, 'bw.duckdb')]);
    const ch = await incident('ch', ['--store', server.url('incident'), '--home', join(dir, 'ch-home')]);
    const truth = (JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } }).attack.affected_accounts;
    expect(duck.csv.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(truth);
    expect(ch.csv).toBe(duck.csv);
    expect(ch.rendered).toEqual(duck.rendered);
    expect(ch.rendered).toEqual([...truth].sort());
    expect(ch.reported).toBe(truth.length);
    expect(ch.reported).toBe(duck.reported);
    expect(ch.delivered).toEqual(duck.delivered);
    expect(new Set(ch.delivered).size).toBe(ch.delivered.length);
    expect(ch.delivered.length).toBeGreaterThan(0);
    expect(ch.resent).toBe(0);
    expect(duck.resent).toBe(0);
    expect(ch.output).not.toContain(server.password);
  });

  it('refuses to replace or prune the ClickHouse store while a legal hold stands; lifted, prune runs', async () => {
    const store = ['--store', server.url('incident'), '--home', join(dir, 'ch-home')];
    const log: string[] = [];
    const list = await ok(['incident', 'status', ...store], log);
    const id = /^(inc-\d{8}-[0-9a-f]{6})/m.exec(list)?.[1] ?? '';
    expect(id).not.toBe('');
    const hold = JSON.parse(await ok(['incident', 'hold', id, ...store, '--reason', 'preservation order 2025-77'], log)) as { hold_id: string };
    const hunt = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...REF, ...storeOnly(store)], { cwd: dir });
    expect(hunt.code).toBe(1);
    expect(hunt.stderr).toContain(hold.hold_id);
    const prune = await runCli(['prune', '--store', server.url('incident'), '--before', '2030-01-01T00:00:00Z'], { cwd: dir });
    expect(prune.code).toBe(1);
    expect(prune.stderr).toMatch(/legal hold stands/);
    const sc = await runCli(['scope', '--store', server.url('incident'), '--out', join(dir, 'held-scope')], { cwd: dir });
    expect(sc.code, sc.stderr).toBe(0);
    const truth = (JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } }).attack.affected_accounts;
    expect((await readFile(join(dir, 'held-scope', 'affected_accounts.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(truth);
    await ok(['incident', 'release', id, hold.hold_id, ...store, '--reason', 'order lifted'], log);
    const pruned = JSON.parse(await ok(['prune', '--store', server.url('incident'), '--before', '2030-01-01T00:00:00Z'], log)) as { deleted: { access: number; ledger: number } };
    expect(pruned.deleted.access).toBeGreaterThan(0);
    const after = await runCli(['scope', '--store', server.url('incident'), '--out', join(dir, 'pruned-scope')], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    expect((await readFile(join(dir, 'pruned-scope', 'affected_accounts.csv'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('resumes a SIGKILLed send on ClickHouse: nobody gets the same notice twice, nothing is lost unaccounted', async () => {
    const n = 30;
    const scope = join(dir, 'kill-scope');
    await mkdir(scope);
    const ids = Array.from({ length: n }, (_, i) => `p-${String(i).padStart(5, '0')}`);
    await writeFile(join(scope, 'affected_accounts.csv'), `account_id,fields,first_access,last_access,accesses,src_ips\n${
      ids.map((id) => `${id},email;name,2025-06-24T00:00:00Z,2025-06-25T00:00:00Z,2,203.0.113.9`).join('\n')}\n`);
    await writeFile(join(scope, 'summary.json'), JSON.stringify({ accounts_affected: n }));
    const directory = join(dir, 'kill-customers.csv');
    await writeFile(directory, `account_id,name,email,phone,locale\n${ids.map((id, i) => `${id},Test Person ${i},${id}@kill-ch.example.org,,ko`).join('\n')}\n`);
    const out = join(dir, 'kill-notices');
    const log: string[] = [];
    await ok(['notice', 'render', '--scope', scope, '--directory', directory, '--incident', join(ROOT, 'test/fixtures/notice/incident.yaml'), '--out', out, '--quiet'], log);
    const rows = (await readFile(join(out, 'mail-merge.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { message_id: string });
    const send = (rate: string): string[] => ['notice', 'send', '--out', out, '--store', server.url('kill_ledger'), '--smtp',
      `smtp://notices@127.0.0.1:${sink.port}?tls=required`, '--smtp-ca', sink.caFile, '--quiet', '--rate', rate];
    const mine = (): { messageId: string }[] => sink.arrived.filter((a) => a.to.endsWith('@kill-ch.example.org'));

    const child = spawn(process.execPath, [BIN, ...send('8')], { cwd: dir, env: { ...process.env, BREACHWATCH_SMTP_PASSWORD: PASS }, stdio: 'ignore' });
    const exited = new Promise<unknown>((res) => child.on('exit', (code, sig) => res(sig ?? code)));
    const deadline = Date.now() + 60_000;
    while (mine().length < 6) {
      if (Date.now() > deadline) throw new Error('timed out after 60 s waiting for a few notices to arrive');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(mine().length).toBeLessThan(n);

    const summary = JSON.parse(await ok(send('50'), log)) as { interrupted_before: number; ledger: { sent: number; in_doubt: number } };
    const arrived = mine();
    const seen = new Set(arrived.map((a) => a.messageId));
    expect(seen.size, 'a notice arrived twice').toBe(arrived.length);
    // Sent, or in doubt when the kill fell between "accepted" and "written" (one at a time: at most one).
    const { sent, in_doubt: doubt } = summary.ledger;
    expect(sent + doubt).toBe(n);
    expect(doubt).toBeLessThanOrEqual(1);
    expect(summary.interrupted_before).toBe(doubt);
    expect(arrived.length).toBeGreaterThanOrEqual(sent);
    expect(rows.filter((r) => !seen.has(r.message_id)).length).toBeLessThanOrEqual(doubt);
    expect(JSON.parse(await ok(send('50'), log))).toMatchObject({ sent: 0, attempts: 0 });
    expect(mine()).toHaveLength(arrived.length);
  });
});
