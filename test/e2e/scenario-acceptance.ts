/**
 * Shared body of the scenario acceptance tests: `scenarios-1.test.ts` and `scenarios-2.test.ts`
 * each run one share of the scenarios (so vitest runs them on two cores at once), and the first
 * checks that the shares cover every scenario exactly once.
 *
 * Acceptance: every simulated scenario at 50k accounts × 60 days, hunted and scoped end to end.
 * Affected-account recall must be 100% and precision ≥ 99.9% against the simulator's ground
 * truth; `forged-token` (and `forged-token-feed-faults`) must be detected within one minute of
 * event time after the first forged request; `unauthenticated-enumeration` and every planted
 * honey account read are detected at the very response that exposed them; `benign` and the
 * benign feed-fault scenarios (`ledger-gap`, `archive-edges`, `clock-skew`) must raise no open
 * critical or high alert and affect no one, and each fault must be named by a `feed-health`
 * alert. Retracted alerts do not count. Time to detect and the critical/high counts are printed
 * per scenario.
 *
 * `npm test` runs every scenario at 5k accounts × 14 days (about 90,000 events each; a
 * minute or two in all): small enough for a newcomer's test command, large enough that each
 * assertion can fail — every attack still has its victims to find (the insider's low-and-slow
 * harvest 1,252 of them among the office crowd, the swarm 4,739), every benign scenario its
 * crowd to stay quiet about (at 4k × 12 days the insider is not yet separable). The full size,
 * 50k accounts × 60 days, is `npm run test:scenarios` (four scenarios, see `BW_SCENARIOS`
 * below), which CI runs after `npm test`, and `npm run test:scenarios:all` (all of
 * them). BW_SCENARIO_ACCOUNTS / BW_SCENARIO_DAYS set the size, BW_SCENARIOS the scenarios.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBenign, simulate, type ScenarioName } from '../../src/sim/index.js';
import { agreement, hunt, readAffectedIds, readTruth } from '../../src/pipeline/index.js';
import { runScope } from '../../src/scope/index.js';
import { openDuckDbStore } from '../../src/store/index.js';
import { expandInputs } from '../../src/cli/index.js';
import type { Alert } from '../../src/model/index.js';

const ACCOUNTS = Number(process.env.BW_SCENARIO_ACCOUNTS ?? 5_000);
const DAYS = Number(process.env.BW_SCENARIO_DAYS ?? 14);
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/** Simulates, hunts and scopes one scenario; returns alerts, agreement and time to detect. */
async function runScenario(scenario: ScenarioName) {
  const dir = await mkdtemp(join(tmpdir(), `bw-${scenario}-`));
  dirs.push(dir);
  const sim = join(dir, 'sim');
  await simulate({ scenario, accounts: ACCOUNTS, days: DAYS, seed: 11, out: sim });
  const db = join(dir, 'store.duckdb');
  const summary = await hunt({
    access: await expandInputs([join(sim, 'access')], 'access'), ledger: await expandInputs([join(sim, 'ledger')], 'ledger'),
    keys: join(sim, 'keys.json'), staff: join(sim, 'staff.csv'), catalog: join(sim, 'catalog.yaml'),
    clients: join(sim, 'clients.yaml'), honey: join(sim, 'honey.txt'), store: `duckdb:${db}`,
    alerts: join(dir, 'alerts.ndjson'),
  });
  const alerts = (await readFile(join(dir, 'alerts.ndjson'), 'utf8')).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as Alert).filter((a) => a.status !== 'retracted');
  const store = await openDuckDbStore(db);
  await runScope(store, { minSeverity: 'high', out: join(dir, 'scope') }).finally(() => store.close());
  const truth = await readTruth(join(sim, 'truth.json'));
  const raw = JSON.parse(await readFile(join(sim, 'truth.json'), 'utf8')) as { attack: Record<string, unknown> | null; feed_faults?: FeedFaultsTruth };
  const faults = raw.feed_faults;
  const found = await readAffectedIds(join(dir, 'scope', 'affected_accounts.csv'));
  const agree = agreement(truth.attack?.affected_accounts ?? [], found);
  // Time to detect: the first critical/high alert on traffic (not the start-up key audit) after the attack began.
  const began = truth.attack ? Date.parse(truth.attack.first_request_time) : undefined;
  const firstAlert = alerts
    .filter((a) => (a.severity === 'critical' || a.severity === 'high') && a.detector !== 'key-custody')
    .filter((a) => began === undefined || Date.parse(a.detected_at) >= began)
    .sort((a, b) => a.detected_at.localeCompare(b.detected_at))[0];
  const ttdMs = began !== undefined && firstAlert ? Date.parse(firstAlert.detected_at) - began : undefined;
  const sev = (s: string): number => alerts.filter((a) => a.severity === s).length;
  console.log(`[${scenario}] ${summary.totals.accepted} events, ${alerts.length} alerts (${sev('critical')} critical, ${sev('high')} high); affected truth ${agree.truth}, ` +
    `found ${agree.found}, recall ${(100 * agree.recall).toFixed(3)}%, precision ${(100 * agree.precision).toFixed(3)}%; ` +
    `time to detect ${ttdMs === undefined ? 'n/a' : `${(ttdMs / 1000).toFixed(1)} s (${firstAlert?.detector})`}`);
  return { alerts, agree, ttdMs, summary, attack: raw.attack, faults };
}

interface FeedFaultsTruth {
  ledger_gaps: { from: string; to: string }[];
  ledger_span: { from: string; to: string } | null;
  gateway_b: { file: string; clock_offset_ms: number } | null;
}

