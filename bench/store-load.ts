/**
 * Store loading benchmark: events/s of getting access events into DuckDB, for the ways
 * considered — (a) the store's staged NDJSON loads (raw source lines, and events without
 * `raw` re-serialized), (b) DuckDB's appender fed column-wise data chunks, (c) staged CSV —
 * plus the ceiling: DuckDB's own NDJSON reader on the same lines already on disk.
 */
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIGINT, DuckDBDataChunk, DuckDBInstance, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { DuckDBType } from '@duckdb/node-api';
import type { AccessEvent } from '../src/model/index.js';
import { openDuckDbStore } from '../src/store/index.js';

const ROUTES = ['/v1/members/{id}/addresses', '/v1/members/{id}/profile', '/v1/orders', '/v1/products/{id}'];

/** Batch `k` (of `size`) of synthetic events with their verbatim lines, made on demand. */
function makeBatch(k: number, size: number, n: number): AccessEvent[] {
  const t0 = Date.UTC(2025, 5, 24);
  const b: AccessEvent[] = [];
  for (let j = k * size; j < Math.min(n, (k + 1) * size); j++) {
    const acct = `m-${(j * 7919) % 1_000_000}`;
    const t = t0 + j * 13;
    const route = ROUTES[j % ROUTES.length] ?? '';
    const token = { jti: `j-${Math.floor(j / 20)}`, kid: 'sig-2019-01', sub: acct, iat: 1719187200, exp: 1719190800, client_id: 'ios' };
    const ev = {
      time: new Date(t).toISOString(), request_id: `r-${j}`, src_ip: `10.${j % 200}.${(j >> 8) % 250}.${j % 251}`,
      user_agent: 'ShopApp/7.1 (iOS 17.5)', device_id: `d-${j % 100000}`, method: 'GET', route, status: 200,
      bytes: 1834, records: 3, account_id: acct, token,
    };
    b.push({ kind: 'access', t, src_ip: ev.src_ip, method: 'GET', route, status: 200, token, account_id: acct,
      request_id: ev.request_id, user_agent: ev.user_agent, device_id: ev.device_id, bytes: 1834, records: 3,
      ref: { file: 'access.ndjson', line: j + 1 }, raw: JSON.stringify(ev) });
  }
  return b;
}

/** Events made on demand, batch by batch, as a hunt would hand them over. */
function* batches(n: number, withRaw = true): Generator<AccessEvent[]> {
  for (let k = 0; k * BATCH < n; k++) {
    const b = makeBatch(k, BATCH, n);
    yield withRaw ? b : b.map(({ raw: _raw, ...e }) => e as AccessEvent);
  }
}

const BATCH = 5000;

/** Wall and process CPU time (all threads, DuckDB's included), ms. */
interface Took { wall: number; cpu: number }

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function timed(fn: () => Promise<void>): Promise<Took> {
  const w = performance.now();
  const c = cpuMs();
  await fn();
  return { wall: performance.now() - w, cpu: cpuMs() - c };
}

const per = (n: number, ms: number): string => Math.round(n / (ms / 1000)).toLocaleString('en-US').padStart(10);
const rate = (n: number, t: Took): string => `${per(n, t.wall)} events/s wall, ${per(n, t.cpu)} events per CPU-second`;

async function viaStore(n: number, path: string, withRaw: boolean): Promise<Took> {
  await rm(path, { force: true });
  const store = await openDuckDbStore(path);
  const took = await timed(async () => {
    for (const b of batches(n, withRaw)) await store.appendAccess(b);
    await store.flush();
  });
  if ((await store.countAccess()) !== n) throw new Error('count mismatch');
  await store.close();
  await rm(path, { force: true });
  return took;
}

const COLS: [string, DuckDBType][] = [['t', BIGINT], ['src_ip', VARCHAR], ['method', VARCHAR], ['route', VARCHAR],
  ['status', INTEGER], ['jti', VARCHAR], ['kid', VARCHAR], ['sub', VARCHAR], ['iat', BIGINT], ['exp', BIGINT],
  ['client_id', VARCHAR], ['account_id', VARCHAR], ['request_id', VARCHAR], ['user_agent', VARCHAR],
  ['device_id', VARCHAR], ['bytes', BIGINT], ['records', INTEGER], ['file', VARCHAR], ['line', BIGINT]];

const big = (v: number | undefined): bigint | null => (v === undefined ? null : BigInt(v));

