/**
 * End-to-end tests of `serve` over real HTTP on 127.0.0.1: auth and roles, NDJSON/gzip ingest
 * with quarantine counts, 400/413 (gzip bombs included), dedup on retry, a forged token becoming an alert readable
 * through the API, the audit log, scope jobs, metrics, OpenAPI, and log redaction.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes, type OPENAPI } from '../../src/server/index.js';
import { traffic } from './gen.js';
import { getJson, postLines, startTestService, type TestService } from './harness.js';

let t: TestService;
const data = traffic({ events: 2000, forgedEvery: 100, forgedTokens: 1, prefix: 'e2e' });

async function waitFor<T>(what: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.close();
});

describe('serve over HTTP', () => {
  it('refuses requests without a key (401) and with the wrong role (403)', async () => {
    const none = await fetch(`${t.url}/v1/events/access`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'ERR_UNAUTHORIZED' });
    const wrong = await postLines(t.url, '/v1/events/access', t.keys.analyst, ['{}']);
    expect(wrong.status).toBe(403);
    expect((await getJson(`${t.url}/api/v1/alerts`, t.keys.ingest)).status).toBe(403);
    expect((await getJson(`${t.url}/api/v1/alerts`, 'bwk_not-a-key')).status).toBe(401);
    expect((await getJson(`${t.url}/healthz`, undefined)).status).toBe(200);
  });

  it('ingests ledger and access NDJSON, commits before answering, counts quarantined lines', async () => {
    const led = await postLines(t.url, '/v1/events/ledger', t.keys.ingest, data.ledger);
    expect(led.status).toBe(200);
    expect(led.body).toMatchObject({ accepted: data.ledger.length, quarantined: 0 });
    const half = data.access.slice(0, 1000);
    const bad = ['{"time":"yesterday","src_ip":"1.2.3.4","method":"GET","route":"/x","status":200}', 'not json at all'];
    const res = await postLines(t.url, '/v1/events/access', t.keys.ingest, [...half.slice(0, 500), ...bad, ...half.slice(500)]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1000, duplicates: 0, quarantined: 2, reasons: { bad_time: 1, bad_json: 1 } });
    expect(res.body['errors']).toEqual([
      expect.objectContaining({ line: 501, reason: 'bad_time' }),
      expect.objectContaining({ line: 502, reason: 'bad_json' }),
    ]);
    // Acknowledged means stored: the store already counts them.
    expect(await t.svc.store.countAccess()).toBe(1000);
  });

  it('accepts gzip bodies', async () => {
    const body = gzipSync(Buffer.from(data.access.slice(1000).join('\n') + '\n'));
    const res = await fetch(`${t.url}/v1/events/access`, {
      method: 'POST', body, headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1000 });
    expect(await t.svc.store.countAccess()).toBe(2000);
  });

  it('does not store a retried request twice (request_id dedup)', async () => {
    const res = await postLines(t.url, '/v1/events/access', t.keys.ingest, data.access.slice(0, 300));
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 300 });
    expect(await t.svc.store.countAccess()).toBe(2000);
  });

  it('answers 400 {code,message} for a body that is not NDJSON, and for broken gzip', async () => {
    const res = await postLines(t.url, '/v1/events/access', t.keys.ingest, ['<html>', '<body>hello</body>']);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'ERR_INPUT_INVALID' });
    const gz = await fetch(`${t.url}/v1/events/access`, {
      method: 'POST', body: Buffer.from('definitely not gzip'), headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-encoding': 'gzip' },
    });
    expect(gz.status).toBe(400);
  });

  it('answers 413 over the body limit, also when the limit is crossed only after gzip decoding', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const res = await fetch(`${t.url}/v1/events/access`, { method: 'POST', body: big, headers: { authorization: `Bearer ${t.keys.ingest}` } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'ERR_TOO_LARGE' });
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const gz = await fetch(`${t.url}/v1/events/access`, { method: 'POST', body: bomb, headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-encoding': 'gzip' } });
    expect(gz.status).toBe(413);
  });

  it('raises the forged-token alert and serves it with timeline, sources, tokens and keys', async () => {
    const { alert, d } = await waitFor(async () => {
      const r = await getJson<{ items: { alert_id: string; detector: string }[]; total: number }>(`${t.url}/api/v1/alerts?detector=unissued-token`, t.keys.analyst);
      const a = r.body.items[0];
      if (a === undefined) return undefined;
      const detail = await getJson<Record<string, unknown>>(`${t.url}/api/v1/alerts/${a.alert_id}`, t.keys.analyst);
      return (detail.body['tokens'] as { count: number }).count === data.forged.length ? { alert: a, d: detail } : undefined;
    });
    expect(alert.detector).toBe('unissued-token');
    expect(d.status).toBe(200);
    expect(d.body['keys']).toEqual(['sig-2024-01']);
    const tokens = d.body['tokens'] as { count: number; sample: string[] };
    expect(tokens.sample.sort()).toEqual([...data.forged].sort());
    const sources = d.body['sources'] as { ip: string; requests: number }[];
    expect(sources[0]?.ip).toBe('203.0.113.7');
    const timeline = d.body['timeline'] as { hour: string; requests: number }[];
    expect(timeline.reduce((s, h) => s + h.requests, 0)).toBeGreaterThan(0);
    expect((await getJson(`${t.url}/api/v1/alerts/nope`, t.keys.analyst)).status).toBe(404);
    const audit = await readFile(join(t.dir, 'state', 'audit.ndjson'), 'utf8');
    expect(audit).toContain(`"who":"analyst-bot","role":"analyst","action":"view_alert","object":"${alert.alert_id}"`);
  });

  it('filters and pages the alert list', async () => {
    const all = await getJson<{ items: { detected_at: string }[]; total: number }>(`${t.url}/api/v1/alerts?limit=1000`, t.keys.analyst);
    expect(all.body.total).toBeGreaterThan(0);
    const dates = all.body.items.map((a) => a.detected_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    const page = await getJson<{ items: unknown[]; total: number }>(`${t.url}/api/v1/alerts?limit=1&offset=0`, t.keys.analyst);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBe(all.body.total);
    expect((await getJson(`${t.url}/api/v1/alerts?severity=urgent`, t.keys.analyst)).status).toBe(400);
  });

  it('runs a scope job and serves its affected accounts (audit-logged)', async () => {
    const start = await fetch(`${t.url}/api/v1/scope`, { method: 'POST', body: JSON.stringify({ min_severity: 'critical' }), headers: { authorization: `Bearer ${t.keys.analyst}`, 'content-type': 'application/json' } });
    expect(start.status).toBe(202);
    const { job_id } = await start.json() as { job_id: string };
    const done = await waitFor(async () => {
      const r = await getJson<{ status: string; result?: { accounts_affected: number } }>(`${t.url}/api/v1/scope/${job_id}`, t.keys.analyst);
      return r.body.status === 'running' ? undefined : r.body;
    });
    expect(done.status).toBe('done');
    expect(done.result?.accounts_affected).toBeGreaterThan(0);
    const csv = await fetch(`${t.url}/api/v1/scope/${job_id}/affected_accounts.csv`, { headers: { authorization: `Bearer ${t.keys.analyst}` } });
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('account_id,fields,first_access,last_access,accesses,src_ips');
    expect(text.trim().split('\n').length - 1).toBe(done.result?.accounts_affected);
    const audit = await readFile(join(t.dir, 'state', 'audit.ndjson'), 'utf8');
    expect(audit).toContain(`"action":"download_affected_accounts","object":"${job_id}"`);
  });

  it('serves the key-custody audit', async () => {
    const r = await getJson<{ keys: { kid: string; storage: string }[] }>(`${t.url}/api/v1/audit/key-custody`, t.keys.analyst);
    expect(r.body.keys).toEqual([expect.objectContaining({ kid: 'sig-2024-01', storage: 'kms' })]);
  });

  it('exposes Prometheus metrics (analyst role) with ingest and quarantine counts', async () => {
    expect((await getJson(`${t.url}/metrics`, undefined)).status).toBe(401);
    const r = await getJson<string>(`${t.url}/metrics`, t.keys.analyst);
    expect(r.body).toContain(`breachwatch_ingest_events_total{source="http-access"} 2000`);
    expect(r.body).toContain(`breachwatch_ingest_quarantined_total{source="http-access",reason="bad_time"} 1`);
    expect(r.body).toMatch(/breachwatch_alerts\{severity="critical"\} [1-9]/);
    expect(r.body).toMatch(/breachwatch_store_memory_bytes [1-9]\d*/);
    expect(r.body).toMatch(/breachwatch_checkpoint_seconds \d/);
  });

  it('documents every route in /openapi.json', async () => {
    const r = await getJson<typeof OPENAPI>(`${t.url}/openapi.json`, t.keys.analyst);
    expect(r.body.openapi).toMatch(/^3\./);
    const documented = new Set(Object.entries(r.body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const served = listRoutes(t.svc.app).filter((x) => !x.url.includes('*')).map((x) => `${x.method} ${x.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(10);
    for (const s of served) expect(documented).toContain(s);
  });

  it('reports readiness', async () => {
    expect(await getJson(`${t.url}/readyz`, undefined)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('keeps API keys, tokens and personal data out of the logs', async () => {
    const email = 'jane.doe.synthetic@example.test';
    const line = JSON.stringify({ time: 'bad', src_ip: '1.2.3.4', method: 'GET', route: '/x', status: 200, email, token: { jti: 'secret-jti-123' } });
    await postLines(t.url, '/v1/events/access', t.keys.ingest, [line]);
    await fetch(`${t.url}/api/v1/alerts?email=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${t.keys.analyst}` } });
    await fetch(`${t.url}/api/v1/alerts`, { headers: { authorization: 'Bearer bwk_wrong-key-value-42' } });
    t.svc.logger.info({ req: { headers: { authorization: `Bearer ${t.keys.admin}` } }, email, token: 'tok-abc', account_id: 'm-4242' }, 'probe');
    t.svc.logger.flush?.();
    const logs = t.logs();
    expect(logs).toContain('"route":"/v1/events/access"');
    expect(logs).toContain('probe');
    for (const secret of [t.keys.ingest, t.keys.analyst, t.keys.admin, 'bwk_wrong-key-value-42', email, 'secret-jti-123', 'tok-abc', 'm-4242', 'e2e-forged-0']) {
      expect(logs).not.toContain(secret);
    }
  });
});
