/**
 * `hunt --store clickhouse://…` and `scope --store clickhouse://…` as a user runs them, against
 * a real clickhouse-server (Debian's 18.16) on loopback: the same simulations hunted into
 * DuckDB and into ClickHouse give the same alerts, the same `affected_accounts.csv` and the
 * same `summary.json` (pivot steps included); no output shows the store's password.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';

const SIM = join(ROOT, 'test/fixtures/sim/forged-token-small');
let dir = '';
let server: ClickHouseServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-e2e-ch-'));
  server = await startClickHouse();
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Alerts of an NDJSON file, sorted by id. */
async function alertsOf(path: string): Promise<unknown[]> {
  const rows = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { alert_id: string });
  return rows.sort((a, b) => (a.alert_id < b.alert_id ? -1 : 1));
}

/** Hunts `sim` into `store` (a --store URL) and scopes it; returns the outputs. */
async function huntAndScope(sim: string, store: string, name: string): Promise<{ alerts: unknown[]; csv: string; summary: string; out: string }> {
  const ref = ['--keys', join(sim, 'keys.json'), '--staff', join(sim, 'staff.csv'), '--catalog', join(sim, 'catalog.yaml')];
  const alerts = join(dir, `${name}-alerts.ndjson`);
  const h = await runCli(['hunt', '--access', join(sim, 'access'), '--ledger', join(sim, 'ledger'), ...ref, '--store', store, '--alerts', alerts], { cwd: dir });
  expect(h.code, h.stderr).toBe(0);
  const out = join(dir, `${name}-scope`);
  // Both backends answer the pivot queries: the pivot steps (in summary.json) must agree too.
  const s = await runCli(['scope', '--store', store, '--out', out], { cwd: dir });
  expect(s.code, s.stderr).toBe(0);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { pivots: { steps: unknown[]; unavailable?: string } };
  expect(summary.pivots.unavailable).toBeUndefined();
  return {
    alerts: await alertsOf(alerts),
    csv: await readFile(join(out, 'affected_accounts.csv'), 'utf8'),
    summary: JSON.stringify(summary),
    out: h.stdout + h.stderr + s.stdout + s.stderr,
  };
}

describe('hunt and scope on ClickHouse', () => {
  it('give the same alerts and scope as DuckDB for the forged-token fixture', async () => {
    const duck = await huntAndScope(SIM, `duckdb:${join(dir, 'small.duckdb')}`, 'small-duck');
    const ch = await huntAndScope(SIM, server.url('small'), 'small-ch');
    expect(ch.alerts).toEqual(duck.alerts);
    expect(ch.csv).toBe(duck.csv);
    expect(ch.summary).toBe(duck.summary);
    const truth = JSON.parse(await readFile(join(SIM, 'truth.json'), 'utf8')) as { attack: { affected_accounts: string[] } };
    expect(ch.csv.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(truth.attack.affected_accounts);
    expect(ch.out).not.toContain(server.password);
  });

  it('give the same alerts and scope as DuckDB for a simulated token swarm, hunted twice into the same database', async () => {
    const sim = join(dir, 'swarm');
    const g = await runCli(['simulate', '--scenario', 'forged-token-swarm', '--accounts', '2000', '--days', '3', '--seed', '3', '--out', sim]);
    expect(g.code, g.stderr).toBe(0);
    const duck = await huntAndScope(sim, `duckdb:${join(dir, 'swarm.duckdb')}`, 'swarm-duck');
    await huntAndScope(sim, server.url('swarm'), 'swarm-ch-first');
    // Without --append, hunt replaces what the database held.
    const ch = await huntAndScope(sim, server.url('swarm'), 'swarm-ch');
    expect(JSON.parse(duck.summary)).toMatchObject({ accounts_affected: expect.any(Number) as unknown });
    expect(ch.csv.split('\n').length).toBeGreaterThan(10);
    expect(ch.alerts).toEqual(duck.alerts);
    expect(ch.csv).toBe(duck.csv);
    expect(ch.summary).toBe(duck.summary);
  });
});
