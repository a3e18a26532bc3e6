/**
 * The Sigma correlation "one source, more than N distinct accounts in 7 days" against the
 * built-in many-accounts detector set to the same 7-day threshold, both inside one detection
 * engine over a small `forged-token-swarm` simulation: for every source both flag, the alerts'
 * detected_at agree, except where the built-in's own baseline gate (distinct accounts must also
 * exceed the per-type 99th percentile) held it back — then it fired at a later account.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { compareSigmaWithBuiltin } from '../../bench/sigma.js';
import type { SwarmComparison } from '../../bench/sigma.js';

const N = 8;
let dir = '';
let r: SwarmComparison;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-sigma-swarm-'));
  await simulate({ scenario: 'forged-token-swarm', accounts: 3000, days: 14, seed: 1, out: dir });
  r = await compareSigmaWithBuiltin(dir, N);
}, 120_000);
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe(`sigma value_count vs built-in many-accounts (more than ${N} accounts in 7 d)`, () => {
  it('flags sources, and every source the built-in flags is flagged by Sigma too', () => {
    expect(r.sigma.size).toBeGreaterThan(0);
    expect([...r.builtin.keys()].filter((ip) => !r.sigma.has(ip))).toEqual([]);
  });

  it('fires at the same event time wherever the built-in fired at the threshold crossing', () => {
    const atCrossing = [...r.builtin.keys()].filter((ip) => r.builtinFirst.get(ip)?.accounts === N + 1);
    expect(atCrossing.length).toBeGreaterThan(0);
    for (const ip of atCrossing) expect([ip, r.sigma.get(ip)]).toEqual([ip, r.builtin.get(ip)]);
  });

  it('where times differ, the built-in fired later, past its baseline gate', () => {
    for (const [ip, t] of r.builtin) {
      if (r.sigma.get(ip) === t) continue;
      expect(r.sigma.get(ip)).toBeLessThan(t);
      const first = r.builtinFirst.get(ip)!;
      expect(first.accounts).toBeGreaterThan(N + 1);
      expect(first.accounts).toBeGreaterThan(first.p99);
    }
  });

  it('keeps correlation memory bounded by the live groups', () => {
    expect(r.peakGroups).toBeGreaterThan(0);
    const last = r.samples[r.samples.length - 1]!;
    expect(last.liveGroups).toBeLessThanOrEqual(r.peakGroups);
    expect(r.peakStateBytes).toBeLessThan(64 * 1048576);
  });
});
