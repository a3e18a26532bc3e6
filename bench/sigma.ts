/**
 * Sigma engine benchmark: events/s for contract access events (NDJSON lines in memory) against
 * (a) the shared SigmaHQ web rules, (b) 100 and 1,000 generated rules mixing contains, re, cidr
 * and equality, (c) 100 value_count correlations (some sharing windows, and none alike) — each
 * next to a parse-only baseline (JSON.parse of each line) measured in the same run. Then the
 * issue's "must show": "one source, more than N distinct accounts in 7 days" over a 60-day
 * `forged-token-swarm` simulation, memory over time and detection times next to the built-in
 * many-accounts detector (`benchSigmaSwarm`; `compareSigmaWithBuiltin` is shared with a test).
 * Run: npx tsx -e "import('./bench/sigma.ts').then(m=>m.benchSigma({events:300000}))"
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine, ManyAccountsDetector } from '../src/detect/index.js';
import type { DetectContext, Detector } from '../src/detect/index.js';
import { Catalog, QuarantineWriter, loadReference, openEventStream } from '../src/ingest/index.js';
import { simulate } from '../src/sim/index.js';
import { ACCESS_LOGSOURCES, SigmaEngine, createSigmaDetector, loadDocs, loadSigmaRules, parseRuleText } from '../src/sigma/index.js';
import type { LoadedRuleSet } from '../src/sigma/index.js';

const SHARED_WEB = new URL('../../shared/sigma/rules/web', import.meta.url).pathname;
const DAY = 86_400_000;

/** Deterministic pseudo-random integers in [0, n). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
}

const ROUTES = ['/v1/members/{id}/addresses', '/v1/members/{id}/profile', '/v1/orders', '/v1/products/{id}', '/v1/auth/login', '/v1/cart'];
const UAS = ['ShopApp/7.1 (iOS 17.5)', 'ShopApp/7.0 (Android 14)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15', 'okhttp/4.12.0', 'python-requests/2.31'];

/** Options of the synthetic access-event generator. */
export interface AccessGenOptions { accounts?: number; sources?: number; start?: number; spanMs?: number; seed?: number }

/** `n` synthetic contract access events as NDJSON lines, evenly spread over `spanMs`. */
export function accessLines(n: number, opts: AccessGenOptions = {}): string[] {
  return [...accessLineIter(n, opts)];
}

/** The same events as {@link accessLines}, generated lazily (constant memory). */
export function* accessLineIter(n: number, opts: AccessGenOptions = {}): Generator<string> {
  const r = rng(opts.seed ?? 7);
  const accounts = opts.accounts ?? 50_000;
  const sources = opts.sources ?? 20_000;
  const start = opts.start ?? Date.parse('2025-06-24T00:00:00Z');
  const step = (opts.spanMs ?? DAY) / n;
  for (let i = 0; i < n; i++) {
    const t = start + Math.floor(i * step);
    const acct = `m-${100000 + r(accounts)}`;
    const route = ROUTES[r(ROUTES.length)]!;
    const src = r(sources);
    const ip = src % 10 === 0 ? `2001:db8:${(src >> 8).toString(16)}::${(src & 255).toString(16)}` : `${11 + (src >> 16)}.${(src >> 8) & 255}.${src & 255}.${1 + r(200)}`;
    const path = route.replace('{id}', acct) + (r(20) === 0 ? `?q=${r(1000)}&sort=asc` : '');
    const iat = Math.floor(t / 1000) - r(3000);
    yield JSON.stringify({
      time: new Date(t).toISOString(), request_id: `r-${i.toString(36)}`, src_ip: ip, user_agent: UAS[r(UAS.length)], device_id: `d-${r(100000).toString(16)}`,
      method: route === '/v1/auth/login' ? 'POST' : 'GET', route, path, status: r(50) === 0 ? 404 : 200, bytes: 200 + r(4000), records: r(4),
      account_id: acct, token: { jti: `j-${i.toString(36)}-${r(1e9).toString(36)}`, kid: 'sig-2019-01', sub: acct, iat, exp: iat + 3600, client_id: 'ios' },
    });
  }
}

function word(r: (n: number) => number): string {
  const a = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 6; i++) s += a[r(26)];
  return s;
}

/** `n` detection rules: a quarter each of contains, re, cidr and equality (some hit the synthetic events). */
export function generatedRules(n: number, seed = 11): string {
  const r = rng(seed);
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const hit = r(10) === 0;
    let sel: string;
    switch (i % 4) {
      case 0: sel = `c-uri|contains: '${hit ? 'addresses' : word(r)}'`; break;
      case 1: sel = `c-uri|re: '/v1/${hit ? 'orders' : word(r)}/[a-z]+-[0-9]{3}'`; break;
      case 2: sel = `c-ip|cidr: '${hit ? 11 : 100 + r(100)}.${r(256)}.0.0/16'`; break;
      default: sel = `cs-user-agent: '${hit ? UAS[r(UAS.length)]! : `${word(r)}/1.0`}'`;
    }
    docs.push(`title: gen ${i}\nid: gen-${i}\nlogsource: {category: webserver}\ndetection:\n  sel:\n    ${sel}\n  filter:\n    sc-status: 500\n  condition: sel and not filter\nlevel: low\n`);
  }
  return docs.join('---\n');
}

