/**
 * Benchmarks of `breachwatch serve` (the server and the load generator run as separate
 * processes on loopback; detection on):
 *  - {@link benchServeIngest}: sustained HTTP ingest of a simulation's files, events/s, next to
 *    `hunt`'s offline rate over the same files measured in the same run;
 *  - {@link benchServeSteady}: a steady live feed (default 20 000 events/s) with forged tokens:
 *    time from posting a forged-token request to the alert counting it through the API
 *    (p50/p99), and the server's memory at start, middle and end of the run.
 * Run: npx tsx bench/serve.ts [ingest|steady|all] [--accounts N] [--seconds S] [--rate R]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { DEFAULTS } from '../src/model/index.js';
import { simulate } from '../src/sim/index.js';
import { startChild, type ChildService } from '../test/server/child.js';
import { FIXTURES, makeKeys, testConfig, writeConfig } from '../test/server/harness.js';

const run = promisify(execFile);

async function tsxChild(script: string, args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

/** Resident and peak memory of a process, from /proc (Linux). */
async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function server(dir: string, extra: Record<string, unknown>): Promise<{ child: ChildService; keys: ReturnType<typeof makeKeys>['keys'] }> {
  const k = makeKeys();
  const cfg = testConfig(dir, k.config, { log: { level: 'info' }, checkpoint: { interval_s: 30 }, ...extra });
  return { child: await startChild(await writeConfig(dir, cfg)), keys: k.keys };
}

