/**
 * Alert sinks against real local HTTP receivers: the webhook gets the alert as JSON with a
 * valid `X-Breachwatch-Signature` (HMAC-SHA256) after retrying through two failures, the
 * Slack-compatible webhook gets `{text}`, the file sink gets NDJSON, and a sink that never
 * answers does not keep the alert from the store; a ledger record arriving after its token was
 * judged retracts the alert, and the sinks get the retraction too.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traffic } from './gen.js';
import { freePort } from './nats-server.js';
import { postLines, startTestService } from './harness.js';

interface Got { path: string; headers: IncomingMessage['headers']; body: string }
let server: Server;
let base = '';
const got: Got[] = [];
let failures = 2;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      if (req.url === '/hook' && failures > 0) { failures--; res.statusCode = 500; res.end(); return; }
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
});
afterAll(async () => { await new Promise((r) => server.close(r)); });

describe('alert sinks', () => {
  it('delivers signed webhooks with retries, Slack text and a file; a dead sink blocks nothing', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/never`;
    const secret = 'hmac-test-secret';
    const t = await startTestService({
      sinks: [
        { type: 'webhook', url: `${base}/hook`, secret, min_severity: 'critical', backoff_ms: 10, max_retries: 5 },
        { type: 'slack', url: `${base}/slack`, min_severity: 'critical', backoff_ms: 10 },
        { type: 'file', path: 'alerts.ndjson' },
        { type: 'webhook', url: dead, backoff_ms: 1000, max_retries: 20, timeout_ms: 200 },
      ],
    });
    try {
      const d = traffic({ events: 1000, forgedEvery: 100, prefix: 'sink' });
      await postLines(t.url, '/v1/events/ledger', t.keys.ingest, d.ledger);
      await postLines(t.url, '/v1/events/access', t.keys.ingest, d.access);
      const hook = (): Got | undefined => got.find((g) => g.path === '/hook' && g.body.includes('unissued-token'));
      while (hook() === undefined || !got.some((g) => g.path === '/slack')) await new Promise((r) => setTimeout(r, 20));
      const h = hook() as Got;
      expect(h.headers['x-breachwatch-signature']).toBe(`sha256=${createHmac('sha256', secret).update(h.body).digest('hex')}`);
      expect(JSON.parse(h.body)).toMatchObject({ detector: 'unissued-token', severity: 'critical', entity: { type: 'key', id: 'sig-2024-01' } });
      expect(failures).toBe(0);
      const slack = JSON.parse(got.find((g) => g.path === '/slack')?.body ?? '{}') as { text?: string };
      expect(slack.text).toMatch(/^\[CRITICAL\] /);
      expect(got.filter((g) => g.path === '/hook').every((g) => (JSON.parse(g.body) as { severity: string }).severity === 'critical')).toBe(true);
      expect((await t.svc.store.listAlerts({ detector: 'unissued-token' })).length).toBe(1);
      await t.close(true);
      const lines = (await readFile(join(t.dir, 'alerts.ndjson'), 'utf8')).trim().split('\n');
      expect(lines.some((l) => l.includes('"detector":"unissued-token"'))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('sends the retraction when late ledger records clear every token of an alert', async () => {
    const t = await startTestService({ sinks: [{ type: 'webhook', url: `${base}/late`, min_severity: 'critical', backoff_ms: 10 }] });
    try {
      // nine tokens, each used once, whose records the ledger delivers only after they were judged
      const d = traffic({ events: 1000, forgedEvery: 100, forgedTokens: 9, prefix: 'late' });
      await postLines(t.url, '/v1/events/ledger', t.keys.ingest, d.ledger);
      await postLines(t.url, '/v1/events/access', t.keys.ingest, d.access);
      const onHook = (status: string): Got | undefined =>
        got.find((g) => g.path === '/late' && (JSON.parse(g.body) as { status?: string }).status === status);
      while (onHook('open') === undefined) await new Promise((r) => setTimeout(r, 20));
      const records = d.access.map((l) => JSON.parse(l) as { time: string; token: { jti: string; kid: string; sub: string; exp: number } })
        .filter((e) => d.forged.includes(e.token.jti))
        .map((e) => JSON.stringify({ time: new Date(Date.parse(e.time) - 200).toISOString(), jti: e.token.jti, kid: e.token.kid, sub: e.token.sub, exp: e.token.exp }));
      expect(records).toHaveLength(9);
      await postLines(t.url, '/v1/events/ledger', t.keys.ingest, records);
      while (onHook('retracted') === undefined) await new Promise((r) => setTimeout(r, 20));
      const r = JSON.parse(onHook('retracted')?.body ?? '{}') as { alert_id: string; details: { retracted_reason?: string }; events: number };
      expect(r.alert_id).toBe((JSON.parse(onHook('open')?.body ?? '{}') as { alert_id: string }).alert_id);
      expect(r.details.retracted_reason).toContain('late_ledger_record');
      while ((await t.svc.store.listAlerts({ detector: 'unissued-token', status: 'retracted' })).length === 0) await new Promise((res) => setTimeout(res, 20));
      expect((await t.svc.store.listIndicators([r.alert_id])).length).toBe(0);
    } finally {
      await t.close();
    }
  });
});
