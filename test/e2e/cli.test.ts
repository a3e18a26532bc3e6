/**
 * The stable command line, run as a user runs it (the built binary in a child process):
 * exit statuses, quarantine of bad lines with counts that add up, stdin, strict mode,
 * hunt → scope over a small simulation, and the contract's output formats.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

const SIM = join(ROOT, 'test/fixtures/sim/forged-token-small');
const BAD = join(ROOT, 'test/fixtures/e2e/bad-lines.ndjson');
let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'bw-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const refArgs = ['--keys', join(SIM, 'keys.json'), '--staff', join(SIM, 'staff.csv'), '--catalog', join(SIM, 'catalog.yaml')];

describe('breachwatch CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['hunt', 'scope', 'simulate', 'demo', 'sigma']) expect(r.stdout).toContain(c);
  });

  it('bad usage exits 2: missing --access, unknown scenario, bad severity', async () => {
    expect((await runCli(['hunt', '--ledger', BAD])).code).toBe(2);
    const sim = await runCli(['simulate', '--scenario', 'nope', '--out', join(dir, 'x')]);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain('unknown scenario');
    expect((await runCli(['scope', '--db', join(dir, 'none.duckdb'), '--out', dir, '--min-severity', 'urgent'])).code).toBe(2);
  });

  it('unreadable input exits 2 and names the file', async () => {
    const r = await runCli(['hunt', '--access', join(dir, 'missing.ndjson'), '--db', join(dir, 'm.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.ndjson');
  });

  it('bad lines are quarantined with file, line and reason; the run goes on and the counts add up', async () => {
    const q = join(dir, 'q.ndjson');
    const summaryPath = join(dir, 'bad-summary.json');
    const r = await runCli(['hunt', '--access', BAD, '--db', join(dir, 'bad.duckdb'), '--quarantine', q, '--summary', summaryPath]);
    expect(r.code).toBe(0);
    const s = JSON.parse(await readFile(summaryPath, 'utf8')) as { totals: { lines: number; accepted: number; quarantined: number; blank: number } };
    expect(s.totals).toMatchObject({ lines: 9, accepted: 2, quarantined: 6, blank: 1 });
    expect(s.totals.accepted + s.totals.quarantined + s.totals.blank).toBe(s.totals.lines);
    const rows = (await readFile(q, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(rows.map((x) => x.line).sort((a, b) => a - b)).toEqual([2, 3, 4, 6, 7, 8]);
    for (const row of rows) {
      expect(row.file).toContain('bad-lines.ndjson');
      expect(row.reason).toMatch(/^[a-z_]+$/);
    }
    expect(rows.find((x) => x.line === 7)?.reason).toBe('duplicate_request_id');
    expect(r.stdout).toContain('quarantined');
  });

  it('--strict stops at the first bad line with exit 2 and its location', async () => {
    const r = await runCli(['hunt', '--strict', '--access', BAD, '--db', join(dir, 'strict.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-lines\.ndjson:2/);
  });

  it('reads access events from standard input with -', async () => {
    const text = await readFile(join(SIM, 'access/access-2025-06-02.ndjson'), 'utf8');
    const r = await runCli(['hunt', '--access', '-', '--ledger', join(SIM, 'ledger'), ...refArgs, '--db', join(dir, 'stdin.duckdb'), '--json'], { stdin: text });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { totals: { accepted: number } };
    expect(s.totals.accepted).toBe(172 + 18);
  });

  it('hunt then scope over a forged-token simulation finds exactly the affected accounts', async () => {
    const db = join(dir, 'sim.duckdb');
    const alertsPath = join(dir, 'alerts.ndjson');
    const h = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs, '--db', db, '--alerts', alertsPath]);
    expect(h.code).toBe(0);
    const alerts = (await readFile(alertsPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const forged = alerts.find((a) => a.detector === 'unissued-token');
    expect(forged).toMatchObject({ severity: 'critical', entity: { type: 'key', id: 'sig-2019-01' } });
    expect(forged).toMatchObject({ status: 'open', verdict: 'forged' });
    for (const k of ['alert_id', 'detector', 'severity', 'title', 'entity', 'first_seen', 'last_seen', 'detected_at', 'events', 'accounts', 'evidence', 'details', 'status', 'verdict']) {
      expect(forged).toHaveProperty(k);
    }
    const out = join(dir, 'scope');
    const s = await runCli(['scope', '--db', db, '--out', out]);
    expect(s.code).toBe(0);
    const csv = (await readFile(join(out, 'affected_accounts.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('account_id,fields,first_access,last_access,accesses,src_ips');
    const truth = JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } };
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(truth.attack.affected_accounts);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual([
      'accounts_affected', 'by_day', 'by_field', 'indicators', 'pivots', 'retracted_alerts', 'sources', 'unverifiable', 'window',
    ]);
    expect(summary.accounts_affected).toBe(truth.attack.affected_accounts.length);
  });

  it('--store duckdb:PATH is the same store as --db PATH', async () => {
    const db = join(dir, 'by-url.duckdb');
    const h = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs, '--store', `duckdb:${db}`, '--json']);
    expect(h.code).toBe(0);
    expect((JSON.parse(h.stdout) as { store: string }).store).toBe(`duckdb:${db}`);
    const a = await runCli(['scope', '--store', `duckdb:${db}`, '--out', join(dir, 'scope-url')]);
    const b = await runCli(['scope', '--db', db, '--out', join(dir, 'scope-db')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(await readFile(join(dir, 'scope-url', 'affected_accounts.csv'), 'utf8'))
      .toBe(await readFile(join(dir, 'scope-db', 'affected_accounts.csv'), 'utf8'));
  });

  it('refuses a store it cannot open with exit 2 and the reason, never a password', async () => {
    const out = join(dir, 'scope-bad');
    const ch = await runCli(['scope', '--store', 'clickhouse://bw:s3cret@127.0.0.1:1/events?clustr=c1', '--out', out]);
    expect(ch.code).toBe(2);
    expect(ch.stderr).toContain("unknown setting 'clustr'");
    expect(ch.stderr).not.toContain('s3cret');
    const down = await runCli(['scope', '--store', 'clickhouse://bw:s3cret@127.0.0.1:1/events', '--out', out]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('ECONNREFUSED');
    expect(down.stderr).not.toContain('s3cret');
    const both = await runCli(['scope', '--store', 'duckdb:x.duckdb', '--db', 'x.duckdb', '--out', out]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const none = await runCli(['scope', '--out', out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--store');
    const missing = await runCli(['scope', '--db', join(dir, 'never.duckdb'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such store');
    const scheme = await runCli(['hunt', '--access', BAD, '--store', join(dir, 'plain.duckdb')]);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('has no scheme');
  });

  it('the same files hunted twice give the same alert ids (stable ids)', async () => {
    const ids = async (name: string): Promise<string[]> => {
      const p = join(dir, `${name}.ndjson`);
      const r = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs, '--db', join(dir, `${name}.duckdb`), '--alerts', p]);
      expect(r.code).toBe(0);
      return (await readFile(p, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { alert_id: string }).alert_id).sort();
    };
    expect(await ids('run1')).toEqual(await ids('run2'));
  });

  it('demo runs end to end and reports detection and agreement with the ground truth', async () => {
    const r = await runCli(['demo', '--out', join(dir, 'demo'), '--accounts', '2000', '--days', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/attack began\s+2025-/);
    expect(r.stdout).toMatch(/time to detect: \d+s/);
    expect(r.stdout).toMatch(/recall 100\.00%/);
    // the forged-token attacker reads nearly everyone, planted accounts included
    expect(r.stdout).toMatch(/honey accounts\s+\d+ planted accounts? read; the first at 2025-\S+ \(critical, on that very read: token \S+ from /);
    // …and ends with the response: an incident with its clocks, notices, the report, the key rotated, a verified bundle, each where it says.
    const affected = Number(/customers affected\s+([\d,]+)/.exec(r.stdout)?.[1]?.replaceAll(',', ''));
    expect(r.stdout).toMatch(/incident\s+inc-\d{8}-[0-9a-f]{6}, aware /);
    expect(r.stdout).toMatch(/clock\s+Report to PIPC or KISA: due \S+ \(2d \d+h \d+m left\)/);
    const notices = /notices\s+([\d,]+) rendered .* → (\S+)/.exec(r.stdout);
    expect(Number(notices?.[1]?.replaceAll(',', ''))).toBe(affected);
    const merge = (await readFile(join(notices?.[2] ?? '', 'mail-merge.ndjson'), 'utf8')).trim().split('\n');
    expect(new Set(merge.map((l) => (JSON.parse(l) as { account_id: string }).account_id)).size).toBe(affected);
    const report = /regulator report\s+initial report rep-[0-9a-f]{8} → (\S+)\/report\.\{json/.exec(r.stdout);
    const rep = JSON.parse(await readFile(join(report?.[1] ?? '', 'report.json'), 'utf8')) as { kind: string };
    expect(rep.kind).toBe('initial');
    // the exposed key rotated under the two-person rule: forged tokens accepted before, none after
    const contain = /containment\s+(\S+): key (\S+) replaces the exposed one .* → (\S+)\n\s+forged tokens\s+before the rotation (\d+) of (\d+) accepted; after it (\d+) of (\d+) accepted \(new-key tokens: (\d+) of (\d+) accepted\)/.exec(r.stdout);
    expect(contain, r.stdout).not.toBeNull();
    const [, , newKid, registry, before, tried, after, , fresh, freshTried] = contain ?? [];
    expect(Number(before)).toBe(Number(tried));
    expect(Number(tried)).toBeGreaterThan(0);
    expect(Number(after)).toBe(0);
    expect(Number(fresh)).toBe(Number(freshTried));
    const keys = (JSON.parse(await readFile(registry ?? '', 'utf8')) as { keys: { kid: string; revoked: string | null }[] }).keys;
    expect(keys.find((k) => k.kid === newKid)?.revoked).toBeNull();
    expect(keys.filter((k) => k.revoked !== null).length).toBeGreaterThan(0);
    const bundle = /evidence bundle\s+VERIFIED: [\d,]+ entries, .* → (\S+) /.exec(r.stdout)?.[1] ?? '';
    const v = await runCli(['evidence', 'verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/^VERIFIED /m);
  });

  it('hunt takes --clients and --honey, and scope --no-pivots follows only the alerts\' own indicators', async () => {
    const db = join(dir, 'flags.duckdb');
    const fx = join(import.meta.dirname, '../fixtures/ingest');
    const h = await runCli(['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs,
      '--clients', join(fx, 'clients.yaml'), '--honey', join(fx, 'honey-salted.txt'), '--db', db, '--json']);
    expect(h.code).toBe(0);
    const bad = await runCli(['hunt', '--access', join(SIM, 'access'), '--honey', join(fx, 'honey-mixed.txt'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/honey-mixed\.txt:3: plain account ids and sha256: entries cannot be mixed/);
    const on = await runCli(['scope', '--db', db, '--out', join(dir, 'flags-on')]);
    const off = await runCli(['scope', '--db', db, '--out', join(dir, 'flags-off'), '--no-pivots']);
    expect(on.code).toBe(0);
    expect(off.code).toBe(0);
    const pivots = (p: string): { steps: unknown[] } => (JSON.parse(readFileSync(join(dir, p, 'summary.json'), 'utf8')) as { pivots: { steps: unknown[] } }).pivots;
    expect(pivots('flags-on').steps.length).toBeGreaterThan(0);
    expect(pivots('flags-off').steps).toEqual([]);
  });
});
