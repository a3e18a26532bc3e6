/**
 * Hostile input against a real `serve` on 127.0.0.1, one test per problem of issue 10: a
 * poison row, a far-future timestamp, a gzip body of millions of bad lines, idle sockets and a
 * transient resource shortage, concurrent analysts. The tests share one service, in order, and
 * `/healthz` is polled throughout; the last test checks what must hold after all of it: the
 * forged-token replay raised its critical alert, every acknowledged event is stored once.
 */
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { traffic } from './gen.js';
import { getJson, postLines, startTestService, waitUntil, type TestService } from './harness.js';

let t: TestService;
let acknowledged = 0;
const data = traffic({ events: 2000, forgedEvery: 100, forgedTokens: 1, prefix: 'hx' });
/** `flush` fails with EMFILE while this is above 0 (a file-handle shortage, injected). */
let emfile = 0;
/** `/healthz` polls and their failures; while `capFull` (test 4 fills the connection cap on purpose) refusals are expected. */
const health = { polls: 0, failures: [] as string[], capFull: false };
let poller: NodeJS.Timeout | undefined;

const line = (over: Record<string, unknown>): string => JSON.stringify({
  time: '2025-06-24T00:00:05.000Z', src_ip: '192.0.2.9', method: 'GET', route: '/v1/products/p-1', status: 200, ...over,
});

async function ingest(lines: readonly string[]): Promise<Record<string, unknown>> {
  const r = await postLines(t.url, '/v1/events/access', t.keys.ingest, lines);
  expect(r.status).toBe(200);
  acknowledged += Number(r.body['accepted']);
  return r.body;
}

