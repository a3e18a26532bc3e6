/**
 * The incidents API of a real `serve` over a store holding a real incident (hunted
 * simulation, saved scope run, notices delivered to a real SMTP server): clocks and counts,
 * runs and their summaries, notice delivery progress, a regulator report written by an admin
 * and downloaded as JSON and PDF, an evidence bundle exported and downloaded as a tar that
 * `tar` extracts and `verifyBundle` accepts — holding the `audit` entries of the very
 * actions — plus roles, bad input answered 4xx `{code, message}`, and the audit log.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/evidence/index.js';
import { startSmtpSink, type SmtpSink } from '../e2e/smtp-sink.js';
import { getJson, startTestService, type TestService } from './harness.js';
import { SIM_REFERENCE, buildIncidentStore, type IncidentFixture } from './incident-fixture.js';

let dir = '';
let sink: SmtpSink;
let fx: IncidentFixture;
let t: TestService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-incidents-api-'));
  sink = await startSmtpSink(dir, 'notices', 'relay-secret-for-tests');
  fx = await buildIncidentStore(dir, { awareHoursAgo: 80, smtp: { port: sink.port, caFile: sink.caFile, user: 'notices', pass: 'relay-secret-for-tests' } });
  await mkdir(join(dir, 'svc'));
  t = await startTestService({ store: { url: fx.url }, reference: SIM_REFERENCE }, { dir: join(dir, 'svc') });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (p: string): string => `${t.url}/api/v1/incidents${p}`;
async function post(p: string, key: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(api(p), { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body !== undefined && { body }) });
  return { status: res.status, body: JSON.parse(await res.text()) as Record<string, unknown> };
}
async function download(p: string, key: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const res = await fetch(api(p), { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}
const auditLines = async (): Promise<{ action: string; who: string; object: string; detail?: Record<string, unknown> }[]> =>
  (await readFile(join(dir, 'svc', 'state', 'audit.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { action: string; who: string; object: string });

interface Clock { id: string; state: string; due_at: string | null; remaining_ms?: number }
interface Detail {
  incident: { incident_id: string; clocks: Clock[]; latest_run: string; runs: Record<string, unknown>[]; paths?: unknown; evidence: { size: number } };
  counts: { run_id: string; persons: number; requests: number; fields: Record<string, number> };
  notices: { ledger: Record<string, number>; total: number; sent: number; pending: number };
}

describe('incidents API', () => {
  it('lists incidents and shows one with its 72-hour clocks, the latest run\'s counts and notice delivery progress', async () => {
    const list = await getJson<{ items: { incident_id: string }[]; total: number }>(api(''), t.keys.analyst);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.incident_id)).toEqual([fx.incidentId]);
    const d = await getJson<Detail>(api(`/${fx.incidentId}`), t.keys.analyst);
    expect(d.status).toBe(200);
    const report = d.body.incident.clocks.find((c) => c.id === 'regulator_report');
    // Aware 80 hours ago: the 72-hour report deadline has passed by about 8 hours.
    expect(report?.state).toBe('overdue');
    expect(report?.remaining_ms).toBeLessThan(-7 * 3_600_000);
    expect(d.body.counts).toMatchObject({ run_id: fx.runId, persons: fx.accounts });
    expect(Object.keys(d.body.counts.fields).length).toBeGreaterThan(0);
    expect(Math.max(...Object.values(d.body.counts.fields))).toBeLessThanOrEqual(fx.accounts);
    expect(fx.sent).toBe(sink.arrived.length);
    expect(fx.sent).toBeGreaterThan(0);
    expect(d.body.notices.sent).toBe(sink.arrived.length);
    expect(d.body.notices.total).toBe(fx.sent + d.body.notices.ledger.failed! + d.body.notices.pending + d.body.notices.ledger.in_doubt!);
    // Server paths stay on the server.
    expect(d.body.incident.paths).toBeUndefined();
    expect(JSON.stringify(d.body)).not.toContain(dir);
  });

  it('lists the saved runs and gives one run\'s summary, the same numbers as the incident\'s counts', async () => {
    const runs = await getJson<{ items: { run_id: string; accounts: number }[]; latest_run: string }>(api(`/${fx.incidentId}/runs`), t.keys.analyst);
    expect(runs.body.latest_run).toBe(fx.runId);
    expect(runs.body.items).toHaveLength(1);
    const r = await getJson<{ run: { accounts: number; incident_id: string }; summary: { accounts_affected: number; by_field: Record<string, number> }; evidence_entry: number }>(api(`/${fx.incidentId}/runs/${fx.runId}`), t.keys.analyst);
    expect(r.status).toBe(200);
    expect(r.body.summary.accounts_affected).toBe(fx.accounts);
    const d = await getJson<Detail>(api(`/${fx.incidentId}`), t.keys.analyst);
    expect(r.body.summary.by_field).toEqual(d.body.counts.fields);
    expect(typeof r.body.evidence_entry).toBe('number');
    const n = await getJson<{ sent: number }>(api(`/${fx.incidentId}/notices`), t.keys.analyst);
    expect(n.body.sent).toBe(fx.sent);
  });

  it('writes a regulator report for an admin only, and serves its JSON and PDF', async () => {
    expect((await post(`/${fx.incidentId}/reports`, t.keys.analyst, '{}')).status).toBe(403);
    const w = await post(`/${fx.incidentId}/reports`, t.keys.admin, '{}');
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    expect(w.body).toMatchObject({ n: 1, kind: 'initial', run_id: fx.runId });
    const id = w.body.report_id as string;
    const json = await download(`/${fx.incidentId}/reports/${id}/report.json`, t.keys.analyst);
    expect(json.status).toBe(200);
    expect(json.type).toMatch(/^application\/json/);
    const rep = JSON.parse(json.bytes.toString('utf8')) as { incident_id?: string; incident?: { incident_id?: string } };
    expect(JSON.stringify(rep)).toContain(fx.incidentId);
    const files = w.body.files as { name: string; sha256: string }[];
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(json.bytes).digest('hex')).toBe(files.find((f) => f.name === 'report.json')?.sha256);
    const pdf = await download(`/${fx.incidentId}/reports/${id}/report.pdf`, t.keys.analyst);
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const list = await getJson<{ items: { report_id: string }[] }>(api(`/${fx.incidentId}/reports`), t.keys.analyst);
    expect(list.body.items.map((r) => r.report_id)).toEqual([id]);
    const d = await getJson<Detail & { incident: { reports: { report_id: string }[] } }>(api(`/${fx.incidentId}`), t.keys.analyst);
    expect(d.body.incident.reports.map((r) => r.report_id)).toEqual([id]);
  }, 60_000);

  it('exports an evidence bundle that, downloaded as a tar and extracted, verifies offline and holds the actions taken', async () => {
    expect((await post(`/${fx.incidentId}/evidence/bundles`, t.keys.analyst)).status).toBe(403);
    const e = await post(`/${fx.incidentId}/evidence/bundles`, t.keys.admin);
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    const bundleId = e.body.bundle_id as string;
    const tar = await download(`/${fx.incidentId}/evidence/bundles/${bundleId}.tar`, t.keys.analyst);
    expect(tar.status).toBe(200);
    expect(tar.type).toBe('application/x-tar');
    const x = join(dir, 'extract');
    await mkdir(x);
    await writeFile(join(x, 'b.tar'), tar.bytes);
    execFileSync('tar', ['-xf', join(x, 'b.tar'), '-C', x]);
    const v = await verifyBundle(join(x, bundleId));
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
    expect(v.entries).toBe(e.body.tree_size);
    const entries = (await readFile(join(x, bundleId, 'entries.ndjson'), 'utf8')).trim().split('\n')
      .map((l) => JSON.parse(l) as { entry: { kind: string; payload: { action?: string; who?: string } } } & { kind?: string; payload?: { action?: string; who?: string } });
    const audits = entries.map((r) => r.entry ?? r).filter((r) => r.kind === 'audit').map((r) => `${r.payload?.who}:${r.payload?.action}`);
    expect(audits).toEqual(expect.arrayContaining(['admin-bot:write_report', 'analyst-bot:download_report', 'admin-bot:export_bundle']));
    // Flip one byte of the extracted entries: verification names the entries part.
    const p = join(x, bundleId, 'entries.ndjson');
    const b = await readFile(p);
    b[10] = b[10]! ^ 1;
    await writeFile(p, b);
    expect((await verifyBundle(join(x, bundleId))).ok).toBe(false);
  }, 60_000);

  it('answers bad requests 4xx with {code, message}', async () => {
    const cases: [string, Promise<{ status: number; body: unknown }>, number][] = [
      ['unknown incident', getJson(api('/inc-20250101-000000'), t.keys.analyst), 404],
      ['path-like id', getJson(api('/..%2F..%2Fetc'), t.keys.analyst), 404],
      ['run of no incident', getJson(api(`/${fx.incidentId}/runs/run-nope`), t.keys.analyst), 404],
      ['unknown report', getJson(api(`/${fx.incidentId}/reports/rep-00000000/report.json`), t.keys.analyst), 404],
      ['not a report file', getJson(api(`/${fx.incidentId}/reports/rep-00000000/secret.txt`), t.keys.analyst), 404],
      ['unknown bundle', getJson(api(`/${fx.incidentId}/evidence/bundles/bundle-20250101T000000Z-abcdef.tar`), t.keys.analyst), 404],
      ['no key', getJson(api(''), undefined), 401],
      ['bad JSON', post(`/${fx.incidentId}/reports`, t.keys.admin, '{'), 400],
      ['wrong type', post(`/${fx.incidentId}/reports`, t.keys.admin, '{"pdf":"yes"}'), 400],
      ['unknown field', post(`/${fx.incidentId}/evidence/bundles`, t.keys.admin, '{"everything":true}'), 400],
      ['from after to', post(`/${fx.incidentId}/evidence/bundles`, t.keys.admin, '{"from":5,"to":2}'), 400],
      ['run of another incident', post(`/${fx.incidentId}/reports`, t.keys.admin, '{"run_id":"run-nope"}'), 404],
    ];
    for (const [what, p, status] of cases) {
      const r = await p;
      expect(r.status, what).toBe(status);
      expect(r.body, what).toMatchObject({ code: expect.stringMatching(/^ERR_/) as unknown, message: expect.any(String) as unknown });
    }
  });

  it('writes every read and action to the audit log, with who and the evidence entry of each action', async () => {
    const a = await auditLines();
    const actions = new Set(a.map((r) => r.action));
    for (const x of ['list_incidents', 'view_incident', 'list_runs', 'view_run', 'view_notices', 'list_reports', 'write_report', 'download_report', 'export_bundle', 'download_bundle']) {
      expect(actions, x).toContain(x);
    }
    for (const r of a.filter((x) => ['write_report', 'download_report', 'export_bundle', 'download_bundle'].includes(x.action))) {
      expect(typeof r.detail?.evidence_entry, r.action).toBe('number');
    }
    expect(a.find((r) => r.action === 'write_report')?.who).toBe('admin-bot');
  });
});
