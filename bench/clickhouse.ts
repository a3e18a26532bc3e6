/**
 * ClickHouse store benchmark: the same access events (made on demand in JavaScript, 2% of
 * them an attacker's with forged tokens from a few addresses) loaded through the store API
 * into the DuckDB store and into the ClickHouse store, both opened for bulk use as `hunt`
 * opens them; then the scope stage as it really runs (`runScope`: store queries, CSV and
 * summary) on each. Prints rows/s of each load and the time of each scope, the ClickHouse /
 * DuckDB ratios, the ClickHouse server's own CPU time, and checks both scopes wrote the same
 * `affected_accounts.csv`; then the response's roles on both (`clickhouse-respond.ts`).
 * ClickHouse is Debian's 18.16, started on loopback for the run.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../src/compose/index.js';
import type { AccessEvent, Alert, CatalogRoute, Indicator } from '../src/model/index.js';
import { runScope } from '../src/scope/index.js';
import type { Store } from '../src/store/index.js';
import { startClickHouse } from '../test/fixtures/store/clickhouse-server.js';
import { benchRespond } from './clickhouse-respond.js';

const START = Date.UTC(2025, 5, 24);
const SPAN_MS = 30 * 86_400_000;
const BATCH = 5000;
const ATTACKER_IPS = 8;
const FORGED_RUN = 1000;

const CATALOG: CatalogRoute[] = [
  { method: 'GET', route: '/v1/members/{id}/addresses', fields: ['name', 'phone', 'address', 'entrance_code'], kind: 'personal' },
  { method: 'GET', route: '/v1/members/{id}/profile', fields: ['name', 'email', 'phone'], kind: 'personal' },
  { method: 'GET', route: '/v1/orders', fields: ['order_history', 'address'], kind: 'personal' },
  { method: 'GET', route: '/v1/products/{id}', fields: [], kind: 'browse' },
];

/** Batch `k` of `n` events: request j is the attacker's when j % 50 = 7. */
function makeBatch(k: number, n: number): AccessEvent[] {
  const out: AccessEvent[] = [];
  const accounts = Math.max(1000, Math.floor(n / 50));
  for (let j = k * BATCH; j < Math.min(n, (k + 1) * BATCH); j++) {
    const atk = j % 50 === 7;
    const acct = `m-${(j * 7919) % accounts}`;
    const t = START + Math.floor(j * (SPAN_MS / n));
    const route = CATALOG[atk ? j % 3 : (j * 31) % CATALOG.length]?.route ?? '';
    const src_ip = atk ? `203.0.113.${j % ATTACKER_IPS}` : `10.${j % 200}.${(j >> 8) % 250}.${j % 251}`;
    const token = { jti: atk ? `f${Math.floor(j / FORGED_RUN)}` : `j-${Math.floor(j / 20)}`, kid: 'sig-2019-01', sub: acct, iat: 1719187200, exp: 1719190800, client_id: 'ios' };
    const status = !atk && j % 97 === 3 ? 404 : 200;
    const ev = {
      time: new Date(t).toISOString(), request_id: `r-${j}`, src_ip, user_agent: atk ? 'python-requests/2.31' : 'ShopApp/7.1 (iOS 17.5)',
      device_id: `d-${j % 100000}`, method: 'GET', route, status, bytes: 1834, records: 3, account_id: acct, token,
    };
    out.push({
      kind: 'access', t, src_ip, method: 'GET', route, status, token, account_id: acct, request_id: ev.request_id,
      user_agent: ev.user_agent, device_id: ev.device_id, bytes: 1834, records: 3, ref: { file: 'bench.ndjson', line: j + 1 },
      raw: JSON.stringify(ev),
    });
  }
  return out;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU time of another process (user + system), ms, from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Took { wall: number; js: number; server: number }

async function timed(serverPid: number | undefined, fn: () => Promise<void>): Promise<Took> {
  const w = performance.now();
  const c = cpuMs();
  const s = serverPid === undefined ? 0 : processCpuMs(serverPid);
  await fn();
  return { wall: performance.now() - w, js: cpuMs() - c, server: serverPid === undefined ? 0 : processCpuMs(serverPid) - s };
}

async function load(store: Store, n: number): Promise<void> {
  for (let k = 0; k * BATCH < n; k++) {
    const b = makeBatch(k, n);
    store.expectRemaining(n - k * BATCH);
    await store.appendAccess(b);
  }
  await store.flush();
}

async function addAlert(store: Store, n: number): Promise<void> {
  await store.putCatalog(CATALOG);
  const span = { first_seen: START, last_seen: START + SPAN_MS };
  const alert: Alert = {
    alert_id: 'bench-forged', detector: 'unissued-token', severity: 'critical', title: 'forged tokens',
    entity: { type: 'key', id: 'sig-2019-01' }, first_seen: new Date(START).toISOString(), last_seen: new Date(START + SPAN_MS).toISOString(),
    detected_at: new Date(START).toISOString(), events: 0, accounts: 0, evidence: [], details: {}, status: 'open',
  };
  await store.upsertAlerts([alert]);
  const inds: (Indicator & { alert_id: string })[] = [];
  for (let k = 0; k * FORGED_RUN < n; k += 50) inds.push({ alert_id: alert.alert_id, type: 'token', value: `f${k}`, ...span });
  for (let k = 0; k < ATTACKER_IPS / 2; k++) inds.push({ alert_id: alert.alert_id, type: 'ip', value: `203.0.113.${k}`, ...span });
  await store.addIndicators(inds);
}

const rate = (n: number, t: Took): string => `${Math.round(n / (t.wall / 1000)).toLocaleString('en-US')} rows/s`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Loads `events` into both stores, then scopes both (see file header). */
export async function benchClickHouse(opts: { events: number; dir: string; notices?: number }): Promise<void> {
  await mkdir(opts.dir, { recursive: true });
  const work = await mkdtemp(join(opts.dir, 'clickhouse-'));
  const server = await startClickHouse({ baseDir: work });
  try {
    const version = (await server.sql('SELECT version()')).trim();
    const duckUrl = `duckdb:${join(work, 'bench.duckdb')}`;
    const chUrl = server.url('bench');
    const n = opts.events;
    const stores = [
      { name: 'DuckDB', url: duckUrl, pid: undefined },
      { name: 'ClickHouse', url: chUrl, pid: server.pid },
    ];
    const loads: Took[] = [];
    for (const s of stores) {
      const store = await openStore(s.url, 'bulk', { fresh: true });
      loads.push(await timed(s.pid, () => load(store, n)));
      await addAlert(store, n);
      await store.close();
    }
    const scopes: { took: Took; accounts: number; requests: number; csv: string }[] = [];
    for (const s of stores) {
      const out = join(work, `scope-${s.name}`);
      let report = { accounts_affected: 0, requests: 0 };
      const took = await timed(s.pid, async () => {
        const store = await openStore(s.url, 'read', { mustExist: true });
        try {
          report = await runScope(store, { out, minSeverity: 'high' });
        } finally {
          await store.close();
        }
      });
      scopes.push({ took, accounts: report.accounts_affected, requests: report.requests, csv: await readFile(join(out, 'affected_accounts.csv'), 'utf8') });
    }
    const [dl, cl] = loads as [Took, Took];
    const [ds, cs] = scopes as [typeof scopes[0], typeof scopes[0]];
    console.log(`ClickHouse store benchmark (${n.toLocaleString('en-US')} events made on demand in batches of ${BATCH}; ClickHouse ${version} on loopback)`);
    console.log(`  load, DuckDB store (bulk, as hunt):     ${rate(n, dl)}; ${secs(dl.wall)} wall, ${secs(dl.js)} CPU in this process (DuckDB included)`);
    console.log(`  load, ClickHouse store (bulk, as hunt): ${rate(n, cl)}; ${secs(cl.wall)} wall, ${secs(cl.js)} CPU in this process, ${secs(cl.server)} CPU in the server`);
    console.log(`  ratio ClickHouse / DuckDB load rows/s: ${(dl.wall / cl.wall).toFixed(2)}×`);
    console.log(`  scope, DuckDB (runScope):     ${secs(ds.took.wall)} wall, ${secs(ds.took.js)} CPU; ${ds.accounts} accounts, ${ds.requests} requests`);
    console.log(`  scope, ClickHouse (runScope): ${secs(cs.took.wall)} wall, ${secs(cs.took.js)} CPU here, ${secs(cs.took.server)} CPU in the server; ${cs.accounts} accounts, ${cs.requests} requests`);
    console.log(`  ratio ClickHouse / DuckDB scope time: ${(cs.took.wall / ds.took.wall).toFixed(2)}×`);
    console.log(`  same affected_accounts.csv: ${cs.csv === ds.csv ? 'yes' : 'NO (MISMATCH)'}`);
    await benchRespond(stores, opts.notices ?? 2000);
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}
