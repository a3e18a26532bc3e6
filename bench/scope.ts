/**
 * Scope benchmark: builds a DuckDB store of `events` access events inside DuckDB with SQL
 * (hash-based pseudo-random accounts, addresses and routes; 2% of requests from an attacker
 * with forged tokens and a few addresses), then times, in the same run, (a) the scope stage
 * as it really runs (`runScope`: store queries, CSV and summary written) and (b) the best
 * hand-written DuckDB SQL for the same affected accounts, consumed fully. Prints both, the
 * ratio (aim ≤ 1.5×) and checks both found the same number of accounts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Alert } from '../src/model/index.js';
import { runScope } from '../src/scope/index.js';
import { openDuckDbStore } from '../src/store/index.js';

const START = Date.UTC(2025, 5, 24);
const SPAN_MS = 30 * 86_400_000;
const ATTACKER_IPS = 8;
const FORGED_RUN = 1000;
const GEN_SLICE = 5_000_000;

const CATALOG = [
  { method: 'GET', route: '/v1/members/{id}/addresses', fields: ['name', 'phone', 'address', 'entrance_code'], kind: 'personal' as const },
  { method: 'GET', route: '/v1/members/{id}/profile', fields: ['name', 'email', 'phone'], kind: 'personal' as const },
  { method: 'GET', route: '/v1/orders', fields: ['order_history', 'address'], kind: 'personal' as const },
  { method: 'GET', route: '/v1/products/{id}', fields: [], kind: 'browse' as const },
  { method: 'POST', route: '/v1/cart', fields: [], kind: 'cart' as const },
  { method: 'POST', route: '/v1/auth/login', fields: [], kind: 'auth' as const },
];

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Process CPU time (all threads, DuckDB's included) in ms: steadier than wall time on a busy host. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Per-account strings, built once: the event generator joins them instead of formatting per row. */
function accountsSql(accounts: number): string {
  return `CREATE OR REPLACE TEMP TABLE bench_acct AS
    SELECT acct, 'm-' || acct AS id, 'j' || acct AS jti, ip, bw_subnet(ip) AS subnet
    FROM (SELECT range AS acct, '10.' || (range % 200) || '.' || ((range // 200) % 250) || '.' || (range % 251) AS ip
      FROM range(${accounts}))`;
}

/** Generates `n` events in SQL: request i is the attacker's when i % 50 = 7. */
function generateSql(n: number, accounts: number, from: number, to: number): string {
  const routes = `['${CATALOG.map((r) => r.route).join("','")}']`;
  const methods = `['${CATALOG.map((r) => r.method).join("','")}']`;
  return `INSERT INTO access
    SELECT make_timestamp((${START} + (i * ${SPAN_MS / n}))::BIGINT * 1000),
      CASE WHEN atk THEN '203.0.113.' || (i % ${ATTACKER_IPS}) ELSE a.ip END,
      ${methods}[r + 1], ${routes}[r + 1],
      CASE WHEN atk THEN 200 WHEN h < 50 THEN 404 WHEN h < 60 THEN 500 ELSE 200 END,
      CASE WHEN atk THEN 'f' || (i // ${FORGED_RUN}) ELSE a.jti END,
      'sig-2019-01', a.id, 1719187200, 1719190800, 'ios', a.id, NULL,
      CASE WHEN atk THEN 'python-requests/2.31' ELSE 'ShopApp/7.1' END, NULL, NULL,
      1834, 1, 'KR', 'AS4766', 'bench', i, CASE WHEN atk THEN '203.0.113' ELSE a.subnet END
    FROM (SELECT range AS i, (hash(range) % 1000)::BIGINT AS h, range % 50 = 7 AS atk,
      (hash(range * 31 + 7) % ${accounts})::BIGINT AS acct,
      (CASE WHEN range % 50 = 7 THEN h % 3 ELSE hash(range + 1) % 6 END)::BIGINT AS r
      FROM range(${from}, ${to})) g JOIN bench_acct a USING (acct)`;
}

/** The hand-written SQL: affected accounts for the forged tokens and the first half of attacker IPs. */
const HAND_SQL = `SELECT a.account_id, min(a.t), max(a.t), count(*),
    list_sort(list(DISTINCT a.src_ip)), list_sort(list_distinct(flatten(list(DISTINCT c.fields))))
  FROM access a JOIN catalog c ON c.method = a.method AND c.route = a.route AND c.kind = 'personal'
  WHERE a.status BETWEEN 200 AND 299 AND a.account_id IS NOT NULL
    AND (a.jti IN (SELECT value FROM indicators WHERE type = 'token')
      OR a.src_ip IN (SELECT value FROM indicators WHERE type = 'ip'))
  GROUP BY a.account_id ORDER BY a.account_id`;

