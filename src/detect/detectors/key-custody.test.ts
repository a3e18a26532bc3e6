/** key-custody: departed custodian, key age, weak storage; contract suite. */
import { describe, expect, it } from 'vitest';
import { keys, ref, staff, use } from '../../../test/fixtures/detect/builders.js';
import { runDetectorContract } from '../detector.contract.js';
import { Engine } from '../engine.js';
import { auditKeys, KeyCustodyDetector } from './key-custody.js';

describe('key-custody', () => {
  const t = Date.parse('2025-06-24T00:00:00Z');

  it('flags the never-rotated key whose custodian left, critical, with all reasons', () => {
    const v = auditKeys(keys, staff, t, 365);
    expect(v.map((x) => x.kid)).toEqual(['sig-2019-01']);
    expect(v[0]?.severity).toBe('critical');
    expect(v[0]?.reasons).toEqual([
      'custodian s-0107 left 2024-11-30; key still active, never rotated',
      'key created 2019-03-02 is older than 365 days',
      "private key stored as 'file', not in an HSM/KMS",
    ]);
  });

  it('before the custodian left, the old key is only high (age)', () => {
    const v = auditKeys(keys, staff, Date.parse('2024-06-01T00:00:00Z'), 365);
    expect(v[0]?.severity).toBe('high');
  });

  it('runs at start (first event time) and at finish; one alert per key, detected at start', () => {
    const eng = new Engine({ detectors: [new KeyCustodyDetector()], ref });
    eng.push([use(0, 'a', 'm-1'), use(600, 'b', 'm-2')]);
    eng.finish();
    const [a, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(a?.entity).toEqual({ type: 'key', id: 'sig-2019-01' });
    expect(a?.detected_at).toBe('2025-06-24T00:00:00.000Z');
    expect(a?.last_seen).toBe('2025-06-24T10:00:00.000Z');
  });
});

runDetectorContract('key-custody', () => new KeyCustodyDetector(), [use(0, 'a', 'm-1'), use(5, 'b', 'm-2')], ref);
