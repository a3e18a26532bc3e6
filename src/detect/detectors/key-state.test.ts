/** key-state: unknown/revoked/retired keys, iat before key, TTL, bad signature; contract suite. */
import { describe, expect, it } from 'vitest';
import { ref, use, runDetector } from '../../../test/fixtures/detect/builders.js';
import type { AccessEvent, PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import type { Engine } from '../engine.js';
import { KeyStateDetector } from './key-state.js';

const withClaims = (e: AccessEvent, c: Partial<NonNullable<AccessEvent['token']>>): AccessEvent =>
  ({ ...e, token: { ...(e.token as NonNullable<AccessEvent['token']>), ...c } });

export const fixture: PipelineEvent[] = [
  use(0, 'j-ok', 'm-1'),
  use(1, 'j-unknown', 'm-2', { kid: 'sig-9999' }),
  use(2, 'j-revoked', 'm-3', { kid: 'sig-2018-01' }),
  withClaims(use(3, 'j-early', 'm-4'), { iat: Date.parse('2024-12-01T00:00:00Z') / 1000 }),
  withClaims(use(4, 'j-long', 'm-5'), { exp: Math.floor(use(4, 'x', 'y').t / 1000) + 86_400 }),
  { ...use(5, 'j-badsig', 'm-6'), sig: 'invalid' },
  use(6, 'j-unknown', 'm-2', { kid: 'sig-9999' }),
];

function run(events: PipelineEvent[]): Engine {
  return runDetector(new KeyStateDetector(), events);
}

describe('key-state', () => {
  it('one alert per key with the right severity and reasons', () => {
    const alerts = run(fixture).alerts();
    const by = new Map(alerts.map((a) => [a.entity.id, a]));
    expect([...by.keys()].sort()).toEqual(['sig-2018-01', 'sig-2025-01', 'sig-9999']);
    expect(by.get('sig-9999')?.severity).toBe('critical');
    expect(by.get('sig-9999')?.events).toBe(2);
    expect(by.get('sig-2018-01')?.details.reasons).toEqual({ revoked_key: 1 });
    const cur = by.get('sig-2025-01');
    expect(cur?.severity).toBe('critical');
    expect(cur?.details.reasons).toEqual({ iat_before_key: 1, ttl_exceeded: 1, invalid_signature: 1 });
  });

  it('valid tokens of a current key give nothing', () => {
    expect(run([use(0, 'a', 'm-1'), use(1, 'b', 'm-2')]).alerts()).toEqual([]);
  });

  it('indicators list each offending token once', () => {
    const toks = run(fixture).indicators().map((i) => i.value).sort();
    expect(toks).toEqual(['j-badsig', 'j-early', 'j-long', 'j-revoked', 'j-unknown']);
  });
});

runDetectorContract('key-state', () => new KeyStateDetector(), fixture, ref);