/** Builds the store (cached by size under `dir`), then times scope vs hand-written SQL. */
export async function benchScope(opts: { events: number; dir: string }): Promise<void> {
  await mkdir(opts.dir, { recursive: true });
  const path = join(opts.dir, `scope-${opts.events}.duckdb`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const store = await openDuckDbStore(path);
    await store.putCatalog(CATALOG);
    const forged = Math.ceil(opts.events / FORGED_RUN);
    const span = { first_seen: START, last_seen: START + SPAN_MS };
    const alert: Alert = {
      alert_id: 'bench-forged', detector: 'unissued-token', severity: 'critical', title: 'forged tokens',
      entity: { type: 'key', id: 'sig-2019-01' }, first_seen: new Date(START).toISOString(),
      last_seen: new Date(START + SPAN_MS).toISOString(), detected_at: new Date(START).toISOString(),
      events: 0, accounts: 0, evidence: [], details: {}, status: 'open',
    };
    await store.upsertAlerts([alert]);
    const inds = [];
    for (let k = 0; k < forged; k += 50) inds.push({ alert_id: alert.alert_id, type: 'token' as const, value: `f${k}`, ...span });
    for (let k = 0; k < ATTACKER_IPS / 2; k++) inds.push({ alert_id: alert.alert_id, type: 'ip' as const, value: `203.0.113.${k}`, ...span });
    await store.addIndicators(inds);
    await store.close();
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    const accounts = Math.max(1000, Math.floor(opts.events / 50));
    await conn.run(accountsSql(accounts));
    // In slices: one huge INSERT grows superlinearly (memory, compression of a giant transaction).
    for (let from = 0; from < opts.events; from += GEN_SLICE) {
      await conn.run(generateSql(opts.events, accounts, from, Math.min(opts.events, from + GEN_SLICE)));
    }
    await conn.run('CHECKPOINT');
    conn.closeSync();
    db.closeSync();
    console.log(`generated ${opts.events.toLocaleString('en-US')} events in SQL: ${secs(performance.now() - t0)} wall, ` +
      `${secs(cpuMs() - c0)} CPU`);
  }

  const out = await mkdtemp(join(opts.dir, 'scope-out-'));
  const t1 = performance.now();
  const c1 = cpuMs();
  const store = await openDuckDbStore(path);
  // Without pivots: the same indicators the hand-written SQL follows.
  const report = await runScope(store, { out, minSeverity: 'high', pivots: { steps: [] } });
  await store.close();
  const scopeMs = performance.now() - t1;
  const scopeCpu = cpuMs() - c1;

  // With the pivots, as `breachwatch scope` runs by default: what they cost on top.
  const t3 = performance.now();
  const pstore = await openDuckDbStore(path);
  const pout = await mkdtemp(join(opts.dir, 'scope-out-'));
  const pivoted = await runScope(pstore, { out: pout, minSeverity: 'high' });
  await pstore.close();
  const pivotMs = performance.now() - t3;
  await rm(pout, { recursive: true, force: true });

  const t2 = performance.now();
  const c2 = cpuMs();
  const db = await DuckDBInstance.create(path);
  const conn = await db.connect();
  const result = await conn.stream(HAND_SQL);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    rows += chunk.getColumns()[0]?.length ?? 0;
  }
  conn.closeSync();
  db.closeSync();
  const sqlMs = performance.now() - t2;
  const sqlCpu = cpuMs() - c2;
  await rm(out, { recursive: true, force: true });

  console.log(`scope benchmark (${opts.events.toLocaleString('en-US')} events, ${report.indicators} indicators)`);
  console.log(`  runScope (store queries + CSV + summary): ${secs(scopeMs)} wall, ${secs(scopeCpu)} CPU; ` +
    `${report.accounts_affected} accounts, ${report.requests} requests`);
  console.log(`  hand-written DuckDB SQL (rows consumed):  ${secs(sqlMs)} wall, ${secs(sqlCpu)} CPU; ${rows} accounts`);
  console.log(`  ratio scope / SQL: ${(scopeMs / sqlMs).toFixed(2)}× wall, ${(scopeCpu / sqlCpu).toFixed(2)}× CPU  (aim ≤ 1.5×)`);
  if (rows !== report.accounts_affected) console.log(`  MISMATCH: scope ${report.accounts_affected} vs SQL ${rows} accounts`);
  console.log(`  runScope with pivots (default): ${secs(pivotMs)} wall = ${(pivotMs / scopeMs).toFixed(2)}× without; ` +
    `${pivoted.indicators - report.indicators} tokens added, ${pivoted.accounts_affected - report.accounts_affected} accounts added`);
}
