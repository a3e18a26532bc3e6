/**
 * Sigma engine benchmark: events/s for contract access events (NDJSON lines in memory) against
 * (a) the shared SigmaHQ web rules, (b) 100 and 1,000 generated rules mixing contains, re, cidr
 * and equality, (c) 100 value_count correlations — each next to a parse-only baseline
 * (JSON.parse of each line) measured in the same run. Then a memory check of the correlation
 * "one source, more than N distinct accounts in 7 days" over a 60-day synthetic stream.
 */
import { parseRuleText } from '../src/sigma/document.js';
import { loadDocs, loadSigmaRules } from '../src/sigma/load.js';
import type { LoadedRuleSet } from '../src/sigma/load.js';
import { SigmaEngine } from '../src/sigma/engine.js';
import { ACCESS_LOGSOURCES } from '../src/sigma/logsource.js';

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

/** 10 base rules and `n` value_count correlations over them (group by source, count accounts). */
export function generatedCorrelations(n: number): string {
  const docs: string[] = [];
  for (let b = 0; b < 10; b++) {
    docs.push(`title: base ${b}\nname: base_${b}\nlogsource: {category: webserver}\ndetection:\n  sel:\n    c-uri|contains: '${['members', 'orders', 'products', 'profile', 'addresses', 'auth', 'cart', 'sort', 'login', 'q='][b]!}'\n  condition: sel\n`);
  }
  for (let i = 0; i < n; i++) {
    docs.push(`title: corr ${i}\nid: corr-${i}\ncorrelation:\n  type: value_count\n  rules: [base_${i % 10}]\n  group-by: [${i % 2 === 0 ? 'c-ip' : 'cs-user-agent'}]\n  timespan: ${5 + (i % 30)}m\n  condition: {field: account_id, gt: ${20 + i}}\nlevel: medium\n`);
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
function measure(lines: readonly string[], set: LoadedRuleSet): { rate: number; base: number; matches: number; firings: number; updates: number } {
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
  return { rate: lines.length / (engMs / 1000), base: lines.length / (baseMs / 1000), matches, firings, updates: eng.stats.occurrences / lines.length };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * Runs `lines` (contract access events, in time order) through the 7-day many-accounts
 * correlation at `threshold`, sampling memory. For the simulator's `forged-token-swarm`.
 */
export function sigmaMemoryCheck(lines: Iterable<string>, threshold: number): { events: number; firings: { t: number; ip: unknown; value: number }[]; maxGroups: number; maxStateBytes: number; maxHeapBytes: number } {
  const yaml = `title: read\nname: read\nlogsource: {category: webserver}\ndetection: {s: {c-uri|startswith: /v1/members/}, condition: s}\n---\ntitle: One source, many accounts in 7 days\nid: many-7d\ncorrelation: {type: value_count, rules: [read], group-by: [c-ip], timespan: 7d, condition: {field: account_id, gt: ${threshold}}}\nlevel: high\n`;
  const eng = new SigmaEngine(fromText(yaml), { logsources: ACCESS_LOGSOURCES });
  const firings: { t: number; ip: unknown; value: number }[] = [];
  let events = 0, maxGroups = 0, maxStateBytes = 0, maxHeapBytes = 0;
  const sink = { onFiring: (f: { windowEnd: number; group: Record<string, unknown>; value: number }) => { firings.push({ t: f.windowEnd, ip: f.group['c-ip'], value: f.value }); } };
  for (const l of lines) {
    const o = JSON.parse(l) as Record<string, unknown>;
    eng.process(o, Date.parse(o['time'] as string), sink);
    if (++events % 100_000 === 0) {
      maxGroups = Math.max(maxGroups, eng.liveGroups());
      maxStateBytes = Math.max(maxStateBytes, eng.stateBytes());
      maxHeapBytes = Math.max(maxHeapBytes, process.memoryUsage().heapUsed);
    }
  }
  return { events, firings, maxGroups, maxStateBytes, maxHeapBytes };
}

/** Prints the benchmark figures. */
export async function benchSigma(opts: { events?: number } = {}): Promise<void> {
  const n = opts.events ?? 500_000;
  console.log(`sigma bench: generating ${fmt(n)} access events…`);
  const lines = accessLines(n);
  const web = await loadSigmaRules([SHARED_WEB]);
  const cases: [string, LoadedRuleSet][] = [
    [`(a) shared web rules (${web.rules.detections.length} loaded, ${web.refused.length} refused)`, web.rules],
    ['(b) 100 generated rules', fromText(generatedRules(100))],
    ['(b) 1,000 generated rules', fromText(generatedRules(1000))],
    ['(c) 100 value_count correlations', fromText(generatedCorrelations(100))],
  ];
  parseOnly(lines.slice(0, 50_000)); // warm-up
  for (const [name, set] of cases) {
    measure(lines.slice(0, 20_000), set); // warm-up
    const r = measure(lines, set);
    console.log(`${name}: ${fmt(r.rate)} events/s vs parse-only ${fmt(r.base)} events/s = ${((100 * r.rate) / r.base).toFixed(1)}% (matches ${fmt(r.matches)}, firings ${fmt(r.firings)}${r.updates > 0 ? `, ${r.updates.toFixed(1)} correlation updates/event` : ''})`);
  }
  // Memory check: 60 days, 50k accounts, ordinary traffic plus one slow harvester from day 20
  // (one new account every 10 minutes), streamed so the heap shows the engine, not the input.
  const days = 60;
  const start = Date.parse('2025-06-24T00:00:00Z');
  function* stream(): Generator<string> {
    let h = 0;
    const hTime = (i: number): number => start + 20 * DAY + i * 600_000;
    for (const line of accessLineIter(3_000_000, { accounts: 50_000, sources: 30_000, spanMs: days * DAY, seed: 3 })) {
      const t = Date.parse(line.slice(9, 33));
      while (h < 3000 && hTime(h) <= t) {
        yield JSON.stringify({ time: new Date(hTime(h)).toISOString(), src_ip: '198.51.100.23', method: 'GET', route: '/v1/members/{id}/addresses', path: `/v1/members/m-${200000 + h}/addresses`, status: 200, account_id: `m-${200000 + h}` });
        h++;
      }
      yield line;
    }
  }
  const heap0 = process.memoryUsage().heapUsed;
  const m = sigmaMemoryCheck(stream(), 100);
  const first = m.firings.find((f) => f.ip === '198.51.100.23');
  // Expected: the 101st distinct account of the harvester, at day 20 + 100 × 10 min.
  const expected = new Date(start + 20 * DAY + 100 * 600_000).toISOString();
  console.log(`memory check (one source > 100 distinct accounts in 7d, ${days} days, ${fmt(m.events)} events): max live groups ${fmt(m.maxGroups)}, max correlation state ${(m.maxStateBytes / 1048576).toFixed(1)} MiB, max heap growth ${((m.maxHeapBytes - heap0) / 1048576).toFixed(0)} MiB, harvester fired at ${first ? new Date(first.t).toISOString() : 'never'} (expected ${expected}), other firings ${m.firings.length - (first ? 1 : 0)}`);
}