/** Every fault in the truth is named by a feed-health alert with the right extent. */
function expectFaultsNamed(alerts: readonly Alert[], f: FeedFaultsTruth): void {
  const health = alerts.filter((a) => a.detector === 'feed-health');
  const ids = health.map((a) => a.entity.id);
  for (const g of f.ledger_gaps) {
    const a = health.find((x) => x.details.kind === 'ledger_gap');
    expect(a, `a feed-health alert for the gap ${g.from} → ${g.to}`).toBeDefined();
    expect(Math.abs(Date.parse(String(a?.details.from)) - Date.parse(g.from))).toBeLessThan(15 * 60_000);
    expect(Math.abs(Date.parse(String(a?.details.to)) - Date.parse(g.to))).toBeLessThan(15 * 60_000);
  }
  if (f.ledger_span !== null) {
    expect(ids).toContain('ledger:start');
    expect(ids).toContain('ledger:end');
  }
  if (f.gateway_b !== null) {
    const c = health.find((x) => x.entity.id === 'clock:gateway-b.ndjson');
    expect(c, 'a feed-health alert for gateway B\'s clock').toBeDefined();
    expect(Math.abs(Number(c?.details.estimate_ms) - f.gateway_b.clock_offset_ms)).toBeLessThan(3_000);
  }
}

/**
 * Declares one acceptance test per scenario in `names` (each test file takes a share, so that
 * vitest runs the shares on separate cores).
 */
export function describeScenarios(title: string, names: readonly ScenarioName[]): void {
  describe(`${title} at ${ACCOUNTS} accounts × ${DAYS} days`, () => {
  const chosen = names.filter(scenarioSelected);
  if (chosen.length === 0) it.skip('none of this share\'s scenarios is in BW_SCENARIOS', () => undefined);
  for (const scenario of chosen) {
    it(scenario, async () => {
      const r = await runScenario(scenario);
      expect(r.summary.totals.quarantined).toBe(0);
      if (r.faults !== undefined) expectFaultsNamed(r.alerts, r.faults);
      if (isBenign(scenario)) {
        const loud = r.alerts.filter((a) => a.severity === 'critical' || a.severity === 'high');
        expect(loud.map((a) => `${a.detector} ${a.entity.type}:${a.entity.id}`)).toEqual([]);
        expect(r.agree.found).toBe(0);
        return;
      }
      expect(r.agree.truth).toBeGreaterThan(0);
      expect(r.agree.missedSample).toEqual([]);
      expect(r.agree.recall).toBe(1);
      expect(r.agree.precision).toBeGreaterThanOrEqual(0.999);
      expect(r.ttdMs).toBeDefined();
      if (scenario === 'forged-token' || scenario === 'forged-token-feed-faults') expect(r.ttdMs!).toBeLessThanOrEqual(60_000);
      if (scenario === 'forged-token-feed-faults') {
        const forged = r.alerts.find((a) => a.detector === 'unissued-token' && a.verdict === 'forged');
        expect(forged?.severity).toBe('critical');
        // tokens aimed at the ledger's blind spots, used during normal traffic, are still forged
        const reasons = (forged?.details.reasons ?? {}) as Record<string, number>;
        expect((reasons.lifetime_beyond_key ?? 0) + (reasons.stale_issuance ?? 0)).toBeGreaterThan(0);
      }
      // Detected on the first response that exposed anything: no event time lost at all.
      const firstOf = (detector: string): string | undefined =>
        r.alerts.filter((a) => a.detector === detector).map((a) => a.detected_at).sort()[0];
      if (scenario === 'unauthenticated-enumeration') {
        expect(firstOf('unauthenticated-exposure')).toBe(r.attack?.first_exposure_time);
      }
      if (scenario === 'honey-account-hit' || (r.attack?.first_honey_read_time ?? null) !== null) {
        expect(r.attack?.first_honey_read_time).toBeTypeOf('string');
        expect(firstOf('honey-account-read')).toBe(r.attack?.first_honey_read_time);
      }
      if (scenario === 'cross-account-harvest') {
        const first = r.alerts.find((a) => a.detector === 'cross-account-access');
        // at its first read of another account, and its window starts there
        expect(first?.detected_at).toBeDefined();
        expect(first?.detected_at).toBe(first?.first_seen);
      }
    }, 900_000);
  }
});
}

/**
 * The scenarios split into two shares of about equal cost, one per test file (and core); the
 * four that `npm run test:scenarios` runs at full size (its `BW_SCENARIOS`) are two in each.
 */
export const SHARES: Readonly<Record<'one' | 'two', readonly ScenarioName[]>> = {
  one: ['benign', 'forged-token', 'token-replay', 'unauthenticated-enumeration', 'honey-account-hit', 'ledger-gap', 'clock-skew'],
  two: ['forged-token-swarm', 'insider-console', 'credential-stuffing', 'cross-account-harvest', 'archive-edges', 'forged-token-feed-faults'],
};

/**
 * `BW_SCENARIOS` (a comma-separated list) runs only those scenarios of each share; unset, all.
 * CI's full-size run (`npm run test:scenarios`) takes four: benign (no false alert at scale),
 * forged-token, and the two whose crowds need scale to separate (forged-token-swarm,
 * insider-console); `npm run test:scenarios:all` runs all thirteen at full size (about 20
 * minutes on two cores); CI's half hour has no room for them.
 */
const ONLY = process.env.BW_SCENARIOS?.split(',').map((x) => x.trim()).filter(Boolean);

/** Whether this run takes `name` (see `BW_SCENARIOS`). */
export function scenarioSelected(name: ScenarioName): boolean {
  return ONLY === undefined || ONLY.includes(name);
}