async function stop(c: ChildService): Promise<void> {
  c.proc.kill('SIGTERM');
  await c.exited;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

/** Options of {@link benchServeIngest}. */
export interface ServeIngestOptions { accounts?: number; days?: number; batch?: number; concurrency?: number }

/** Sustained HTTP ingest vs offline hunt over the same simulated files; prints and returns figures. */
export async function benchServeIngest(o: ServeIngestOptions = {}): Promise<{ serveRate: number; huntRate: number }> {
  const accounts = o.accounts ?? 100_000;
  const days = o.days ?? 1;
  const sim = join(import.meta.dirname, '.data', `serve-forged-token-${accounts}-${days}`);
  if (!existsSync(join(sim, 'truth.json'))) await simulate({ scenario: 'forged-token', accounts, days, seed: 3, out: sim });
  const dir = await mkdtemp(join(tmpdir(), 'bw-bench-serve-'));
  try {
    const h = await tsxChild('hunt-child.ts', ['hunt', sim, join(dir, 'hunt.duckdb')]);
    const ref = { keys: join(sim, 'keys.json'), staff: join(sim, 'staff.csv'), catalog: join(sim, 'catalog.yaml') };
    const { child, keys } = await server(dir, { reference: ref, detect: { allowed_lateness_ms: DEFAULTS.detect.allowedLatenessMs, source_idle_ms: 600_000 }, queue: { max_events: 400_000, max_batch_events: 100_000, retry_after_s: 1 } });
    const l = await tsxChild('serve-loadgen.ts', ['files', JSON.stringify({ url: child.url, key: keys.ingest, dir: sim, batch: o.batch ?? 5000, concurrency: o.concurrency ?? 8 })]);
    const mem = await memory(child.proc.pid as number);
    await stop(child);
    const serveRate = l['rate'] ?? 0;
    const huntRate = h['rate'] ?? 0;
    console.log(`serve ingest benchmark (forged-token, ${accounts} accounts × ${days} day; server and load generator in separate processes)`);
    console.log(`  hunt offline (same files):        ${fmt(huntRate)} events/s (${fmt(h['events'] ?? 0)} events)`);
    console.log(`  serve over HTTP, detection on:    ${fmt(serveRate)} events/s (${fmt(l['events'] ?? 0)} events acknowledged in ${(l['seconds'] ?? 0).toFixed(1)} s, batch ${o.batch ?? 5000}, ${o.concurrency ?? 8} connections)`);
    console.log(`  ratio serve / hunt:               ${(100 * serveRate / huntRate).toFixed(1)}%  (aim ≥ 50%)`);
    console.log(`  server peak RSS:                  ${mib(mem.hwm)}`);
    return { serveRate, huntRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Options of {@link benchServeSteady}. */
export interface ServeSteadyOptions { rate?: number; seconds?: number; forgedEveryMs?: number; latenessMs?: number }

/** Steady live feed: forged-token alert latency p50/p99 and server memory over time. */
export async function benchServeSteady(o: ServeSteadyOptions = {}): Promise<Record<string, number>> {
  const rate = o.rate ?? 20_000;
  const seconds = o.seconds ?? 600;
  const lateness = o.latenessMs ?? 500;
  const dir = await mkdtemp(join(tmpdir(), 'bw-bench-steady-'));
  try {
    // A registry with one key per forged token the run may post (sig-bench-<n>), all recent and in a KMS.
    const created = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const registry = Array.from({ length: Math.ceil((seconds * 1000) / (o.forgedEveryMs ?? 250)) + 10 }, (_, i) => `sig-bench-${i}`).concat(['sig-2024-01'])
      .map((kid) => ({ kid, alg: 'ES256', created, activated: created, retired: null, revoked: null, storage: 'kms', max_token_ttl_s: 3600, custodians: [] }));
    await writeFile(join(dir, 'keys.json'), JSON.stringify({ keys: registry }));
    const ref = { keys: join(dir, 'keys.json'), staff: join(FIXTURES, 'staff.csv'), catalog: join(FIXTURES, 'catalog.yaml') };
    const { child, keys } = await server(dir, { reference: ref, detect: { allowed_lateness_ms: lateness, source_idle_ms: 5000 } });
    const pid = child.proc.pid as number;
    const samples: { t: number; rss: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => { memory(pid).then((m) => samples.push({ t: Date.now() - started, rss: m.rss }), () => undefined); }, 1000);
    // Where the memory is, every tenth of the run: JS heap, detector state, DuckDB (from /metrics).
    const parts: string[] = [];
    const metric = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
    const scrape = setInterval(() => {
      void fetch(`${child.url}/metrics`, { headers: { authorization: `Bearer ${keys.analyst}` } }).then((r) => r.text()).then((t) => {
        parts.push(`${Math.round((Date.now() - started) / 1000)}s: heap ${mib(metric(t, 'breachwatch_process_nodejs_heap_size_used_bytes'))}, ` +
          `detectors ${mib(metric(t, 'breachwatch_detector_state_bytes'))}, DuckDB ${mib(metric(t, 'breachwatch_store_memory_bytes'))}`);
      }, () => undefined);
    }, (seconds * 1000) / 10);
    const l = await tsxChild('serve-loadgen.ts', ['steady', JSON.stringify({ url: child.url, key: keys.ingest, analystKey: keys.analyst, rate, seconds, forgedEveryMs: o.forgedEveryMs ?? 250 })]);
    clearInterval(sampler);
    clearInterval(scrape);
    const mem = await memory(pid);
    const metrics = await (await fetch(`${child.url}/metrics`, { headers: { authorization: `Bearer ${keys.analyst}` } })).text();
    const heap = metric(metrics, 'breachwatch_process_nodejs_heap_size_used_bytes');
    await stop(child);
    const at = (f: number): number => samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))]?.rss ?? 0;
    console.log(`serve steady-feed benchmark (${fmt(rate)} events/s target for ${seconds} s, allowed lateness ${lateness} ms)`);
    console.log(`  achieved: ${fmt(l['rate'] ?? 0)} events/s (${fmt(l['sent'] ?? 0)} events)`);
    console.log(`  forged token posted → its alert listed by the API: p50 ${fmt(l['p50Ms'] ?? 0)} ms, p99 ${fmt(l['p99Ms'] ?? 0)} ms, max ${fmt(l['maxMs'] ?? 0)} ms ` +
      `(${l['caught']}/${l['forged']} tokens; includes the ${lateness} ms allowed lateness; aim p99 ≤ 2 s)`);
    console.log(`  server RSS: start ${mib(at(0.02))}, middle ${mib(at(0.5))}, end ${mib(at(1))}; peak ${mib(mem.hwm)}; JS heap used at end ${mib(heap)} (the rest is DuckDB and native memory)`);
    console.log(`  server RSS by tenth of the run: ${[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((f) => (at(f) / 1048576).toFixed(0)).join(', ')} MiB` +
      ' (the request-id dedup fills during the first 2 × its horizon of event time, then stays level)');
    console.log(`  inside the server: ${parts.join('; ')}`);
    return { ...l, rssStart: at(0.02), rssMiddle: at(0.5), rssEnd: at(1), rssPeak: mem.hwm, heapEnd: heap };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { accounts: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' } } });
  const which = positionals[0] ?? 'all';
  if (which === 'ingest' || which === 'all') {
    await benchServeIngest({
      ...(values.accounts !== undefined && { accounts: Number(values.accounts) }),
      ...(values.concurrency !== undefined && { concurrency: Number(values.concurrency) }),
      ...(values.batch !== undefined && { batch: Number(values.batch) }),
    });
  }
  if (which === 'steady' || which === 'all') {
    await benchServeSteady({ ...(values.seconds !== undefined && { seconds: Number(values.seconds) }), ...(values.rate !== undefined && { rate: Number(values.rate) }) });
  }
}
