/**
 * The peer of issue 13: what a security engineer with the same archive and no breachwatch
 * would do. DuckDB (`@duckdb/node-api`) loads the access and ledger files with its own
 * NDJSON reader (`read_ndjson`) into tables of a database file and answers three questions in
 * SQL — tokens the ledger never issued (an anti-join), sources reading many accounts a day,
 * the accounts those tokens read through personal routes. Timed in the same run as
 * `breachwatch hunt` + `breachwatch scope` (the built CLI, as a user runs it) on the same
 * files, plain and gzip; the affected accounts of both are compared; the parse-only baseline
 * (read + JSON.parse) is printed beside them.
 *
 *   npm run bench -- peer [--accounts 1000000] [--days 3] [--threads 1,2]
 *
 * With `--threads`, hunt runs once per listed count (`hunt --threads N`), each timed and
 * compared against the same peer run.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse as parseYaml } from 'yaml';
import { simulate } from '../src/sim/index.js';
import { readAndParse } from './parse-baseline.js';
import { TreePeak } from './hunt.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'breachwatch.mjs');
/** A source reading more distinct accounts than this in a day is listed by the peer's second query. */
const MANY_ACCOUNTS_PER_DAY = 50;

interface Timed<T> { seconds: number; value: T; peakBytes: number }

const ls = async (d: string, ext: string): Promise<string[]> =>
  (await readdir(d)).filter((f) => f.endsWith(ext)).sort().map((f) => join(d, f));
const sqlList = (xs: readonly string[]): string => `[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')}]`;

/** Gzips `files` into the folder `to` (once; kept beside the plain files). */
async function gzipAll(files: readonly string[], to: string): Promise<string[]> {
  await mkdir(to, { recursive: true });
  const out: string[] = [];
  for (const f of files) {
    const gz = join(to, `${f.split('/').pop()!}.gz`);
    if (!existsSync(gz)) {
      await pipeline(createReadStream(f), createGzip({ level: 6 }), createWriteStream(`${gz}.part`));
      await rename(`${gz}.part`, gz);
    }
    out.push(gz);
  }
  return out;
}

/** The analyst's SQL: load with DuckDB's NDJSON reader, then the three questions. */
async function peer(access: readonly string[], ledger: readonly string[], personalRoutes: readonly string[], db: string): Promise<Timed<{ unissued: number; busySources: number; affected: Set<string>; rows: number }>> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(db);
  const c = await instance.connect();
  try {
    await c.run(`CREATE TABLE access AS SELECT * FROM read_ndjson(${sqlList(access)}, union_by_name = true)`);
    await c.run(`CREATE TABLE ledger AS SELECT * FROM read_ndjson(${sqlList(ledger)}, union_by_name = true)`);
    const rows = Number((await c.runAndReadAll('SELECT count(*) FROM access')).getRows()[0]?.[0]);
    // 1. tokens in use that the ledger never issued
    await c.run(`CREATE TABLE unissued AS SELECT DISTINCT a.token.jti AS jti FROM access a
      WHERE a.token.jti IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.jti = a.token.jti)`);
    const unissued = Number((await c.runAndReadAll('SELECT count(*) FROM unissued')).getRows()[0]?.[0]);
    // 2. sources reading many distinct accounts per day
    const busy = await c.runAndReadAll(`SELECT src_ip, CAST(time AS DATE) AS day, count(DISTINCT coalesce(account_id, token.sub)) AS n
      FROM access WHERE status BETWEEN 200 AND 299 GROUP BY ALL HAVING n > ${MANY_ACCOUNTS_PER_DAY}`);
    // 3. the accounts those tokens read through personal routes
    const hit = await c.runAndReadAll(`SELECT DISTINCT coalesce(a.account_id, a.token.sub) FROM access a JOIN unissued u ON a.token.jti = u.jti
      WHERE a.status BETWEEN 200 AND 299 AND a.route IN (SELECT unnest(${sqlList(personalRoutes)}))`);
    const affected = new Set(hit.getRows().map((r) => String(r[0])));
    return { seconds: (performance.now() - t0) / 1000, value: { unissued, busySources: busy.currentRowCount, affected, rows }, peakBytes: 0 };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** Runs the built CLI with `args`; wall time and the peak memory of it and its children. */
async function cli(args: readonly string[]): Promise<{ seconds: number; peakBytes: number }> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tree = new TreePeak();
  const timer = setInterval(() => { void tree.sample(proc.pid as number); }, 250);
  const code = await new Promise<number | null>((res) => proc.on('exit', res));
  clearInterval(timer);
  if (code !== 0) throw new Error(`breachwatch ${args[0]} exited with ${code}`);
  return { seconds: (performance.now() - t0) / 1000, peakBytes: tree.total };
}