beforeAll(async () => {
  const wrapStore = (s: Store): Store => new Proxy(s, {
    get(target, prop, recv) {
      if (prop === 'flush') {
        return async () => {
          if (emfile > 0) { emfile--; throw Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE' }); }
          return target.flush();
        };
      }
      const v = Reflect.get(target, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  t = await startTestService({
    http: {
      host: '127.0.0.1', port: 0, body_limit_bytes: 32 * 1024 * 1024,
      // Silent sockets are closed after 15 s (Node's socket timeout also runs while a request
      // is being worked on, so it must exceed the slowest answer on a loaded machine); an idle
      // keep-alive socket after 1 s, which the client hears of (Keep-Alive: timeout=1).
      connection_timeout_ms: 15_000, keep_alive_timeout_ms: 1000, headers_timeout_ms: 1000, request_timeout_ms: 20_000, max_connections: 64,
    },
    scope: { max_running: 1, max_queued: 3 },
  }, { wrapStore });
  const poll = (): void => {
    health.polls++;
    fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5000) })
      .then((r) => { if (r.status !== 200) health.failures.push(`status ${r.status}`); }, (e: unknown) => { if (!health.capFull) health.failures.push(String(e)); })
      .finally(() => { poller = setTimeout(poll, 250); });
  };
  poll();
  const led = await postLines(t.url, '/v1/events/ledger', t.keys.ingest, data.ledger);
  expect(led.status).toBe(200);
});
afterAll(async () => {
  clearTimeout(poller);
  await t.close();
});

describe('serve under hostile input', () => {
  it('1. quarantines out-of-range numbers (status 3e9, records 1e10, bytes 1e300, iat 1e300) and keeps storing', async () => {
    const poison = [
      line({ status: 3_000_000_000, request_id: 'p-1' }), line({ records: 1e10, request_id: 'p-2' }), line({ bytes: 1e300, request_id: 'p-3' }),
      line({ request_id: 'p-4', account_id: 'm-1', token: { jti: 'j-p', kid: 'sig-2024-01', sub: 'm-1', iat: 1e300, exp: 1e300 } }),
    ];
    const body = await ingest([...poison, ...data.access.slice(0, 500)]);
    expect(body).toMatchObject({ accepted: 500, quarantined: 4, reasons: { out_of_range: 4 } });
    const led = await postLines(t.url, '/v1/events/ledger', t.keys.ingest, [JSON.stringify({ time: '2025-06-24T00:00:00Z', jti: 'j-x', kid: 'k', sub: 'm', exp: 1e300 })]);
    expect(led.body).toMatchObject({ accepted: 0, quarantined: 1 });
    const after = await ingest(data.access.slice(500, 600));
    expect(after['accepted']).toBe(100);
    expect((await getJson(`${t.url}/readyz`, undefined)).status).toBe(200);
    expect(await t.svc.store.countAccess()).toBe(acknowledged);
  });

  it('2. quarantines a far-future event (future_time): the watermark, dedup and key-custody "as of" stay put', async () => {
    const wm = t.svc.pipeline.engine.watermark;
    const far = await ingest([line({ time: '9999-12-31T23:59:59Z', request_id: 'f-1' }), line({ time: '9999-12-31T23:59:59Z', request_id: 'f-2' })]);
    expect(far).toMatchObject({ accepted: 0, quarantined: 2, reasons: { future_time: 2 } });
    expect(t.svc.pipeline.engine.watermark).toBe(wm);
    await ingest(data.access.slice(600, 1200));
    // A retry of an event acknowledged before is a duplicate, not stored twice.
    const retry = await postLines(t.url, '/v1/events/access', t.keys.ingest, data.access.slice(1000, 1010));
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 10 });
    const custody = await getJson<{ as_of: string }>(`${t.url}/api/v1/audit/key-custody`, t.keys.analyst);
    expect(custody.body.as_of.startsWith('2025-06-24')).toBe(true);
  });

  it('3. refuses a 16 KB gzip of 8 million bad lines quickly, with a capped quarantine, while /healthz answers', async () => {
    const gz = gzipSync(Buffer.from('x\n'.repeat(8_000_000)));
    expect(gz.length).toBeLessThan(64 * 1024);
    const polls = health.polls;
    const res = await fetch(`${t.url}/v1/events/access`, {
      method: 'POST', body: gz, headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ERR_INPUT_INVALID', message: expect.stringMatching(/more than 10000 bad lines/) as unknown });
    expect(health.failures).toEqual([]);
    expect(health.polls).toBeGreaterThanOrEqual(polls);
    await ingest(data.access.slice(1200, 1300));
  });

  it('4. closes idle sockets and refuses a body before reading it without a key; a file-handle shortage degrades /readyz, then clears', async () => {
    const sockets: Socket[] = [];
    let closed = 0;
    health.capFull = true;
    for (let i = 0; i < 100; i++) {
      const s = connect({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
      s.on('error', () => undefined);
      s.on('close', () => { closed++; });
      sockets.push(s);
    }
    await waitUntil('the server closes 100 idle sockets', () => Promise.resolve(closed === 100 ? true : undefined), 60_000);
    // A poll that started while the cap was full may still be failing: let it settle.
    await new Promise((r) => setTimeout(r, 500));
    health.capFull = false;
    expect((await getJson(`${t.url}/healthz`, undefined)).status).toBe(200);
    // Headers promising 10 MB, no body: the answer (401) comes without waiting for the body.
    const answer = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
      let got = '';
      s.on('data', (d) => { got += String(d); if (got.includes('\r\n\r\n')) { resolve(got); s.destroy(); } });
      s.on('error', () => resolve(got));
      s.write('POST /api/v1/scope HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    emfile = 3;
    const degraded = await waitUntil('readyz reports EMFILE', async () => {
      const r = await getJson<{ status: string; conditions: { step: string; code: string }[] }>(`${t.url}/readyz`, undefined);
      return r.status === 503 && r.body.status === 'degraded' ? r.body : undefined;
    });
    expect(degraded.conditions).toEqual([expect.objectContaining({ step: 'store', code: 'EMFILE' })]);
    await waitUntil('readyz ready again', async () => ((await getJson(`${t.url}/readyz`, undefined)).status === 200 ? true : undefined));
    await ingest(data.access.slice(1300, 1400));
  });

  it('5. runs concurrent scope jobs and alert views side by side; past the queue, 429', async () => {
    const post = (): Promise<Response> => fetch(`${t.url}/api/v1/scope`, {
      method: 'POST', body: '{}', headers: { authorization: `Bearer ${t.keys.analyst}`, 'content-type': 'application/json' },
    });
    const answers = await Promise.all(Array.from({ length: 12 }, post));
    const started = answers.filter((a) => a.status === 202);
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 202 || a.status === 429)).toBe(true);
    const ids = await Promise.all(started.map(async (a) => (await a.json() as { job_id: string }).job_id));
    const list = await getJson<{ items: { alert_id: string }[] }>(`${t.url}/api/v1/alerts?limit=20`, t.keys.analyst);
    const views = await Promise.all(Array.from({ length: 20 }, (_, i) => {
      const a = list.body.items[i % Math.max(1, list.body.items.length)];
      return a === undefined ? Promise.resolve({ status: 200 }) : getJson(`${t.url}/api/v1/alerts/${a.alert_id}`, t.keys.analyst);
    }));
    expect(views.map((v) => v.status)).toEqual(views.map(() => 200));
    for (const id of ids) {
      const done = await waitUntil(`scope job ${id} ends`, async () => {
        const r = await getJson<{ status: string; error?: string }>(`${t.url}/api/v1/scope/${id}`, t.keys.analyst);
        return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
      });
      expect(done).toMatchObject({ status: 'done' });
    }
  });

  it('afterwards: the forged-token replay raised its critical alert, each acknowledged event is stored once, /healthz answered throughout', async () => {
    await ingest(data.access.slice(1400));
    const alert = await waitUntil('the critical unissued-token alert', async () => {
      const r = await getJson<{ items: { detector: string; severity: string }[] }>(`${t.url}/api/v1/alerts?detector=unissued-token`, t.keys.analyst);
      return r.body.items.find((a) => a.severity === 'critical');
    });
    expect(alert.detector).toBe('unissued-token');
    await t.svc.store.flush();
    expect(acknowledged).toBe(data.access.length);
    expect(await t.svc.store.countAccess()).toBe(acknowledged);
    expect(health.failures).toEqual([]);
    expect(health.polls).toBeGreaterThan(5);
  });
});
