/**
 * The same SQL on current ClickHouse: the store runs over embedded chDB (ClickHouse 26.x, the
 * `chdb` package) through the same {@link ClickHouseSql} seam it uses over HTTP. The whole
 * store contract (the response roles included) and the delivery-ledger contract run on it,
 * and the scope queries give the same affected accounts and
 * aggregates on 26.x, on Debian's 18.16 (a real server started here) and on DuckDB, for the
 * same events and every kind of indicator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Indicator } from '../../model/index.js';
import { openDuckDbStore } from '../duckdb/open.js';
import { runDeliveryContract } from '../delivery.contract.js';
import { hasDeliveryLedger, type DeliveryStore } from '../delivery.js';
import { runStoreContract } from '../store.contract.js';
import { CLICKHOUSE_LIMITS } from './limits.js';
import type { Store } from '../store.js';
import { clickhouseBackend } from './backend.js';
import { sqlString } from './escape.js';
import { openClickHouseStore } from './open.js';
import type { ClickHouseSql, Row } from './sql.js';
import { startClickHouse, type ClickHouseServer } from '../../../test/fixtures/store/clickhouse-server.js';
import { READ, locationOf } from '../../../test/fixtures/store/clickhouse-location.js';
import { HOSTILE } from '../../../test/fixtures/store/hostile.js';
import { CATALOG } from '../../../test/fixtures/store/scope-events.js';
import { INDICATOR_SETS, mixedEvents } from '../../../test/fixtures/store/scope-mix.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-chdb-'));
const session = new Session(join(dir, 'data'));
afterAll(() => {
  session.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** {@link ClickHouseSql} over the embedded engine (one session for the whole file). */
function chdbSql(): ClickHouseSql {
  const run = async (sql: string): Promise<string> => (await session.queryAsync(sql, { format: 'JSONEachRow' })).text();
  const rows = async (sql: string): Promise<Row[]> =>
    (await run(sql)).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
  return {
    async command(sql) { await run(sql); },
    rows,
    async *stream(sql) { yield* await rows(sql); },
    insert(table) {
      const parts: string[] = [];
      return {
        write: (text) => { parts.push(text); return Promise.resolve(); },
        end: async () => { if (parts.length > 0) await run(`INSERT INTO ${table} FORMAT JSONEachRow\n${parts.join('')}`); },
        abort: () => { parts.length = 0; },
      };
    },
    close: () => Promise.resolve(),
  };
}

let n = 0;
const openChdb = (database = `chdb_${n++}`): Promise<Store> => openClickHouseStore(chdbSql(), { database, where: `chdb:${database}` });

runStoreContract('clickhouse SQL on chdb 26.x', {
  isolation: { skip: CLICKHOUSE_LIMITS.isolation },
  open: () => openChdb(),
  crash: { skip: 'chDB runs inside this test process, so killing its writer would kill the test; clickhouse.test.ts runs this part against clickhouse-server' },
  pivots: 'answered',
});

/** A store with its delivery ledger (every ClickHouse store keeps one). */
async function ledgerOf(p: Promise<Store>): Promise<Store & DeliveryStore> {
  const s = await p;
  if (!hasDeliveryLedger(s)) throw new Error('the ClickHouse store keeps no delivery ledger');
  return s;
}

runDeliveryContract('clickhouse SQL on chdb 26.x', {
  open: () => ledgerOf(openChdb()),
  reopenable: async () => {
    const db = `chdb_${n++}`;
    return { store: await ledgerOf(openChdb(db)), reopen: () => ledgerOf(openChdb(db)) };
  },
});

/** Collects an async iterable. */
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('scope on ClickHouse 26.x (chDB), ClickHouse 18.16 and DuckDB', () => {
  let server: ClickHouseServer;
  const stores: { name: string; store: Store }[] = [];
  beforeAll(async () => {
    server = await startClickHouse();
    const events = mixedEvents(4000);
    const opened = [
      { name: 'chdb 26.x', store: await openChdb('parity') },
      { name: 'clickhouse 18.16', store: await clickhouseBackend.open(locationOf(server, 'parity'), { profile: READ }) },
      { name: 'duckdb', store: await openDuckDbStore(':memory:') },
    ];
    for (const { store } of opened) {
      await store.putCatalog(CATALOG);
      for (let i = 0; i < events.length; i += 500) await store.appendAccess(events.slice(i, i + 500));
      await store.flush();
    }
    stores.push(...opened);
  });
  afterAll(async () => {
    for (const { store } of stores) await store.close();
    await server?.stop();
  });

  it.each(INDICATOR_SETS.map((s, i) => [i, s] as const))('gives the same accounts and aggregates for indicator set %i', async (_i, inds: readonly Indicator[]) => {
    const results = [];
    for (const { name, store } of stores) {
      const q = { indicators: inds };
      results.push({ name, rows: await all(store.affectedAccounts(q)), agg: await store.scopeAggregates(q) });
    }
    const [first, ...rest] = results;
    expect(first?.rows.length).toBeGreaterThan(0);
    for (const r of rest) {
      expect(r.rows, `${r.name} vs ${first?.name}`).toEqual(first?.rows);
      expect(r.agg, `${r.name} vs ${first?.name}`).toEqual(first?.agg);
    }
  });

  it('reads every escaped literal back exactly on 26.x', async () => {
    const sql = chdbSql();
    for (const h of HOSTILE) expect(await sql.rows(`SELECT ${sqlString(h)} AS s`)).toEqual([{ s: h }]);
  });

  it('reads the error code of a 26.x message', async () => {
    const { readFailure } = await import('./errors.js');
    const e = await chdbSql().rows('SELECT * FROM nowhere_db.nowhere').catch((x: unknown) => x);
    expect(readFailure(e)).toMatchObject({ code: 81, name: 'UNKNOWN_DATABASE' });
  });
});
