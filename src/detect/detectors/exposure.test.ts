/**
 * The exposure detectors: unauthenticated-exposure, cross-account-access and
 * honey-account-read — what fires, when (the first response), what does not, and the
 * indicators scope follows; each passes the shared detector contract.
 */
import { describe, expect, it } from 'vitest';
import { at, ref, runDetector } from '../../../test/fixtures/detect/builders.js';
import { anon, bola, console, enumeration, honeyHit, refWithClients, refWithHoney } from '../../../test/fixtures/detect/exposure.js';
import type { PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import { Engine } from '../engine.js';
import { CrossAccountDetector } from './cross-account.js';
import { HoneyReadDetector } from './honey-read.js';
import { ManyAccountsDetector } from './many-accounts.js';
import { UnauthenticatedExposureDetector } from './unauthenticated-exposure.js';

describe('unauthenticated-exposure', () => {
  it('fires critical at the first anonymous 2xx personal response and counts every one after', () => {
    const eng = runDetector(new UnauthenticatedExposureDetector(), enumeration());
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      detector: 'unauthenticated-exposure', severity: 'critical',
      entity: { type: 'platform', id: 'GET /v1/members/{id}/profile' },
      detected_at: new Date(at(0)).toISOString(), events: 31, accounts: 30,
    });
    expect(a?.title).toBe('GET /v1/members/{id}/profile served personal data of 30 accounts to requests without a token (31 responses from 3 addresses)');
    expect(a?.details).toMatchObject({ responses_without_account: 1, sources: 3 });
    expect(eng.indicators().map((i) => `${i.type}:${i.value}`)).toEqual(['anonymous:GET /v1/members/{id}/profile']);
  });

  it('a monitor hitting one account every minute is one account, however many responses', () => {
    const eng = runDetector(new UnauthenticatedExposureDetector(), Array.from({ length: 50 }, (_, i) => anon(i, { account_id: 'm-monitor' })));
    expect(eng.alerts().map((a) => [a.events, a.accounts])).toEqual([[50, 1]]);
    expect(eng.alerts()[0]?.title).toContain('1 account to requests');
  });

  it('ignores tokens, 401/304/204, HEAD and routes that are not personal', () => {
    const quiet = enumeration().filter((e) => e.status !== 200 || e.method !== 'GET' || e.route !== '/v1/members/{id}/profile');
    expect(runDetector(new UnauthenticatedExposureDetector(), quiet).alerts()).toEqual([]);
  });
});

runDetectorContract('unauthenticated-exposure', () => new UnauthenticatedExposureDetector(), enumeration(), ref);

describe('cross-account-access', () => {
  it('a customer token reading others alerts at its first read, critical past ten accounts, over its whole history', () => {
    const eng = runDetector(new CrossAccountDetector(), bola(), refWithClients);
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      detector: 'cross-account-access', severity: 'critical', entity: { type: 'account', id: 'm-1' },
      detected_at: new Date(at(10)).toISOString(), first_seen: new Date(at(2)).toISOString(), accounts: 12,
    });
    expect(a?.title).toBe('Account m-1 (client ios) read personal data of 12 other accounts (12 responses)');
    expect(a?.details).toMatchObject({ client_id: 'ios', client_kind: 'customer', denied_attempts: 3, reads: 12 });
    const ind = eng.indicators();
    expect(ind.map((i) => `${i.type}:${i.value}`)).toEqual(['actor:m-1']);
    expect(ind[0]?.last_seen).toBe(at(21));
  });

  it('stays high below the critical threshold and names the grant from the engine\'s ledger', () => {
    const events = bola().filter((e) => e.kind === 'ledger' || (e.account_id ?? '') < 'm-205');
    const eng = runDetector(new CrossAccountDetector(), events, refWithClients);
    expect(eng.alerts().map((a) => [a.severity, a.accounts, a.details.grant])).toEqual([['high', 5, 'password']]);
  });

  it('the grant and client of a token\'s ledger record survive a snapshot of the engine', () => {
    const events = bola().filter((e) => e.kind === 'ledger' || (e.account_id ?? '') < 'm-205');
    const cut = events.findIndex((e) => e.kind === 'access');
    const a = new Engine({ detectors: [new CrossAccountDetector()], ref: refWithClients });
    a.push(events.slice(0, cut));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<Engine['snapshot']>;
    const b = Engine.restore({ detectors: [new CrossAccountDetector()], ref: refWithClients }, snap);
    b.push(events.slice(cut));
    b.finish();
    expect(b.alerts().map((x) => [x.severity, x.accounts, x.details.grant])).toEqual([['high', 5, 'password']]);
  });

  it('staff and service clients are left to the behaviour detectors', () => {
    expect(runDetector(new CrossAccountDetector(), console(), refWithClients).alerts()).toEqual([]);
    // without a registry, cs-console is an unlisted client, hence a customer client
    expect(runDetector(new CrossAccountDetector(), console(), ref).alerts()).toHaveLength(1);
  });

  it('a staff console doing its job is not flagged by many-accounts either', () => {
    expect(runDetector(new ManyAccountsDetector(), console(), refWithClients).alerts()).toEqual([]);
  });
});

runDetectorContract('cross-account-access', () => new CrossAccountDetector(), bola(), refWithClients);

describe('honey-account-read', () => {
  it('fires critical on the first read of a planted account, naming token, key, source and principal', () => {
    const d = new HoneyReadDetector();
    const eng = runDetector(d, honeyHit(), refWithHoney);
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      detector: 'honey-account-read', severity: 'critical', entity: { type: 'account', id: 'm-777' },
      detected_at: new Date(at(30)).toISOString(), events: 2,
    });
    expect(a?.title).toBe('Planted honey account m-777 was read by account m-500 (token j-x, key sig-2025-01) from 203.0.113.99 (2 reads)');
    expect(a?.details).toMatchObject({ token: 'j-x', kid: 'sig-2025-01', src_ip: '203.0.113.99', principal: { type: 'account', id: 'm-500' } });
    const ind = eng.indicators().map((i) => `${i.type}:${i.value}:${i.first_seen === 0 ? 'all' : 'win'}`).sort();
    // read through another account's id: the principal's cross-account reads, not its own session
    expect(ind).toEqual(['actor:m-500:all']);
  });

  it('hashes each account once however often it is read, and a 404 of a planted account is no read', () => {
    const events: PipelineEvent[] = [...honeyHit(), ...honeyHit().map((e) => ({ ...e, t: e.t + 3_600_000 }))];
    const d = new HoneyReadDetector();
    runDetector(d, events, refWithHoney);
    // 20 benign accounts + m-777 (read, not cached) ×4 + m-501 + m-500? no: only personal 2xx reads are checked
    const hashes = (d as unknown as { matcher: { hashes: number } }).matcher.hashes;
    expect(hashes).toBe(20 + 1 + 4);
  });

  it('is silent without a honey list and with a plain list that names no one read', () => {
    expect(runDetector(new HoneyReadDetector(), honeyHit(), refWithClients).alerts()).toEqual([]);
    const plain = { ...refWithClients, honey: { salt: null, entries: new Set(['m-nobody']) } };
    expect(runDetector(new HoneyReadDetector(), honeyHit(), plain).alerts()).toEqual([]);
    const hit = { ...refWithClients, honey: { salt: null, entries: new Set(['m-501']) } };
    expect(runDetector(new HoneyReadDetector(), honeyHit(), hit).alerts().map((a) => a.entity.id)).toEqual(['m-501']);
  });
});

runDetectorContract('honey-account-read', () => new HoneyReadDetector(), honeyHit(), refWithHoney);
