/**
 * Incidents as a user runs them (the built binary): hunt a forged-token simulation, open an
 * incident with an awareness time, save scope runs (the contract folder, what changed since
 * the last run, each affected account's request lines hashed from the archive), ask what of
 * one account was exposed, export and verify the incident's evidence, place a legal hold and
 * see hunt (replacing the store) and prune refuse and change nothing, lift it, close.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';
import { CHROMIUM } from '../../src/respond/index.js';

const SIM = join(ROOT, 'test/fixtures/sim/forged-token-small');
const refArgs = ['--keys', join(SIM, 'keys.json'), '--staff', join(SIM, 'staff.csv'), '--catalog', join(SIM, 'catalog.yaml')];
const huntArgs = (db: string): string[] => ['hunt', '--access', join(SIM, 'access'), '--ledger', join(SIM, 'ledger'), ...refArgs, '--db', db];
let dir = '';
let db = '';
let incidentId = '';
let runId = '';
const truth = async (): Promise<string[]> =>
  (JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } }).attack.affected_accounts;

interface RunOut {
  run: { run_id: string; n: number; accounts: number; requests: number };
  folder: { dir: string; csv: string; summary: string; runJson: string; changesCsv?: string };
  changes: { since: string; added: number; grown: number; removed: number; unchanged: number } | null;
  evidence: { entry: number; lines: { lines: number; hashed: number }; accountEntries: number };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-incident-'));
  db = join(dir, 'bw.duckdb');
  const h = await runCli(huntArgs(db));
  expect(h.code, h.stderr).toBe(0);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('breachwatch incident', () => {
  it('open starts the clocks from --aware-at and shows time left or overdue', async () => {
    const awareAt = new Date(Date.now() - 80 * 3600_000).toISOString();
    const o = await runCli(['incident', 'open', '--db', db, '--name', 'forged tokens June', '--aware-at', awareAt]);
    expect(o.code, o.stderr).toBe(0);
    incidentId = /^(inc-\d{8}-[0-9a-f]{6})/m.exec(o.stdout)?.[1] ?? '';
    expect(incidentId).not.toBe('');
    expect(o.stdout).toMatch(/Notice to each affected person: due .*: not_required/);
    const s = await runCli(['incident', 'status', incidentId, '--db', db, '--json']);
    expect(s.code, s.stderr).toBe(0);
    const v = JSON.parse(s.stdout) as { alert_ids: string[]; unlawful_access: { value: boolean }; clocks: { id: string; state: string; remaining_ms?: number }[] };
    expect(v.alert_ids.length).toBeGreaterThan(0);
    expect(v.unlawful_access.value).toBe(true);
    // Forged tokens are unlawful access: the regulator report is due whatever the count, and 80 h > 72 h.
    const report = v.clocks.find((c) => c.id === 'regulator_report');
    expect(report).toMatchObject({ state: 'overdue' });
    expect(report?.remaining_ms).toBeLessThan(-7 * 3600_000);
    expect((await runCli(['incident', 'open', '--db', db, '--name', 'x', '--aware-at', 'yesterday'])).code).toBe(2);
  });

  it('scope saves a run: the contract folder with exactly the affected accounts, and the request lines hashed from the archive', async () => {
    const r = await runCli(['incident', 'scope', incidentId, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as RunOut;
    runId = out.run.run_id;
    expect(out.run.n).toBe(1);
    expect(out.changes).toBeNull();
    const csv = (await readFile(out.folder.csv, 'utf8')).trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(await truth());
    const summary = JSON.parse(await readFile(out.folder.summary, 'utf8')) as { accounts_affected: number };
    expect(summary.accounts_affected).toBe(out.run.accounts);
    expect(out.evidence.lines.hashed).toBe(out.evidence.lines.lines);
    expect(out.evidence.lines.lines).toBe(out.run.requests);
    expect(out.evidence.accountEntries).toBe(out.run.accounts);
    const s = JSON.parse((await runCli(['incident', 'status', incidentId, '--db', db, '--json'])).stdout) as { latest_run: string; clocks: { id: string; state: string }[] };
    expect(s.latest_run).toBe(runId);
    expect(s.clocks.find((c) => c.id === 'person_notice')?.state).toBe('overdue');
  });

  it('exposure answers what of one account was exposed, with the request rows behind it whose hashes match the archive', async () => {
    const account = (await truth())[0] ?? '';
    const r = await runCli(['incident', 'exposure', runId, account, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as { exposure: { fields: string[]; accesses: number }; requests: { file: string; line: number }[]; evidence: { first_entry: number } };
    expect(e.exposure.fields.length).toBeGreaterThan(0);
    expect(e.requests.length).toBe(e.exposure.accesses);
    const first = e.requests[0];
    expect(first?.file).toContain('access-2025-06-0');
    // The account's evidence entry lists its lines with the sha256 of each line's bytes in the file.
    const log = join(`${db}.incidents`, incidentId, 'evidence', 'entries.ndjson');
    const entries = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; payload: { account_id?: string; lines?: { file: string; line: number; sha256: string }[] } });
    const mine = entries.find((x) => x.kind === 'account_evidence' && x.payload.account_id === account);
    const line = mine?.payload.lines?.find((l) => l.file === first?.file && l.line === first.line);
    const text = (await readFile(first?.file ?? '', 'utf8')).split('\n')[(first?.line ?? 1) - 1] ?? '';
    expect(line?.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(entries.filter((x) => x.kind === 'input_file').length).toBeGreaterThanOrEqual(3);
    const none = JSON.parse((await runCli(['incident', 'exposure', runId, 'nobody-here', '--db', db])).stdout) as { exposure?: unknown; requests: unknown[] };
    expect(none.exposure).toBeUndefined();
    expect(none.requests).toEqual([]);
  });

  it('a second run shows what changed since the first; the evidence bundle verifies', async () => {
    const r = await runCli(['incident', 'scope', incidentId, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as RunOut;
    expect(out.run.n).toBe(2);
    expect(out.changes).toMatchObject({ since: runId, added: 0, grown: 0, removed: 0, unchanged: out.run.accounts });
    expect((await readFile(out.folder.changesCsv ?? '', 'utf8')).trim()).toBe('account_id,change,fields,new_fields');
    const bundle = join(dir, 'bundle');
    const x = await runCli(['evidence', 'export', '--log', join(`${db}.incidents`, incidentId, 'evidence'), '--out', bundle]);
    expect(x.code, x.stderr).toBe(0);
    const v = await runCli(['evidence', 'verify', bundle]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('notice render --incident ID --run RUN renders from the saved run with the incident\'s details, follow-ups against an earlier run', async () => {
    const s = JSON.parse((await runCli(['incident', 'status', incidentId, '--db', db, '--json'])).stdout) as { runs: { run_id: string; accounts: number }[] };
    const [first, second] = s.runs;
    const directory = join(SIM, 'customers.csv');
    const render = (out: string, ...more: string[]): ReturnType<typeof runCli> =>
      runCli(['notice', 'render', '--db', db, '--incident', incidentId, '--directory', directory, '--out', join(dir, out), '--quiet', ...more]);
    // Opened without details: the notice's wording is missing, and the message says how to add it.
    const bare = await render('n0', '--run', first!.run_id);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/incident inc-\S+ details .*incident update .* --details FILE.*: \$\.company: /);
    const u = await runCli(['incident', 'update', incidentId, '--db', db, '--details', join(ROOT, 'data/demo/incident.yaml')]);
    expect(u.code, u.stderr).toBe(0);
    const logSize = async (): Promise<number> =>
      (JSON.parse((await runCli(['incident', 'status', incidentId, '--db', db, '--json'])).stdout) as { evidence: { size: number } }).evidence.size;
    const before = await logSize();
    const r1 = await render('n1', '--run', first!.run_id);
    expect(r1.code, r1.stderr).toBe(0);
    const sum1 = JSON.parse(r1.stdout) as { messages: number; counts: { initial: number; affected: number }; scope: string; evidence: { entries: number } };
    expect(sum1.counts).toMatchObject({ affected: first!.accounts, initial: first!.accounts });
    expect(sum1.scope).toBe(`scope run ${first!.run_id}`);
    const rows = (await readFile(join(dir, 'n1', 'mail-merge.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { account_id: string });
    expect(rows.map((x) => x.account_id).sort()).toEqual((await truth()).sort());
    // Recorded in the incident's own log (notice_rendered per notice).
    expect(await logSize()).toBeGreaterThanOrEqual(before + sum1.evidence.entries);
    expect(sum1.evidence.entries).toBeGreaterThanOrEqual(first!.accounts);
    // The second run found nobody new and no grown fields: no follow-up.
    const r2 = await render('n2', '--run', second!.run_id, '--previous-run', first!.run_id);
    expect(r2.code, r2.stderr).toBe(0);
    expect((JSON.parse(r2.stdout) as { counts: { update: number; unchanged: number } }).counts).toMatchObject({ update: 0, unchanged: first!.accounts });
    const same = await render('n3', '--run', first!.run_id, '--previous-run', second!.run_id);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is not earlier than run/);
    expect((await render('n4', '--run', 'run-nope')).code).not.toBe(0);
    expect((await render('n5', '--scope', join(dir, 'n1'))).stderr).toMatch(/--scope is for a scope folder/);
  });

  it('report writes the initial regulator report (JSON, self-contained HTML, PDF by Chromium), then a follow-up with the changes and deadlines met', async () => {
    const r = await runCli(['report', incidentId, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; kind: string; report: { report_id: string; n: number; files: { path: string; sha256: string }[] } };
    expect(out.kind).toBe('initial');
    const rep = JSON.parse(await readFile(join(out.dir, 'report.json'), 'utf8')) as {
      persons_affected: number; items_leaked: Record<string, number>; how: { unlawful_access: boolean }; clocks: { id: string; state: string }[];
    };
    expect(rep.persons_affected).toBe((await truth()).length);
    expect(Object.keys(rep.items_leaked).length).toBeGreaterThan(0);
    expect(rep.clocks.find((c) => c.id === 'regulator_report')?.state).toBe('overdue');
    const html = await readFile(join(out.dir, 'report.html'), 'utf8');
    expect(html).toContain('유출된 개인정보 항목');
    expect(html).toContain('Items of personal data leaked');
    expect(html).not.toMatch(/(src|href)\s*=|<script|@import|url\(/i);
    const pdf = await readFile(join(out.dir, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThanOrEqual(1);
    // Turn the printed page into an image in Chromium and see ink on it.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args] });
    try {
      const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
      await page.setContent(html);
      const png = await page.screenshot({ type: 'png' });
      // Decoded and counted in the page: share of pixels darker than mid-grey.
      const ink = await page.evaluate<number>(`(async () => {
        const img = new Image();
        img.src = 'data:image/png;base64,${png.toString('base64')}';
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
        return dark / (d.length / 4);
      })()`);
      expect(ink).toBeGreaterThan(0.005);
    } finally {
      await browser.close();
    }
    const m = await runCli(['incident', 'update', incidentId, '--db', db, '--reported-at', new Date().toISOString()]);
    expect(m.code, m.stderr).toBe(0);
    const f = await runCli(['report', incidentId, '--db', db, '--no-pdf']);
    expect(f.code, f.stderr).toBe(0);
    const fo = JSON.parse(f.stdout) as { dir: string; kind: string; report: { n: number } };
    expect(fo).toMatchObject({ kind: 'follow_up', report: { n: 2 } });
    const follow = JSON.parse(await readFile(join(fo.dir, 'report.json'), 'utf8')) as { changes: { added: number; since_report: string }; clocks: { id: string; state: string }[] };
    expect(follow.changes).toMatchObject({ added: 0, since_report: out.report.report_id });
    // Filed 80 h after awareness: the 72-hour deadline was not met, and the report says so.
    expect(follow.clocks.find((c) => c.id === 'regulator_report')?.state).toBe('late');
  });

  it('report --for police lists every attacker source with its tokens, ASN and country source, tied to evidence entries', async () => {
    const r = await runCli(['report', incidentId, '--db', db, '--for', 'police']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; sources: number };
    const p = JSON.parse(await readFile(join(out.dir, 'police.json'), 'utf8')) as {
      enrichment: { sources: { data_date: string }[] };
      sources: { ip: string; requests: number; tokens: unknown[]; geo_source: string; evidence_entries: number[] }[];
    };
    expect(p.sources.length).toBe(out.sources);
    expect(p.sources.length).toBeGreaterThan(0);
    for (const s of p.sources) {
      expect(s.requests).toBeGreaterThan(0);
      expect(s.evidence_entries.length).toBeGreaterThan(0);
      expect(['gateway', 'offline', 'none']).toContain(s.geo_source);
    }
    expect(p.enrichment.sources[0]?.data_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const csv = (await readFile(join(out.dir, 'police.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(p.sources.length + 1);
  });

  it('a legal hold makes hunt without --append and prune refuse and change nothing; lifted, prune runs', async () => {
    const h = await runCli(['incident', 'hold', incidentId, '--db', db, '--reason', 'preservation order 2025-77']);
    expect(h.code, h.stderr).toBe(0);
    const holdId = (JSON.parse(h.stdout) as { hold_id: string }).hold_id;
    const before = await stat(db);
    const hunt = await runCli(huntArgs(db));
    expect(hunt.code).toBe(1);
    expect(hunt.stderr).toMatch(/legal hold stands.*preservation|legal hold stands/);
    expect(hunt.stderr).toContain(holdId);
    const prune = await runCli(['prune', '--db', db, '--before', '2030-01-01T00:00:00Z']);
    expect(prune.code).toBe(1);
    expect(prune.stderr).toMatch(/legal hold stands/);
    expect((await stat(db)).size).toBe(before.size);
    // Still every event: a plain scope over the held store finds exactly the affected accounts.
    const sc = await runCli(['scope', '--db', db, '--out', join(dir, 'held-scope')]);
    expect(sc.code, sc.stderr).toBe(0);
    const csv = (await readFile(join(dir, 'held-scope', 'affected_accounts.csv'), 'utf8')).trim().split('\n');
    expect(csv.slice(1).map((x) => x.split(',')[0])).toEqual(await truth());
    const s = JSON.parse((await runCli(['incident', 'status', incidentId, '--db', db, '--json'])).stdout) as { runs: unknown[]; holds: { hold_id: string; lifted_at?: string }[] };
    expect(s.runs).toHaveLength(2);
    expect(s.holds).toEqual([expect.objectContaining({ hold_id: holdId })]);
    const l = await runCli(['incident', 'release', incidentId, holdId, '--db', db, '--reason', 'order lifted']);
    expect(l.code, l.stderr).toBe(0);
    const p = await runCli(['prune', '--db', db, '--before', '2000-01-01T00:00:00Z']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual({ deleted: { access: 0, ledger: 0 } });
  });

  it('close keeps the incident and its runs; a closed incident takes no new run', async () => {
    const c = await runCli(['incident', 'close', incidentId, '--db', db]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('[closed]');
    const again = await runCli(['incident', 'scope', incidentId, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('closed');
    const all = await runCli(['incident', 'status', '--db', db]);
    expect(all.stdout).toContain(incidentId);
    expect((await runCli(['incident', 'status', 'inc-none', '--db', db])).code).toBe(2);
  });
});