/**
 * 10 base rules and `n` value_count correlations over them (group by source or user agent,
 * count accounts). Correlations on the same base rule with the same timespan differ only in
 * threshold (the engine shares their window); `distinct` gives each its own timespan.
 */
export function generatedCorrelations(n: number, distinct = false): string {
  const docs: string[] = [];
  for (let b = 0; b < 10; b++) {
    docs.push(`title: base ${b}\nname: base_${b}\nlogsource: {category: webserver}\ndetection:\n  sel:\n    c-uri|contains: '${['members', 'orders', 'products', 'profile', 'addresses', 'auth', 'cart', 'sort', 'login', 'q='][b]!}'\n  condition: sel\n`);
  }
  for (let i = 0; i < n; i++) {
    docs.push(`title: corr ${i}\nid: corr-${i}\ncorrelation:\n  type: value_count\n  rules: [base_${i % 10}]\n  group-by: [${i % 2 === 0 ? 'c-ip' : 'cs-user-agent'}]\n  timespan: ${distinct ? `${300 + 6 * i}s` : `${5 + (i % 30)}m`}\n  condition: {field: account_id, gt: ${20 + i}}\nlevel: medium\n`);
  }
  return docs.join('---\n');
}

function fromText(yaml: string): LoadedRuleSet {
  const { docs, refused } = parseRuleText('generated.yml', yaml);
  const set = loadDocs(docs, refused);
  if (refused.length > 0) throw new Error(`generated rules refused: ${refused[0]!.reason}`);
  return set;
}

/** Milliseconds to JSON.parse every line (the baseline). */
function parseOnly(lines: readonly string[]): number {
  const t0 = performance.now();
  let n = 0;
  for (const l of lines) { const o = JSON.parse(l) as { status?: number }; if (o.status === 200) n++; }
  const ms = performance.now() - t0;
  if (n < 0) console.log(n);
  return ms;
}

/**
 * Rates of parse-only and parse + engine, measured in alternating chunks of 25k lines so that
 * load changes on the machine hit both alike.
 */
