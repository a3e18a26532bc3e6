/**
 * The Sigma Detector adapter: findings from matches and correlations, and the shared contract.
 */
import { describe, expect, it } from 'vitest';
import { runDetectorContract } from '../detect/detector.contract.js';
import { DEFAULT_DETECT_SETTINGS, makeContext, type DetectContext } from '../detect/index.js';
import type { AccessEvent, Finding, ReferenceData } from '../model/index.js';
import { rulesFrom } from '../../test/fixtures/sigma/helpers.js';
import { createSigmaDetector } from './detector.js';
import { loadSigmaRules } from './load.js';

const FIX = new URL('../../test/fixtures/sigma/', import.meta.url).pathname;
const ref: ReferenceData = { keys: [], staff: [], catalog: [] };
const T0 = Date.parse('2025-06-24T00:00:00Z');
const HOUR = 3_600_000;

function read(t: number, ip: string, acct: string, i: number): AccessEvent {
  return { kind: 'access', t, src_ip: ip, method: 'GET', route: `/v1/members/${acct}/addresses`, status: 200, account_id: acct, request_id: `r-${i}`, ref: { file: 'f', line: i + 1 } };
}
/** A harvester reading 60 accounts, one every hour, among ordinary traffic. */
function harvest(): AccessEvent[] {
  const out: AccessEvent[] = [];
  for (let i = 0; i < 60; i++) out.push(read(T0 + i * HOUR, '198.51.100.23', `m-${1000 + i}`, i));
  for (let i = 0; i < 30; i++) out.push(read(T0 + i * HOUR + 1, '203.0.113.8', 'm-7', 100 + i));
  return out.sort((a, b) => a.t - b.t);
}

function collect(det: ReturnType<typeof createSigmaDetector>, evs: readonly AccessEvent[]): Finding[] {
  const found: Finding[] = [];
  const ctx: DetectContext = makeContext(ref, DEFAULT_DETECT_SETTINGS, (f) => found.push(f));
  for (const e of evs) det.onEvent(e, ctx, false);
  return found;
}

describe('Sigma detector adapter', () => {
  it('a correlation fires as a finding on its group entity, at the event that crossed the threshold', async () => {
    const loaded = await loadSigmaRules([`${FIX}many-accounts-7d.yml`]);
    const det = createSigmaDetector(loaded);
    expect(det.name).toBe('sigma:7f0d3c2e-5a41-4d0b-9a7e-5f3c1e2b0a02');
    const fs = collect(det, harvest());
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      detector: 'sigma:7f0d3c2e-5a41-4d0b-9a7e-5f3c1e2b0a02', severity: 'high', entity: { type: 'ip', id: '198.51.100.23' },
      first_seen: T0, last_seen: T0 + 50 * HOUR, at: T0 + 50 * HOUR, accounts: 51,
    });
    expect(fs[0]?.indicators).toEqual([{ type: 'ip', value: '198.51.100.23', first_seen: T0, last_seen: T0 + 50 * HOUR }]);
  });

  it('a detection match becomes a finding with running totals, evidence and an ip indicator', () => {
    const { rules } = rulesFrom('title: Members\nid: r1\nlevel: informational\nlogsource: {category: webserver}\ndetection: {s: {c-uri|contains: members}, condition: s}\n');
    const fs = collect(createSigmaDetector(rules), harvest().filter((e) => e.src_ip === '203.0.113.8').slice(0, 3));
    expect(fs.map((f) => [f.detector, f.severity, f.events, f.accounts, f.evidence?.[0]])).toEqual([
      ['sigma:r1', 'low', 1, 1, 'r-100'], ['sigma:r1', 'low', 2, 1, 'r-101'], ['sigma:r1', 'low', 3, 1, 'r-102'],
    ]);
    expect(fs[2]).toMatchObject({ first_seen: T0 + 1, last_seen: T0 + 2 * HOUR + 1, entity: { type: 'ip', id: '203.0.113.8' } });
  });

  it('rules whose logsource the access events do not declare stay out unless ignoreLogsource', () => {
    const { rules } = rulesFrom('title: W\nid: w\nlogsource: {product: windows}\ndetection: {s: {c-uri|contains: members}, condition: s}\n');
    expect(collect(createSigmaDetector(rules), harvest())).toHaveLength(0);
    expect(collect(createSigmaDetector(rules, { ignoreLogsource: true }), harvest()).length).toBeGreaterThan(0);
  });
});

const { rules: contractRules } = rulesFrom(`title: Personal read
id: pr
logsource: {category: webserver}
detection: {s: {c-uri|startswith: /v1/members/}, condition: s}
---
title: Many accounts
id: many
level: high
correlation: {type: value_count, rules: [pr], group-by: [c-ip], timespan: 7d, condition: {field: account_id, gt: 20}}
`);
runDetectorContract('sigma:many', () => createSigmaDetector(contractRules), harvest(), ref);
