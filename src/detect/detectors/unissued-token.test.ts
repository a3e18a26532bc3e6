/** unissued-token: forged, mismatched and revoked tokens; one alert per key; contract suite. */
import { describe, expect, it } from 'vitest';
import { at, issue, ref, revoke, use, withLedger } from '../../../test/fixtures/detect/builders.js';
import type { PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import { Engine } from '../engine.js';
import { UnissuedTokenDetector } from './unissued-token.js';

/**
 * A customer with a real token; an attacker with 3 forged tokens signed by the old key, while
 * the ledger records other customers' sign-ins every minute (so it provably covered them).
 */
export const fixture: PipelineEvent[] = withLedger([
  issue(0, 'j-good', 'm-1'),
  use(1, 'j-good', 'm-1', { issuedAt: 0 }),
  use(10, 'j-forged-1', 'm-2', { kid: 'sig-2019-01', src_ip: '203.0.113.9' }),
  use(10.2, 'j-forged-1', 'm-2', { kid: 'sig-2019-01', src_ip: '203.0.113.9' }),
  use(11, 'j-forged-2', 'm-3', { kid: 'sig-2019-01', src_ip: '203.0.113.9' }),
  use(12, 'j-good', 'm-1', { issuedAt: 0 }),
  use(30, 'j-forged-3', 'm-4', { kid: 'sig-2019-01', src_ip: '203.0.113.9' }),
  use(31, 'j-good', 'm-1', { issuedAt: 0 }),
  use(33, 'j-forged-1', 'm-2', { kid: 'sig-2019-01', src_ip: '203.0.113.9' }),
  use(40, 'j-good', 'm-1', { issuedAt: 0 }),
], -1, 40);

/** Source clocks trusted at once (`clockMinSamples: 0`): these fixtures have too few tokens to measure them. */
const TRUST_CLOCKS = { clockMinSamples: 0 };

function runAll(events: PipelineEvent[], lateness = 30_000): Engine {
  const e = new Engine({ detectors: [new UnissuedTokenDetector()], ref, settings: { allowedLatenessMs: lateness, ...TRUST_CLOCKS } });
  e.push(events);
  e.finish();
  return e;
}

describe('unissued-token', () => {
  it('one critical alert for the forging key, detected once the lateness has passed', () => {
    const eng = runAll(fixture);
    const alerts = eng.alerts();
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a?.entity).toEqual({ type: 'key', id: 'sig-2019-01' });
    expect(a?.severity).toBe('critical');
    expect(a?.first_seen).toBe(new Date(at(10)).toISOString());
    // fired at the first event after first use + 30 s: minute 11
    expect(a?.detected_at).toBe(new Date(at(11)).toISOString());
    expect(a?.events).toBe(5);
    expect(a?.accounts).toBe(3);
    expect(a?.details.tokens).toBe(3);
    const toks = eng.indicators().filter((i) => i.type === 'token').map((i) => i.value);
    expect(toks).toEqual(['j-forged-1', 'j-forged-2', 'j-forged-3']);
    const f1 = eng.indicators().find((i) => i.value === 'j-forged-1');
    expect(f1?.last_seen).toBe(at(33));
  });

  it('an issued token whose key the registry revoked (a rotation), used after the revocation, is critical', () => {
    const keys = ref.keys.map((k) => (k.kid === 'sig-2025-01' ? { ...k, revoked: at(5) } : k));
    const events = withLedger([issue(0, 'j-ok', 'm-1'), use(1, 'j-ok', 'm-1', { issuedAt: 0 }), use(6, 'j-ok', 'm-1', { issuedAt: 0 })], -1, 10);
    const e = new Engine({ detectors: [new UnissuedTokenDetector()], ref: { ...ref, keys }, settings: { allowedLatenessMs: 30_000, ...TRUST_CLOCKS } });
    e.push(events);
    e.finish();
    const a = e.alerts();
    expect(a.map((x) => [x.entity.id, x.severity])).toEqual([['sig-2025-01', 'critical']]);
    expect(a[0]?.events).toBe(1);
    expect(a[0]?.first_seen).toBe(new Date(at(6)).toISOString());
  });

  it('a ledger record arriving within the allowed lateness clears the token', () => {
    const late: PipelineEvent[] = [use(0, 'j-x', 'm-9'), issue(0.2, 'j-x', 'm-9', { exp: at(0) / 1000 + 3600 }), use(5, 'j-x', 'm-9', { issuedAt: 0 })];
    expect(runAll(late).alerts()).toEqual([]);
  });

  it('a ledger record disagreeing with the claims fires immediately', () => {
    const ev: PipelineEvent[] = [issue(0, 'j-m', 'm-1'), use(1, 'j-m', 'm-666', { issuedAt: 0 })];
    const [a] = runAll(ev).alerts();
    expect(a?.details.reasons).toEqual({ ledger_mismatch: 1 });
    expect(a?.detected_at).toBe(new Date(at(1)).toISOString());
  });

  it('use after revoke fires high', () => {
    const ev: PipelineEvent[] = [issue(0, 'j-r', 'm-1'), use(1, 'j-r', 'm-1', { issuedAt: 0 }), revoke(2, 'j-r'), use(3, 'j-r', 'm-1', { issuedAt: 0 })];
    const [a] = runAll(ev).alerts();
    expect(a?.severity).toBe('high');
    expect(a?.events).toBe(1);
  });

  it('evicts ledger records after expiry', () => {
    const d = new UnissuedTokenDetector();
    const eng = new Engine({ detectors: [d], ref });
    eng.push([issue(0, 'j-a', 'm-1'), issue(1, 'j-b', 'm-2')]);
    expect(eng.feed.ledger.size).toBe(2);
    eng.push([use(200, 'j-c', 'm-3', { issuedAt: 200 })]);
    eng.push([use(201, 'j-c', 'm-3', { issuedAt: 200 })]);
    expect(eng.feed.ledger.size).toBe(0);
  });
});

runDetectorContract('unissued-token', () => new UnissuedTokenDetector(), fixture, ref, TRUST_CLOCKS);
