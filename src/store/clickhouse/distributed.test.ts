/**
 * Scope over a ClickHouse cluster: two clickhouse-server processes on loopback that share a
 * `remote_servers` cluster of two shards. The same events (delivered twice, as at-least-once
 * delivery may) go through the cluster store's Distributed tables and into a single-server
 * store; both shards hold rows, and every indicator set gives the same affected accounts,
 * aggregates and counts on the cluster as on one server, and the pivot queries the same
 * answers as on one server and as DuckDB holding each event once; a scope run saved over the
 * cluster holds what one saved on one server does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../../model/index.js';
import { answersPivots, type PivotQueries, type Store } from '../store.js';
import { openDuckDbStore } from '../duckdb/open.js';
import { clickhouseBackend } from './backend.js';
import { startClickHouseCluster, type ClickHouseServer } from '../../../test/fixtures/store/clickhouse-server.js';
import { LIVE, READ, locationOf } from '../../../test/fixtures/store/clickhouse-location.js';
import { commitOf, rowsUpTo } from '../../../test/fixtures/store/commits.js';
import { CATALOG, HOUR, T0 } from '../../../test/fixtures/store/scope-events.js';
import { INDICATOR_SETS, mixedEvents } from '../../../test/fixtures/store/scope-mix.js';

/** Collects an async iterable. */
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('ClickHouse store on a two-shard cluster', () => {
  let servers: ClickHouseServer[] = [];
  let cluster: Store;
  let single: Store;
  const events = mixedEvents(4000);
  const counted = events.length + rowsUpTo(6).access;

  beforeAll(async () => {
    servers = await startClickHouseCluster('bw2', 2);
    const [a, b] = servers as [ClickHouseServer, ClickHouseServer];
    // The second shard's tables: opened once on its own, as an operator would.
    await (await clickhouseBackend.open(locationOf(b, 'dist'), { profile: READ })).close();
    cluster = await clickhouseBackend.open(locationOf(a, 'dist', { cluster: 'bw2' }), { profile: LIVE });
    single = await clickhouseBackend.open(locationOf(a, 'single'), { profile: LIVE });
    for (const s of [cluster, single]) {
      await s.putCatalog(CATALOG);
      for (let i = 0; i < events.length; i += 700) await s.appendAccess(events.slice(i, i + 700));
      await s.flush();
      // The same events again from another delivery: stored, but counted once.
      await s.appendAccess(events.map((e): AccessEvent => ({ ...e, ref: { file: 'again', line: e.ref.line } })));
      for (let k = 1; k <= 6; k++) await s.commit(commitOf(k));
      await s.flush();
    }
  });
  afterAll(async () => {
    await cluster?.close();
    await single?.close();
    for (const s of servers) await s.stop();
  });

  it('spreads the rows over both shards and counts each event once', async () => {
    for (const s of servers) expect(Number(await s.sql('SELECT count() FROM dist.access'))).toBeGreaterThan(events.length / 4);
    expect(await cluster.countAccess()).toBe(counted);
    expect(await single.countAccess()).toBe(counted);
    expect(await cluster.lastCommittedSeq()).toBe(6);
  });

  it.each(INDICATOR_SETS.map((s, i) => [i, s] as const))('gives the same scope as one server for indicator set %i', async (_i, inds) => {
    const q = { indicators: inds };
    const one = await all(single.affectedAccounts(q));
    expect(one.length).toBeGreaterThan(0);
    expect(await all(cluster.affectedAccounts(q))).toEqual(one);
    expect(await cluster.scopeAggregates(q)).toEqual(await single.scopeAggregates(q));
  });

  it('saves a scope run over the cluster with the same requests, accounts and aggregates as on one server', async () => {
    const inds = INDICATOR_SETS[0] ?? [];
    const run = (id: string) => ({ run_id: id, incident_id: 'inc-d', created_at: T0, inputs: {}, indicators: inds });
    const [c, o] = [await cluster.saveScopeRun(run('run-c')), await single.saveScopeRun(run('run-o'))];
    expect(c.accounts).toBeGreaterThan(0);
    expect({ ...c, run_id: '' }).toEqual({ ...o, run_id: '' });
    expect(await all(cluster.runAccounts('run-c'))).toEqual(await all(cluster.affectedAccounts({ indicators: inds })));
    expect(await all(cluster.runAccounts('run-c'))).toEqual(await all(single.runAccounts('run-o')));
    expect(await cluster.runAggregates('run-c')).toEqual(await single.runAggregates('run-o'));
    expect(await cluster.runSources('run-c')).toEqual(await single.runSources('run-o'));
    await expect(cluster.pruneBefore(T0)).rejects.toMatchObject({ code: 'ERR_CONFIG' });
  });

  it('answers the pivot queries as one server does and as DuckDB does with each event stored once', async () => {
    const duck = await openDuckDbStore(':memory:');
    try {
      await duck.putCatalog(CATALOG);
      await duck.appendAccess(events);
      for (let k = 1; k <= 6; k++) await duck.commit(commitOf(k));
      await duck.flush();
      const ask = async (s: Store) => {
        if (!answersPivots(s)) throw new Error(`${s.backend} answers no pivot queries`);
        const p: PivotQueries = s;
        return {
          tokens: await p.tokenSources(INDICATOR_SETS[0] ?? []),
          key: await p.keySources('sig-2019-01', T0, T0 + 72 * HOUR),
          profiles: await p.sourceProfiles(['203.0.113.7', '192.0.2.77', '2001:db8:abcd:12::5', '198.51.100.9'], 0.8),
          sourceTokens: await p.sourceTokens(['203.0.113.7', '2001:db8:abcd:12::5'], ['forged-0', 'forged-1']),
        };
      };
      const want = await ask(duck);
      expect(want.tokens.length).toBeGreaterThan(0);
      expect(want.profiles.length).toBe(3);
      expect(want.sourceTokens.length).toBeGreaterThan(3);
      expect(await ask(single)).toEqual(want);
      expect(await ask(cluster)).toEqual(want);
    } finally {
      await duck.close();
    }
  });

  it('refuses a cluster whose shards lack the tables, and refuses to replace a cluster', async () => {
    const [a] = servers as [ClickHouseServer];
    await expect(clickhouseBackend.open(locationOf(a, 'not_on_b', { cluster: 'bw2' }), { profile: READ }))
      .rejects.toMatchObject({ code: 'ERR_CONFIG', message: expect.stringContaining("open each shard once as clickhouse://SHARD:PORT/not_on_b") as unknown });
    await expect(clickhouseBackend.open(locationOf(a, 'dist', { cluster: 'bw2' }), { profile: READ, fresh: true }))
      .rejects.toMatchObject({ code: 'ERR_CONFIG' });
  });
});
