/**
 * `serve`'s analyst API reads the store a cluster run filled, unchanged: the same simulation
 * hunted into DuckDB in one process, and run through `ship` + two workers into ClickHouse; a
 * `serve` on each store answers the alert list, an alert's detail and a scope job's
 * `affected_accounts.csv` alike, and leaves the cluster's store as it was.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { getJson, startTestService, waitUntil, type TestService } from '../server/harness.js';
import { startNatsServer, type NatsServer } from '../server/nats-server.js';
import { finished, huntOutcome, shipSim, simulateInto, startWorker, storedAlerts, type ClusterRun } from './harness.js';

let dir = '';
let nats: NatsServer;
let ch: ClickHouseServer;
const services: TestService[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-cluster-serve-'));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouse()]);
});
afterAll(async () => {
  for (const s of services) await s.close().catch(() => undefined);
  await Promise.all([nats?.stop(), ch?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

interface Listed { items: { alert_id: string; severity: string; detected_at: string }[]; total: number }

/** What a serve on `store` answers: every alert, one alert's detail, and a scope job's CSV. */
async function answers(store: string, sim: string, name: string): Promise<{ alerts: Listed; detail: unknown; csv: string; affected: number }> {
  const ref = { keys: join(sim, 'keys.json'), staff: join(sim, 'staff.csv'), catalog: join(sim, 'catalog.yaml'), clients: join(sim, 'clients.yaml'), honey: join(sim, 'honey.txt') };
  const t = await startTestService({ store: { url: store }, reference: ref }, { dir: await mkdtemp(join(dir, `${name}-`)) });
  services.push(t);
  const key = t.keys.analyst;
  const alerts = (await getJson<Listed>(`${t.url}/api/v1/alerts?limit=1000`, key)).body;
  const first = alerts.items[0];
  expect(first, `${name}: serve lists no alert`).toBeDefined();
  const detail = (await getJson(`${t.url}/api/v1/alerts/${first!.alert_id}`, key)).body;
  const start = await fetch(`${t.url}/api/v1/scope`, { method: 'POST', body: JSON.stringify({ min_severity: 'high' }), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
  expect(start.status, `${name}: ${await start.clone().text()}`).toBe(202);
  const { job_id } = await start.json() as { job_id: string };
  const done = await waitUntil(`${name}: scope job ${job_id} to end`, async () => {
    const r = await getJson<{ status: string; error?: unknown; result?: { accounts_affected: number } }>(`${t.url}/api/v1/scope/${job_id}`, key);
    return r.body.status === 'running' || r.body.status === 'queued' ? undefined : r.body;
  }, 120_000);
  expect(done.status, JSON.stringify(done)).toBe('done');
  const csv = await (await fetch(`${t.url}/api/v1/scope/${job_id}/affected_accounts.csv`, { headers: { authorization: `Bearer ${key}` } })).text();
  await t.close(true);
  return { alerts, detail, csv, affected: done.result!.accounts_affected };
}

describe('serve on the cluster\'s ClickHouse store', () => {
  it('answers the analyst API (alerts, an alert, a scope) as on one hunt\'s DuckDB store', async () => {
    const sim = await simulateInto(dir, 'ft', 'forged-token', 2000, 7);
    const one = await huntOutcome(sim, dir, 'ft-hunt');
    const run: ClusterRun = { sim, nats: nats.url, stream: 'BW_SERVE', partitions: 2, store: ch.url('served'), state: join(dir, 'state'), subject: 'bw.serve' };
    const shipped = await shipSim(run, dir);
    for (const w of [0, 1].map((n) => startWorker(run, n))) {
      const r = await finished(w);
      expect(r.code, r.stderr).toBe(0);
    }
    const duck = await answers(`duckdb:${join(dir, 'ft-hunt.duckdb')}`, sim, 'duckdb');
    const click = await answers(run.store, sim, 'clickhouse');
    expect(duck.alerts.total).toBe(one.alerts.length);
    expect(click.alerts).toEqual(duck.alerts);
    expect(click.detail).toEqual(duck.detail);
    expect(duck.affected).toBeGreaterThan(0);
    expect(click.affected).toBe(duck.affected);
    expect(click.csv).toBe(duck.csv);
    // serve left the cluster's results as they were (it writes only the same keys and catalog)
    expect(await storedAlerts(run.store)).toEqual(one.alerts);
    const count = async (sql: string): Promise<number> => Number((await ch.sql(sql)).trim());
    expect(await count('SELECT count() FROM served.access FINAL') + await count('SELECT count() FROM served.ledger FINAL')).toBe(shipped.stats.totals.accepted);
  });
});
