/** token-binding: stolen tokens replayed from another device, grouped per device; contract suite. */
import { describe, expect, it } from 'vitest';
import { issue, ref, use } from '../../../test/fixtures/detect/builders.js';
import type { PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import { Engine } from '../engine.js';
import { UnissuedTokenDetector } from './unissued-token.js';
import { TokenBindingDetector } from './token-binding.js';

/** 5 customers' tokens; the attacker device d-x replays 4 of them; one customer uses theirs. */
export const fixture: PipelineEvent[] = [
  ...[0, 1, 2, 3, 4].map((i) => issue(i, `j-${i}`, `m-${i}`, { device_id: `d-${i}`, src_ip: '198.51.100.9' })),
  use(5, 'j-0', 'm-0', { issuedAt: 0, device_id: 'd-0' }),
  ...[1, 2, 3, 4].map((i) => use(10 + i, `j-${i}`, `m-${i}`, { issuedAt: i, device_id: 'd-x', src_ip: '203.0.113.5' })),
  use(20, 'j-5', 'm-5', { device_id: 'd-y' }),
];

describe('token-binding', () => {
  it('one alert for the replaying device, with token and device indicators', () => {
    const eng = new Engine({ detectors: [new TokenBindingDetector()], ref });
    eng.push(fixture);
    eng.finish();
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a?.entity).toEqual({ type: 'device', id: 'd-x' });
    expect(a?.accounts).toBe(4);
    expect(a?.severity).toBe('high');
    const inds = eng.indicators().map((i) => `${i.type}:${i.value}`).sort();
    expect(inds).toEqual(['device:d-x', 'token:j-1', 'token:j-2', 'token:j-3', 'token:j-4']);
  });

  it('reads the ledger the engine keeps, alongside unissued-token', () => {
    const eng = new Engine({ detectors: [new UnissuedTokenDetector(), new TokenBindingDetector()], ref });
    eng.push(fixture);
    eng.finish();
    expect(eng.alerts().filter((a) => a.detector === 'token-binding')).toHaveLength(1);
  });
});

runDetectorContract('token-binding', () => new TokenBindingDetector(), fixture, ref);