function measure(lines: readonly string[], set: LoadedRuleSet): { rate: number; base: number; matches: number; firings: number; updates: number; windows: number; groups: number } {
  const eng = new SigmaEngine(set, { logsources: ACCESS_LOGSOURCES });
  let matches = 0, firings = 0, baseMs = 0, engMs = 0;
  const sink = { onMatch: () => { matches++; }, onFiring: () => { firings++; } };
  const CHUNK = 25_000;
  for (let i = 0; i < lines.length; i += CHUNK) {
    const chunk = lines.slice(i, i + CHUNK);
    baseMs += parseOnly(chunk);
    const t0 = performance.now();
    for (const l of chunk) {
      const o = JSON.parse(l) as Record<string, unknown>;
      eng.process(o, Date.parse(o['time'] as string), sink);
    }
    engMs += performance.now() - t0;
  }
  return { rate: lines.length / (engMs / 1000), base: lines.length / (baseMs / 1000), matches, firings, updates: eng.stats.occurrences / lines.length, windows: eng.windowCount(), groups: eng.liveGroups() };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Prints the benchmark figures. */
export async function benchSigma(opts: { events?: number; swarm?: Parameters<typeof benchSigmaSwarm>[0] | false } = {}): Promise<void> {
  const n = opts.events ?? 500_000;
  console.log(`sigma bench: generating ${fmt(n)} access events…`);
  const lines = accessLines(n);
  const web = await loadSigmaRules([SHARED_WEB]);
  const cases: [string, LoadedRuleSet][] = [
    [`(a) shared web rules (${web.rules.detections.length} loaded, ${web.refused.length} refused)`, web.rules],
    ['(b) 100 generated rules', fromText(generatedRules(100))],
    ['(b) 1,000 generated rules', fromText(generatedRules(1000))],
    ['(c) 100 value_count correlations', fromText(generatedCorrelations(100))],
    ['(c) 100 value_count correlations, no two alike (no shared windows)', fromText(generatedCorrelations(100, true))],
  ];
  parseOnly(lines.slice(0, 50_000)); // warm-up
  for (const [name, set] of cases) {
    measure(lines.slice(0, 20_000), set); // warm-up
    const r = measure(lines, set);
    console.log(`${name}: ${fmt(r.rate)} events/s vs parse-only ${fmt(r.base)} events/s = ${((100 * r.rate) / r.base).toFixed(1)}% (matches ${fmt(r.matches)}, firings ${fmt(r.firings)}${r.updates > 0 ? `, ${r.windows} windows, ${r.updates.toFixed(1)} window updates/event, ${fmt(r.groups)} live groups at the end` : ''})`);
  }
  if (opts.swarm !== false) await benchSigmaSwarm(opts.swarm ?? {});
}

/** The Sigma rule "one source (c-ip), more than `n` distinct accounts (cs-username) in 7 days" over every access event. */
export function manyAccountsRule(n: number): string {
  return `title: Any access event\nname: any_access\nlogsource: {category: webserver}\ndetection: {sel: {c-ip|exists: true}, condition: sel}\n---\n` +
    `title: One source, more than ${n} distinct accounts in 7 days\nid: one-source-many-accounts-7d\n` +
    `correlation: {type: value_count, rules: [any_access], group-by: [c-ip], timespan: 7d, condition: {field: cs-username, gt: ${n}}}\nlevel: high\n`;
}

/** Result of {@link compareSigmaWithBuiltin}. */
export interface SwarmComparison {
  events: number;
  /** Per source IP: detected_at (epoch ms) of the Sigma alert and of the built-in alert. */
  sigma: Map<string, number>;
  builtin: Map<string, number>;
  /** Per source IP: distinct accounts and baseline p99 in the built-in's first finding (it also requires accounts > p99). */
  builtinFirst: Map<string, { accounts: number; p99: number }>;
  /** Memory samples (every `sampleDays` of event time) and peaks. */
  samples: { t: number; events: number; liveGroups: number; stateBytes: number; heapBytes: number }[];
  peakGroups: number;
  peakStateBytes: number;
  peakHeapBytes: number;
}

/**
 * Runs a simulator output folder (`access/`, `ledger/`, keys.json, staff.csv, catalog.yaml)
 * through one detection {@link Engine} holding both the Sigma rule of {@link manyAccountsRule}
 * and the built-in many-accounts detector configured alike (7-day window only, threshold n + 1
 * since it fires at "≥", harvest-score and baseline gates opened), so both see identical events in event order.
 */
export async function compareSigmaWithBuiltin(dir: string, threshold: number, sampleDays = 5): Promise<SwarmComparison> {
  const ref = await loadReference({ keys: join(dir, 'keys.json'), staff: join(dir, 'staff.csv'), catalog: join(dir, 'catalog.yaml') });
  const list = async (sub: string): Promise<string[]> => (await readdir(join(dir, sub))).filter((f) => f.includes('.ndjson')).sort().map((f) => join(dir, sub, f));
  const sigma = createSigmaDetector(fromText(manyAccountsRule(threshold)));
  const inner = new ManyAccountsDetector({ windows: [7 * 1440], thresholds: [threshold + 1], baselineMinSources: Infinity, harvest: { minPersonalShare: 0, minRequests: 0, crowdProvenanceShare: 2 } });
  const builtinFirst = new Map<string, { accounts: number; p99: number }>();
  let wctx: DetectContext | undefined;
  const w = (ctx: DetectContext): DetectContext => (wctx ??= {
    ...ctx,
    emit: (f) => {
      if (f.entity.type === 'ip' && !builtinFirst.has(f.entity.id)) builtinFirst.set(f.entity.id, { accounts: f.accounts, p99: Number(f.details?.['baseline_p99'] ?? 0) });
      ctx.emit(f);
    },
  });
  // The built-in detector, with its first finding per source recorded on the way to the engine.
  const builtin: Detector = {
    name: inner.name,
    onEvent: (e, ctx) => { inner.onEvent(e, w(ctx)); },
    onWatermark: (t, ctx) => { inner.onWatermark(t, w(ctx)); },
    finish: (t, ctx) => { inner.finish(t, w(ctx)); },
    snapshot: () => inner.snapshot(),
    restore: (x) => { inner.restore(x); },
  };
  const engine = new Engine({ detectors: [sigma, builtin], ref });
  const stream = openEventStream({ access: await list('access'), ledger: await list('ledger'), catalog: new Catalog(ref.catalog), keys: ref.keys, strict: false, quarantine: new QuarantineWriter() });
  const out: SwarmComparison = { events: 0, sigma: new Map(), builtin: new Map(), builtinFirst, samples: [], peakGroups: 0, peakStateBytes: 0, peakHeapBytes: 0 };
  let nextSample = -Infinity, sinceCheck = 0;
  const sample = (t: number): void => {
    const s = { t, events: out.events, liveGroups: sigma.liveGroups(), stateBytes: sigma.stateBytes?.() ?? 0, heapBytes: process.memoryUsage().heapUsed };
    out.samples.push(s);
    out.peakHeapBytes = Math.max(out.peakHeapBytes, s.heapBytes);
  };
  for await (const batch of stream) {
    engine.push(batch);
    out.events += batch.length;
    const t = batch[batch.length - 1]?.t ?? 0;
    if (nextSample === -Infinity) nextSample = t + sampleDays * DAY;
    if ((sinceCheck += batch.length) >= 20_000) { // peaks: checked every ~20k events
      sinceCheck = 0;
      out.peakGroups = Math.max(out.peakGroups, sigma.liveGroups());
      out.peakStateBytes = Math.max(out.peakStateBytes, sigma.stateBytes?.() ?? 0);
    }
    if (t >= nextSample) { sample(t); nextSample += sampleDays * DAY; }
  }
  // the peaks also cover the events after the last 20k-event check
  out.peakGroups = Math.max(out.peakGroups, sigma.liveGroups());
  out.peakStateBytes = Math.max(out.peakStateBytes, sigma.stateBytes?.() ?? 0);
  engine.finish();
  sample(engine.watermark ?? 0);
  for (const a of engine.alerts()) {
    if (a.entity.type !== 'ip') continue;
    if (a.detector === 'sigma:one-source-many-accounts-7d') out.sigma.set(a.entity.id, Date.parse(a.detected_at));
    else if (a.detector === 'many-accounts-per-source') out.builtin.set(a.entity.id, Date.parse(a.detected_at));
  }
  return out;
}

/**
 * The issue's "must show": a `forged-token-swarm` simulation (cached under bench/.data),
 * Sigma vs built-in detection times per source and the Sigma state's memory over time.
 */
export async function benchSigmaSwarm(opts: { accounts?: number; days?: number; threshold?: number } = {}): Promise<SwarmComparison> {
  const accounts = opts.accounts ?? 50_000, days = opts.days ?? 60, n = opts.threshold ?? 8;
  const dir = join(import.meta.dirname, '.data', `sigma-swarm-${accounts}-${days}`);
  if (!existsSync(join(dir, 'truth.json'))) {
    console.log(`simulating forged-token-swarm: ${accounts} accounts × ${days} days → ${dir}`);
    await simulate({ scenario: 'forged-token-swarm', accounts, days, seed: 1, out: dir });
  }
  const t0 = performance.now();
  const r = await compareSigmaWithBuiltin(dir, n);
  const s = (performance.now() - t0) / 1000;
  const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
  console.log(`sigma vs built-in, forged-token-swarm ${fmt(accounts)} accounts × ${days} d, "one source, more than ${n} distinct accounts in 7 d": ${fmt(r.events)} events in ${s.toFixed(1)} s`);
  for (const x of r.samples) console.log(`  ${new Date(x.t).toISOString().slice(0, 10)}  events ${fmt(x.events).padStart(10)}  live groups ${fmt(x.liveGroups).padStart(8)}  sigma state ${mib(x.stateBytes).padStart(10)}  heap ${mib(x.heapBytes)}`);
  console.log(`  peak: live groups ${fmt(r.peakGroups)}, sigma state ${mib(r.peakStateBytes)}, heap ${mib(r.peakHeapBytes)}`);
  const both = [...r.sigma.keys()].filter((ip) => r.builtin.has(ip));
  const same = both.filter((ip) => r.sigma.get(ip) === r.builtin.get(ip));
  console.log(`  sources flagged: sigma ${r.sigma.size}, built-in ${r.builtin.size}, both ${both.length}, same detected_at ${same.length}/${both.length}`);
  const atN = both.filter((ip) => r.builtinFirst.get(ip)?.accounts === n + 1);
  console.log(`  of those, built-in fired at the threshold crossing (${n + 1} accounts): ${atN.length}, same detected_at ${atN.filter((ip) => same.includes(ip)).length}/${atN.length}`);
  for (const ip of both.filter((x) => !same.includes(x))) {
    const b = r.builtinFirst.get(ip);
    console.log(`    differs ${ip}: sigma ${new Date(r.sigma.get(ip)!).toISOString()}, built-in ${new Date(r.builtin.get(ip)!).toISOString()} at its account #${b?.accounts ?? '?'} (baseline p99 gate ${b?.p99 ?? '?'})`);
  }
  const only = (a: Map<string, number>, b: Map<string, number>): string => [...a].filter(([ip]) => !b.has(ip)).map(([ip, t]) => `${ip}@${new Date(t).toISOString()}`).join(', ');
  console.log(`  sigma only: ${only(r.sigma, r.builtin) || '-'}`);
  console.log(`  built-in only: ${only(r.builtin, r.sigma) || '-'}`);
  return r;
}
