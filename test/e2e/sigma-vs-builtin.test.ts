/**
 * The Sigma correlation "one source, more than N distinct accounts in 7 days" against the
 * built-in many-accounts detector set to the same 7-day threshold, both inside one detection
 * engine over a small `forged-token-swarm` simulation. With the built-in's harvest-score and
 * per-type baseline gates switched off (so "the same threshold" means the same rule), both flag
 * the same sources at the same event time, each at its (N+1)th account.
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

  it('with the built-in baseline gate off, both flag the same sources at the same event time', () => {
    expect(r.builtin.size).toBeGreaterThan(0);
    const times = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => a[0].localeCompare(b[0]));
    expect(times(r.sigma)).toEqual(times(r.builtin));
    for (const ip of r.builtin.keys()) expect(r.builtinFirst.get(ip)?.accounts).toBe(N + 1);
  });

  it('keeps correlation memory bounded by the live groups', () => {
    expect(r.peakGroups).toBeGreaterThan(0);
    const last = r.samples[r.samples.length - 1]!;
    expect(last.liveGroups).toBeLessThanOrEqual(r.peakGroups);
    expect(r.peakStateBytes).toBeLessThan(64 * 1048576);
  });
});