/** `hunt` then `scope`, as a user runs them; the affected accounts scope found. */
async function huntAndScope(sim: string, access: readonly string[], ledger: readonly string[], work: string, threads: number): Promise<Timed<Set<string>> & { hunt: number; scope: number }> {
  const db = join(work, 'bw.duckdb');
  await rm(db, { force: true });
  await rm(join(work, 'scope'), { recursive: true, force: true });
  const opt = (flag: string, file: string): string[] => (existsSync(join(sim, file)) ? [flag, join(sim, file)] : []);
  const h = await cli(['hunt', '--access', ...access, '--ledger', ...ledger, '--keys', join(sim, 'keys.json'), '--staff', join(sim, 'staff.csv'),
    '--catalog', join(sim, 'catalog.yaml'), ...opt('--clients', 'clients.yaml'), ...opt('--honey', 'honey.txt'), '--db', db, '--alerts', join(work, 'alerts.ndjson'),
    '--threads', String(threads)]);
  // A scope that fails (DuckDB out of memory, say) is reported, and the run goes on.
  const s = await cli(['scope', '--db', db, '--out', join(work, 'scope')]).catch((e: unknown) => {
    console.log(`  scope failed: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  if (s === undefined) return { seconds: NaN, hunt: h.seconds, scope: NaN, value: new Set(), peakBytes: h.peakBytes };
  const csv = (await readFile(join(work, 'scope', 'affected_accounts.csv'), 'utf8')).trim().split('\n').slice(1);
  return { seconds: h.seconds + s.seconds, hunt: h.seconds, scope: s.seconds, value: new Set(csv.map((l) => l.split(',')[0]!)), peakBytes: Math.max(h.peakBytes, s.peakBytes) };
}

/** How two sets of account ids compare. */
function compare(a: Set<string>, b: Set<string>): { both: number; onlyA: number; onlyB: number } {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return { both, onlyA: a.size - both, onlyB: b.size - both };
}

/** Simulates (cached under bench/.data), then times baseline, peer and hunt + scope on plain and gzip input. */
export async function benchPeer(opts: { accounts: number; days: number; threads?: readonly number[] }): Promise<void> {
  const sim = join(import.meta.dirname, '.data', `hunt-forged-token-${opts.accounts}-${opts.days}`);
  if (!existsSync(join(sim, 'truth.json')) || !existsSync(join(sim, 'honey.txt'))) {
    console.log(`simulating forged-token: ${opts.accounts} accounts × ${opts.days} days → ${sim}`);
    await simulate({ scenario: 'forged-token', accounts: opts.accounts, days: opts.days, seed: 1, out: sim });
  }
  const catalog = parseYaml(await readFile(join(sim, 'catalog.yaml'), 'utf8')) as { routes: { route: string; kind: string }[] };
  const personal = [...new Set(catalog.routes.filter((r) => r.kind === 'personal').map((r) => r.route))];
  const plain = { access: await ls(join(sim, 'access'), '.ndjson'), ledger: await ls(join(sim, 'ledger'), '.ndjson') };
  const gz = { access: await gzipAll(plain.access, join(sim, 'gz', 'access')), ledger: await gzipAll(plain.ledger, join(sim, 'gz', 'ledger')) };
  await new Promise<void>((res, rej) => {
    const b = spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    b.on('exit', (code) => (code === 0 ? res() : rej(new Error(`build exited with ${code}`))));
  });
  const t0 = performance.now();
  const base = await readAndParse([...plain.access, ...plain.ledger]);
  const baseSeconds = (performance.now() - t0) / 1000;
  const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
  const truth = JSON.parse(await readFile(join(sim, 'truth.json'), 'utf8')) as { attack?: { affected_accounts?: string[] } };
  const truthSet = new Set(truth.attack?.affected_accounts ?? []);
  console.log(`peer benchmark (forged-token, ${opts.accounts} accounts × ${opts.days} days, ${base.lines.toLocaleString('en-US')} lines, ${mib(base.bytes)} plain)`);
  console.log(`  baseline (read + JSON.parse only, plain): ${baseSeconds.toFixed(1)} s`);
  for (const [name, files] of [['plain', plain], ['gzip', gz]] as const) {
    const work = await mkdtemp(join(tmpdir(), `bw-peer-${name}-`));
    try {
      const p = await peer(files.access, files.ledger, personal, join(work, 'peer.duckdb'));
      console.log(`  ${name}: peer (DuckDB read_ndjson + 3 queries) ${p.seconds.toFixed(1)} s (${p.value.rows.toLocaleString('en-US')} rows, ` +
        `${p.value.unissued} unissued tokens, ${p.value.busySources} busy source-days, ${p.value.affected.size} affected)`);
      await rm(join(work, 'peer.duckdb'), { force: true });
      for (const threads of opts.threads ?? [1]) {
        const h = await huntAndScope(sim, files.access, files.ledger, work, threads);
        const cmp = compare(h.value, p.value.affected);
        const vsTruth = compare(h.value, truthSet);
        const tag = `${name}, --threads ${threads}`;
        console.log(`  ${tag}: hunt + scope ${h.seconds.toFixed(1)} s (hunt ${h.hunt.toFixed(1)} s, scope ${h.scope.toFixed(1)} s; ${h.value.size} affected; peak ${mib(h.peakBytes)})`);
        console.log(`  ${tag}: ratio (hunt + scope) / peer ${(h.seconds / p.seconds).toFixed(2)}×  (aim ≤ 1.0×); ` +
          `affected: ${cmp.both} in both, ${cmp.onlyA} only breachwatch, ${cmp.onlyB} only the peer; ` +
          `breachwatch vs truth: ${vsTruth.both} of ${truthSet.size}, ${vsTruth.onlyA} extra`);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
