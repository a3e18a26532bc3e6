/**
 * Partitioned detection gives the single process's results: each simulation hunted in one
 * process (DuckDB) and run through `ship` + three `worker`s + a real `nats-server -js` + the
 * ClickHouse store (Debian's 18.16) yields the same alerts (ids, severities, detected_at and
 * every other field) and the same `affected_accounts.csv` from `scope`; a re-run ship
 * publishes nothing new (Nats-Msg-Id dedup).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { startNatsServer, type NatsServer } from '../server/nats-server.js';
import { alertKeys, finished, huntOutcome, scopeCsv, shipSim, simulateInto, startWorker, storedAlerts, type ClusterRun } from './harness.js';

let dir = '';
let nats: NatsServer;
let ch: ClickHouseServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-cluster-'));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouse()]);
});
afterAll(async () => {
  await Promise.all([nats?.stop(), ch?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('ship + three workers', () => {
  /** Alerts raised on partitions 1 and 2 (keyed detectors), over all scenarios. */
  let fromKeyedPartitions = 0;
  afterAll(() => {
    // which partition a key lands on is the hash's choice: over the scenarios, some must
    expect(fromKeyedPartitions).toBeGreaterThan(0);
  });
  for (const scenario of ['forged-token', 'credential-stuffing', 'cross-account-harvest'] as const) {
    it(`give one hunt's alerts and scope (${scenario}, 2,000 accounts x 7 days)`, async () => {
      const name = scenario.replace(/-/g, '_');
      const sim = await simulateInto(dir, name, scenario, 2000, 7);
      const one = await huntOutcome(sim, dir, `${name}-hunt`);
      expect(one.alerts.length).toBeGreaterThan(0);
      const run: ClusterRun = { sim, nats: nats.url, stream: `BW_${name}`, partitions: 3, store: ch.url(name), state: join(dir, `${name}-state`), subject: `bw.${name}` };
      const shipped = await shipSim(run, dir);
      const t = shipped.stats.totals;
      expect(t.lines).toBe(t.blank + t.accepted + t.quarantined);
      expect(shipped.events[0]).toBe(t.accepted);
      const workers = [0, 1, 2].map((n) => startWorker(run, n));
      const keyedAlerts: number[] = [];
      for (const [n, w] of workers.entries()) {
        const r = await finished(w);
        expect(r.code, r.stderr).toBe(0);
        const m = /(\d+) alerts/.exec(r.stderr);
        expect(m, r.stderr).not.toBeNull();
        if (n > 0) keyedAlerts.push(Number(m![1]));
      }
      fromKeyedPartitions += keyedAlerts.reduce((a, b) => a + b, 0);
      const alerts = await storedAlerts(run.store);
      expect(alertKeys(alerts)).toEqual(alertKeys(one.alerts));
      expect(alerts).toEqual(one.alerts);
      expect(await scopeCsv(run.store, join(dir, `${name}-cluster-scope`), dir)).toBe(one.csv);
      // a re-run publishes the same messages, which the stream drops
      const again = await shipSim(run, dir);
      expect(again.duplicates).toBe(again.messages);
    });
  }
});
