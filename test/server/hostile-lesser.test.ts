/**
 * The lesser problems of issue 10 against a real `serve`: OTLP bodies of the wrong shape,
 * security headers and `no-store`, no public source maps, failed logins throttled and logged
 * without the key, owner-only state files, staging left by a dead process removed, reads of
 * alerts and scope results audited, `request_id: ""` as no id, impossible dates quarantined.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postLines, startTestService, waitUntil, type TestService } from './harness.js';
import { tmpdir } from 'node:os';

let t: TestService;
let orphan: string;
const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  // A staging folder left by a process that is gone (its pid came and went just now).
  const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { encoding: 'utf8' }).pid;
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  orphan = join(root, `bw-store-${dead}-leftover`);
  await mkdir(orphan, { recursive: true });
  await writeFile(join(orphan, 'access-0.ndjson'), '{"raw":"events"}\n');
  const dir = await mkdtemp(join(tmpdir(), 'bw-serve-'));
  const web = join(dir, 'web');
  await mkdir(join(web, 'assets'), { recursive: true });
  await writeFile(join(web, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(web, 'assets', 'main-abc.js'), 'console.log(1)');
  await writeFile(join(web, 'assets', 'main-abc.js.map'), '{"sources":["secret.ts"]}');
  t = await startTestService({ dashboard: { dir: web }, auth: { max_failures: 5, window_s: 60 } }, { dir });
});
afterAll(async () => { await t.close(); });

describe('serve: the lesser problems', () => {
  it('answers malformed OTLP shapes per record in partialSuccess, keeping the valid records', async () => {
    const good = { timeUnixNano: '1750734000000000000', attributes: [
      { key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'url.path', value: { stringValue: '/v1/products/p-1' } },
      { key: 'http.response.status_code', value: { intValue: '200' } }, { key: 'client.address', value: { stringValue: '192.0.2.1' } },
    ] };
    const body = { resourceLogs: [null, { scopeLogs: 5 }, { scopeLogs: [{ logRecords: [good, { ...good, timeUnixNano: '123456789012345678901234567890' }, 7] }] }] };
    const res = await fetch(`${t.url}/v1/logs`, { method: 'POST', body: JSON.stringify(body), headers: { ...auth(t.keys.ingest), 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const answer = await res.json() as { accepted: number; partialSuccess: { rejectedLogRecords: number } };
    expect(answer.accepted).toBe(1);
    expect(answer.partialSuccess.rejectedLogRecords).toBeGreaterThanOrEqual(4);
  });

  it('sends security headers, no-store on API answers, and never serves a source map', async () => {
    const api = await fetch(`${t.url}/api/v1/alerts`, { headers: auth(t.keys.analyst) });
    expect(api.headers.get('cache-control')).toBe('no-store');
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${t.url}/assets/main-abc.js`)).status).toBe(200);
    expect((await fetch(`${t.url}/assets/main-abc.js.map`)).status).toBe(404);
  });

  it('keeps state files owner-only and removes staging a dead process left behind', async () => {
    await postLines(t.url, '/v1/events/access', t.keys.ingest, ['not json']);
    await waitUntil('the quarantine file exists', async () => ((await readdir(join(t.dir, 'state'))).some((n) => n.startsWith('quarantine-')) ? true : undefined));
    expect((await stat(join(t.dir, 'state'))).mode & 0o777).toBe(0o700);
    for (const name of await readdir(join(t.dir, 'state'), { recursive: true })) {
      const s = await stat(join(t.dir, 'state', name));
      if (s.isFile()) expect([name, s.mode & 0o077]).toEqual([name, 0]);
    }
    expect(existsSync(orphan)).toBe(false);
  });

  it('audits reads of the alert list and scope results, after they succeed', async () => {
    await getJson(`${t.url}/api/v1/alerts?limit=5`, t.keys.analyst);
    expect((await getJson(`${t.url}/api/v1/alerts/nope`, t.keys.analyst)).status).toBe(404);
    const start = await fetch(`${t.url}/api/v1/scope`, { method: 'POST', body: '{}', headers: { ...auth(t.keys.analyst), 'content-type': 'application/json' } });
    const { job_id } = await start.json() as { job_id: string };
    await waitUntil('the scope job ends', async () => {
      const r = await getJson<{ status: string }>(`${t.url}/api/v1/scope/${job_id}`, t.keys.analyst);
      return r.body.status === 'done' ? true : undefined;
    });
    const audit = await readFile(join(t.dir, 'state', 'audit.ndjson'), 'utf8');
    expect(audit).toContain('"action":"list_alerts"');
    expect(audit).toContain(`"action":"view_scope","object":"${job_id}"`);
    expect(audit).not.toContain('"object":"nope"');
  });

  it('treats request_id "" as no id, and quarantines an impossible date (2025-02-30)', async () => {
    const l = (time: string, id: string): string => JSON.stringify({ time, src_ip: '192.0.2.1', method: 'GET', route: '/x', status: 200, request_id: id });
    const r = await postLines(t.url, '/v1/events/access', t.keys.ingest, [l('2025-06-24T01:00:00Z', ''), l('2025-06-24T01:00:01Z', ''), l('2025-02-30T00:00:00Z', 'd-1')]);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 0, quarantined: 1, reasons: { bad_time: 1 } });
  });
  // Last: the address stays throttled for the rest of the window.
  it('throttles failed logins per address (429) and logs and audits them with count and address, never the key', async () => {
    const wrong = 'bwk_wrong-key-do-not-log-7781';
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await fetch(`${t.url}/api/v1/alerts`, { headers: auth(wrong) })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The analyst key worked from this address before the failures: it still works.
    expect((await fetch(`${t.url}/api/v1/alerts`, { headers: auth(t.keys.analyst) })).status).toBe(200);
    // The admin key is right but never worked from here: it gets exactly a wrong key's answer.
    const right = await fetch(`${t.url}/api/v1/alerts`, { headers: auth(t.keys.admin) });
    const guess = await fetch(`${t.url}/api/v1/alerts`, { headers: auth(`${wrong}-2`) });
    expect([right.status, guess.status]).toEqual([429, 429]);
    expect(await right.json()).toEqual(await guess.json());
    expect(t.logs()).toMatch(/"ip":"127\.0\.0\.1","count":5[^\n]*authentication failed/);
    expect(t.logs()).not.toContain(wrong);
    const audit = await readFile(join(t.dir, 'state', 'audit.ndjson'), 'utf8');
    expect(audit.match(/"action":"auth_failed"/g)).toHaveLength(5);
    expect(audit).not.toContain(wrong);
  });

});
