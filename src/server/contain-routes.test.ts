/**
 * revoke-sessions through the analyst API (role admin, real auth hook, fastify inject): the
 * two-person rule (self-approval, replay, double execution refused with 409; analyst keys
 * 403 on every change, but may read the actions), then a real HTTP receiver (node:http) that verifies every pushed SET against the
 * published JWKS with jose, answers the first push 503 (retried) and the rest 202; the
 * delivery ledger shows it. Refusals are audit-logged.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger, SESSION_REVOKED, transmitterPaths } from '../contain/index.js';
import { saveScopeRun } from '../respond/index.js';
import { AuditLog } from './audit-log.js';
import { ApiKeys, hashKey, registerAuth } from './auth.js';
import type { AppContext } from './context.js';
import { registerContain } from './contain-routes.js';
import { errorHandler } from './http-error.js';
import { makeWorld, type World } from '../../test/contain/world.js';

let w: World;
let app: FastifyInstance;
let receiver: Server;
let base = '';
let runId = '';
const accounts: string[] = [];
const received: { jti: string; sub: unknown; ok: boolean }[] = [];
let pushes = 0;
const auditPath = (): string => join(w.dir, 'audit.ndjson');

beforeAll(async () => {
  w = await makeWorld();
  const run = await saveScopeRun(w.ctx, w.incidentId, { skipLineEvidence: true });
  runId = run.run.run_id;
  for await (const a of w.store.runAccounts(runId)) accounts.push(a.account_id);
  receiver = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/jwks') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(await readFile(transmitterPaths(w.ctx.home).jwks));
        return;
      }
      let body = '';
      for await (const c of req) body += String(c);
      pushes++;
      if (pushes === 1) { res.writeHead(503).end(); return; }
      try {
        if (req.headers['content-type'] !== 'application/secevent+jwt') throw new Error('content type');
        if (decodeProtectedHeader(body).typ !== 'secevent+jwt') throw new Error('typ');
        const v = await jwtVerify(body, createRemoteJWKSet(new URL(`${base}/jwks`)), { issuer: 'https://breachwatch.example', audience: 'https://rp.example' });
        const ev = (v.payload['events'] as Record<string, unknown>)[SESSION_REVOKED];
        if (ev === undefined) throw new Error('event type');
        received.push({ jti: String(v.payload.jti), sub: (v.payload['sub_id'] as { sub?: string }).sub, ok: true });
        res.writeHead(202).end();
      } catch (e) {
        received.push({ jti: '?', sub: undefined, ok: false });
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ err: 'invalid_request', description: (e as Error).message }));
      }
    })();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const keys = new ApiKeys([{ name: 'alice', role: 'admin', sha256: hashKey('key-alice') }, { name: 'bob', role: 'admin', sha256: hashKey('key-bob') },
    { name: 'ann', role: 'analyst', sha256: hashKey('key-ann') }]);
  const audit = new AuditLog(auditPath());
  app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, b, done) => done(null, b));
  app.setErrorHandler(errorHandler);
  registerAuth(app, { keys, audit, maxFailures: 100, windowS: 60, trustS: 0 });
  registerContain(app, { store: w.store, audit, keys, config: { contain: { home: w.ctx.home, issuer: 'https://breachwatch.example', audience: 'https://rp.example',
    subject_issuer: 'https://shop.example', push_url: `${base}/events` } } } as unknown as AppContext);
  await app.ready();
}, 120_000);
afterAll(async () => {
  await app.close();
  await new Promise((r) => receiver.close(r));
  await w.close();
});

const call = (method: 'GET' | 'POST', url: string, key: string, payload?: object): Promise<Awaited<ReturnType<FastifyInstance['inject']>>> =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(payload !== undefined && { payload: JSON.stringify(payload) }) });

describe('revoke-sessions through the API', () => {
  it('holds the two-person rule and pushes every SET, verified by the receiver against the published JWKS', async () => {
    expect(accounts.length).toBeGreaterThan(0);
    const root = `/api/v1/incidents/${w.incidentId}/containment`;
    expect((await call('POST', root, 'key-ann', { action: 'revoke-sessions', run_id: runId })).statusCode).toBe(403);
    expect((await call('POST', root, 'key-alice', { action: 'revoke-sessions' })).json()).toMatchObject({ code: 'ERR_USAGE' });
    const p = await call('POST', root, 'key-alice', { action: 'revoke-sessions', run_id: runId });
    expect(p.statusCode, p.body).toBe(201);
    const prop = p.json<{ proposal: { action_id: string; effect: { sessions: { accounts: number } } }; proposal_sha256: string }>();
    expect(prop.proposal.effect.sessions.accounts).toBe(accounts.length);
    const id = prop.proposal.action_id;
    const self = await call('POST', `${root}/${id}/approve`, 'key-alice', {});
    expect(self.statusCode).toBe(409);
    expect(self.json()).toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/two-person/) as unknown });
    expect((await call('POST', `${root}/${id}/execute`, 'key-alice', {})).statusCode).toBe(409);
    const ok = await call('POST', `${root}/${id}/approve`, 'key-bob', { proposal_sha256: prop.proposal_sha256 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call('POST', `${root}/${id}/approve`, 'key-bob', {})).statusCode).toBe(409);
    const dry = await call('POST', `${root}/${id}/execute`, 'key-bob', { dry_run: true });
    expect(dry.statusCode).toBe(200);
    expect(pushes).toBe(0);
    const x = await call('POST', `${root}/${id}/execute`, 'key-bob', {});
    expect(x.statusCode, x.body).toBe(200);
    expect(x.json()).toMatchObject({ state: 'executed', execution: { result: { sets: accounts.length, accepted: accounts.length, refused: 0, failed: 0 } } });
    const again = await call('POST', `${root}/${id}/execute`, 'key-alice', {});
    expect(again.statusCode).toBe(409);
    expect(pushes).toBe(accounts.length + 1);

    expect(received.every((r) => r.ok)).toBe(true);
    expect(received.map((r) => r.sub).sort()).toEqual([...accounts].sort());
    const ledger = await readLedger(join(w.ctx.home, w.incidentId, 'containment', id, 'out', 'deliveries.ndjson'));
    expect(ledger[0]).toMatchObject({ attempt: 1, outcome: 'retry', status: 503 });
    expect(ledger.filter((l) => l.outcome === 'accepted')).toHaveLength(accounts.length);

    const st = await call('GET', `${root}/${id}`, 'key-ann');
    expect(st.statusCode).toBe(200);
    expect(st.json()).toMatchObject({ state: 'executed' });
    expect((await call('POST', `${root}/${id}/execute`, 'key-ann', {})).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/whoami', 'key-ann')).json()).toEqual({ name: 'ann', role: 'analyst' });
    expect((await call('GET', root, 'key-bob')).json<{ actions: { state: string }[] }>().actions.map((a) => a.state)).toEqual(['executed']);
    const jwks = await app.inject({ method: 'GET', url: '/api/v1/contain/jwks.json' });
    expect(jwks.json<{ keys: { kid: string; d?: string }[] }>().keys[0]?.d).toBeUndefined();
    const audit = (await readFile(auditPath(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { who: string; action: string });
    expect(audit).toContainEqual(expect.objectContaining({ who: 'alice', action: 'contain_approve_refused' }));
    expect(audit).toContainEqual(expect.objectContaining({ who: 'bob', action: 'contain_execute' }));
  });
});
