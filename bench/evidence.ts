/**
 * Evidence-log benchmark (issue 11): request-line hashes appended per second, for `events`
 * (default 10M) synthetic contract access lines (~400 bytes, from the Sigma benchmark's
 * generator), next to SHA-256 alone over the same lines in the same run (measured before and
 * after; the ratio uses their mean). The evidence path is what a caller does: SHA-256 of the
 * line, a `request_line` entry {file, line, sha256}, `appendMany` (canonical JSON, leaf and
 * node hashes on the tree-hasher thread, durable commits). Then a checkpoint is signed and a
 * proof checked, so the log written is a real one. Prints both rates, the ratio (aim ≥ 50%),
 * CPU time of both (all threads), peak RSS, and bytes on disk per entry.
 * `--per-account K` appends the way `incident scope` does instead: one `account_evidence`
 * entry per account of K lines ({file, line, sha256} each, chunked at LINES_PER_ENTRY), built
 * by respond's own accountEvidenceEntries.
 * Run: npm run bench -- evidence [--events N] [--per-account K]
 */
import { hash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEvidenceLog, verifyConsistency, verifyInclusion, type NewEntry } from '../src/evidence/index.js';
import { accountEvidenceEntries } from '../src/respond/index.js';
import type { LineHash } from '../src/store/index.js';
import { accessLineIter } from './sigma.js';

/** Distinct lines held in memory; the runs cycle through them (the same bytes for both). */
const POOL = 200_000;
const FILE = 'access-2025-06-24.ndjson.gz';
/** What an account of the contract's catalog exposes (its addresses route). */
const ACCOUNT_FIELDS = ['address', 'entrance_code', 'name', 'phone'];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

function baseline(pool: readonly string[], n: number): { rate: number; cpu: number } {
  const t = performance.now();
  const c = cpuMs();
  let x = 0;
  for (let i = 0; i < n; i++) x ^= hash('sha256', pool[i % POOL]!, 'hex').charCodeAt(0);
  if (x === -1) console.log(x); // keeps the hashes alive
  return { rate: n / ((performance.now() - t) / 1000), cpu: cpuMs() - c };
}

function* entries(pool: readonly string[], n: number): Generator<NewEntry<'request_line'>> {
  for (let i = 0; i < n; i++) yield { kind: 'request_line', payload: { file: FILE, line: i + 1, sha256: hash('sha256', pool[i % POOL]!, 'hex') } };
}

/**
 * The incident path: each account's `account_evidence` entries as `incident scope` builds them
 * (respond's accountEvidenceEntries over its exposure and its K lines as the store returns them;
 * the line count is still n).
 */
function* accountEntries(pool: readonly string[], n: number, k: number): Generator<NewEntry> {
  const per = Math.max(1, k);
  const t0 = Date.parse('2025-06-24T00:00:00Z');
  for (let i = 0, a = 0; i < n; a++) {
    const lines: LineHash[] = [];
    for (let j = 0; j < per && i < n; j++, i++) lines.push({ file: FILE, line: i + 1, sha256: hash('sha256', pool[i % POOL]!, 'hex') });
    const acc = { account_id: `m-${100000 + a}`, fields: ACCOUNT_FIELDS, first_access: t0 + a, last_access: t0 + a + 3_600_000, accesses: lines.length, src_ips: [] };
    yield* accountEvidenceEntries('inc-bench', 'run-bench', acc, lines);
  }
}

async function diskBytes(dir: string): Promise<number> {
  let t = 0;
  for (const f of await readdir(dir)) t += (await stat(join(dir, f))).size;
  return t;
}

/** Runs the benchmark and prints its figures. */
export async function benchEvidence(opts: { events?: number; perAccount?: number } = {}): Promise<void> {
  const n = opts.events ?? 10_000_000;
  const pool = [...accessLineIter(Math.min(POOL, n))];
  while (pool.length < POOL) pool.push(...pool.slice(0, POOL - pool.length));
  const avg = pool.reduce((a, l) => a + Buffer.byteLength(l), 0) / POOL;
  console.log(`evidence: ${n.toLocaleString('en')} request lines (avg ${avg.toFixed(0)} bytes, ${POOL.toLocaleString('en')} distinct), ${opts.perAccount === undefined ? 'one request_line entry per line' : `one account_evidence entry per ${opts.perAccount} lines`}`);

  const b1 = baseline(pool, n);
  console.log(`  sha256 alone (before):  ${Math.round(b1.rate).toLocaleString('en')} lines/s`);
  const rssBefore = peakRss();

  const root = await mkdtemp(join(tmpdir(), 'bw-bench-evidence-'));
  try {
    const dir = join(root, 'log');
    const log = await openEvidenceLog(dir);
    const t = performance.now();
    const c = cpuMs();
    const r = await log.appendMany(opts.perAccount === undefined ? entries(pool, n) : accountEntries(pool, n, opts.perAccount));
    const entriesN = r.appended;
    const secs = (performance.now() - t) / 1000;
    const cpu = cpuMs() - c;
    const stats = log.stats();
    const rssEvidence = peakRss();
    // A real log: sign it, and check one entry's inclusion and the consistency with a prefix.
    const cp = await log.checkpoint();
    const i = Math.floor(entriesN / 3);
    const rootNow = Buffer.from(cp.checkpoint.root, 'hex');
    const proofsOk = verifyInclusion(i, entriesN, log.leafHash(i), log.inclusionProof(i), rootNow)
      && verifyConsistency(i, entriesN, log.rootAt(i), rootNow, log.consistencyProof(i));
    await log.close();
    const disk = await diskBytes(dir);

    const b2 = baseline(pool, n);
    console.log(`  sha256 alone (after):   ${Math.round(b2.rate).toLocaleString('en')} lines/s`);
    const base = (b1.rate + b2.rate) / 2;
    const rate = n / secs;
    console.log(`  evidence append:        ${Math.round(rate).toLocaleString('en')} request-line hashes/s (${secs.toFixed(1)} s, ${stats.commits} commits; waited ${(stats.hashMs / 1000).toFixed(1)} s on the tree hasher, ${(stats.writeMs / 1000).toFixed(1)} s on the disk)`);
    console.log(`  ratio:                  ${(100 * rate / base).toFixed(1)}% of sha256 alone (aim ≥ 50%)`);
    console.log(`  CPU per line:           ${(1000 * cpu / n).toFixed(2)} µs (all threads) vs ${(1000 * (b1.cpu + b2.cpu) / 2 / n).toFixed(2)} µs for sha256 alone`);
    console.log(`  peak RSS:               ${mib(rssEvidence)} (${mib(rssBefore)} before the append, the line pool included)`);
    console.log(`  on disk:                ${(disk / entriesN).toFixed(0)} bytes per entry (${entriesN.toLocaleString('en')} entries) (${mib(disk)}); proofs of entry ${i} ${proofsOk ? 'verify' : 'DO NOT VERIFY'}; root ${r.root}`);
    if (!proofsOk || (opts.perAccount === undefined && r.appended !== n)) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