function row(e: AccessEvent): (string | number | bigint | null)[] {
  return [BigInt(e.t), e.src_ip, e.method, e.route, e.status, e.token?.jti ?? null, e.token?.kid ?? null, e.token?.sub ?? null,
    big(e.token?.iat), big(e.token?.exp), e.token?.client_id ?? null, e.account_id ?? e.token?.sub ?? null,
    e.request_id ?? null, e.user_agent ?? null, e.device_id ?? null, big(e.bytes), e.records ?? null, e.ref.file, BigInt(e.ref.line)];
}

/** (b) appender with column-wise data chunks of 2048 rows (synchronous on the JS thread). */
async function viaAppender(n: number): Promise<Took> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE a (${COLS.map(([c, ty]) => `"${c}" ${ty.toString()}`).join(', ')})`);
  const appender = await conn.createAppender('a');
  const took = await timed(() => {
    for (const all of batches(n)) {
      for (let i = 0; i < all.length; i += 2048) {
        const rows = all.slice(i, i + 2048).map(row);
        const chunk = DuckDBDataChunk.create(COLS.map(([, ty]) => ty), rows.length);
        chunk.setColumns(COLS.map((_, c) => rows.map((r) => r[c] ?? null)));
        appender.appendDataChunk(chunk);
      }
    }
    appender.closeSync();
    return Promise.resolve();
  });
  conn.closeSync();
  db.closeSync();
  return took;
}

const csvField = (v: string | number | bigint | null): string =>
  v === null ? '' : typeof v !== 'string' ? String(v) : /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** (c) staged CSV files read by read_csv (one load per batch of 400k, not overlapped). */
async function viaCsv(n: number, dir: string): Promise<Took> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE a (${COLS.map(([c, ty]) => `"${c}" ${ty.toString()}`).join(', ')})`);
  let lines: string[] = [];
  let k = 0;
  const load = async (): Promise<void> => {
    const f = join(dir, `load-${k++}.csv`);
    await writeFile(f, lines.join('\n') + '\n');
    lines = [];
    await conn.run(`INSERT INTO a SELECT * FROM read_csv('${f}', header = false, quote = '"', escape = '"',
      columns = {${COLS.map(([c, ty]) => `'${c}': '${ty.toString()}'`).join(', ')}})`);
    await rm(f);
  };
  const took = await timed(async () => {
    for (const b of batches(n)) {
      for (const e of b) lines.push(row(e).map(csvField).join(','));
      if (lines.length >= 400_000) await load();
    }
    if (lines.length > 0) await load();
  });
  conn.closeSync();
  db.closeSync();
  return took;
}

/** DuckDB alone reading the staged NDJSON (already written): the ceiling for (a). */
async function readerOnly(n: number, dir: string): Promise<Took> {
  const f = join(dir, 'all.ndjson');
  const fh = await open(f, 'w');
  for (const b of batches(n)) await fh.write(b.map((e) => e.raw ?? '').join('\n') + '\n');
  await fh.close();
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const took = await timed(async () => {
    await conn.run(`CREATE TABLE a AS SELECT * FROM read_json('${f}', format = 'newline_delimited')`);
  });
  conn.closeSync();
  db.closeSync();
  await rm(f);
  return took;
}

/** Only making the events (subtracted from each method's CPU time). */
function makeOnly(n: number): Promise<Took> {
  return timed(() => {
    let k = 0;
    for (const b of batches(n)) k += b.length;
    return k === n ? Promise.resolve() : Promise.reject(new Error('count'));
  });
}

/** Prints events/s of each loading method for `events` events. */
export async function benchLoad(opts: { events: number; dir: string }): Promise<void> {
  const n = opts.events;
  const make = await makeOnly(n);
  const show = (label: string, t: Took): void => {
    const own = { wall: t.wall - make.wall, cpu: t.cpu - make.cpu };
    console.log(`  ${label.padEnd(34)} ${rate(n, t)}; loading alone: ${per(n, own.cpu)} events per CPU-second`);
  };
  console.log(`store loading benchmark (${n.toLocaleString('en-US')} events made on demand in batches of ${BATCH})`);
  console.log(`  making the events only:            ${rate(n, make)}`);
  const reader = await readerOnly(n, opts.dir);
  console.log(`  DuckDB read_json alone (ceiling):  ${rate(n, reader)}`);
  show('(a) store, raw lines, :memory:', await viaStore(n, ':memory:', true));
  show('(a) store, raw lines, file', await viaStore(n, join(opts.dir, 'load.duckdb'), true));
  show('(a) store, no raw (stringify)', await viaStore(n, ':memory:', false));
  show('(b) appender + data chunks', await viaAppender(n));
  show('(c) staged CSV + read_csv', await viaCsv(n, opts.dir));
}
