/** credential-stuffing: failed logins per source, told apart from a carrier NAT by failure ratio; contract suite. */
import { describe, expect, it } from 'vitest';
import { at, ref as baseRef, runDetector } from '../../../test/fixtures/detect/builders.js';
import type { AccessEvent, PipelineEvent, ReferenceData } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import type { Engine } from '../engine.js';
import { CredentialStuffingDetector } from './credential-stuffing.js';

const ref: ReferenceData = {
  ...baseRef,
  catalog: [...baseRef.catalog, { method: 'POST', route: '/v1/auth/login', fields: [], kind: 'auth' }],
};

let n = 0;
function login(m: number, ip: string, status: number): AccessEvent {
  return { kind: 'access', t: at(m), src_ip: ip, method: 'POST', route: '/v1/auth/login', status, request_id: `r-${++n}`, ref: { file: 'f', line: n } };
}
function read(m: number, ip: string, account: string): AccessEvent {
  return { kind: 'access', t: at(m), src_ip: ip, method: 'GET', route: '/v1/members/{id}/profile', status: 200, account_id: account, request_id: `r-${++n}`, ref: { file: 'f', line: n } };
}

/** 30 failed logins in 30 minutes from 203.0.113.9, then a success and a read; a NAT with 400 logins, 10 failed. */
function fixture(): PipelineEvent[] {
  const ev: AccessEvent[] = [];
  for (let i = 0; i < 30; i++) ev.push(login(i, '203.0.113.9', 401));
  ev.push(login(30.5, '203.0.113.9', 200), read(31, '203.0.113.9', 'm-7'), read(90, '203.0.113.9', 'm-8'));
  for (let i = 0; i < 400; i++) ev.push(login(i * 0.2, '39.7.24.6', i % 40 === 0 ? 401 : 200));
  return ev.sort((a, b) => a.t - b.t);
}

function run(events: PipelineEvent[]): Engine {
  return runDetector(new CredentialStuffingDetector(), events, ref);
}

describe('credential-stuffing', () => {
  it('fires on the stuffing source only, at its 20th failure within the hour', () => {
    const eng = run(fixture());
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a?.entity).toEqual({ type: 'ip', id: '203.0.113.9' });
    expect(a?.severity).toBe('high');
    expect(a?.detected_at).toBe(new Date(at(19)).toISOString());
    expect(a?.details.failed_logins).toBe(30);
  });

  it('its ip indicator spans from the first attempt to the last event, so the reads after the login are in scope', () => {
    const [ind] = run(fixture()).indicators();
    expect(ind).toMatchObject({ type: 'ip', value: '203.0.113.9', first_seen: at(0), last_seen: at(90) });
  });

  it('many failures at a low failure ratio (a crowd) do not fire', () => {
    const ev: AccessEvent[] = [];
    for (let i = 0; i < 2000; i++) ev.push(login(i * 0.5, '39.7.24.5', i % 10 === 0 ? 401 : 200));
    expect(run(ev).alerts()).toEqual([]);
  });

  it('failures spread thinner than every window do not fire', () => {
    const ev: AccessEvent[] = [];
    for (let i = 0; i < 60; i++) ev.push(login(i * 200, '198.51.100.3', 401)); // one every 3 h 20 min
    expect(run(ev).alerts()).toEqual([]);
  });
});

runDetectorContract('credential-stuffing', () => new CredentialStuffingDetector(), fixture(), ref);
