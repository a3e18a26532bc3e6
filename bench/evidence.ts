/**
 * Evidence-log benchmark (issue 11): request-line hashes appended per second, for `events`
 * (default 10M) synthetic contract access lines (~400 bytes, from the Sigma benchmark's
 * generator), next to SHA-256 alone over the same lines in the same run (measured before and
 * after; the ratio uses their mean). The evidence path is what a caller does: SHA-256 of the
 * line, a `request_line` entry {file, line, sha256}, `appendMany` (canonical JSON, leaf and
 * node hashes on the tree-hasher thread, durable commits). Then a checkpoint is signed and a
 * proof checked, so the log written is a real one. Prints both rates, the ratio (aim ≥ 50%),
 * CPU time of both (all threads), peak RSS, and bytes on disk per entry.
 * Run: npm run bench -- evidence [--events N]
 */
import { hash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEvidenceLog, verifyConsistency, verifyInclusion, type NewEntry } from '../src/evidence/index.js';
import { accessLineIter } from './sigma.js';

/** Distinct lines held in memory; the runs cycle through them (the same bytes for both). */
const POOL = 200_000;
const FILE = 'access-2025-06-24.ndjson.gz';

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

async function diskBytes(dir: string): Promise<number> {
  let t = 0;
  for (const f of await readdir(dir)) t += (await stat(join(dir, f))).size;
  return t;
}

/** Runs the benchmark and prints its figures. */
export async function benchEvidence(opts: { events?: number } = {}): Promise<void> {
  const n = opts.events ?? 10_000_000;
  const pool = [...accessLineIter(Math.min(POOL, n))];
  while (pool.length < POOL) pool.push(...pool.slice(0, POOL - pool.length));
  const avg = pool.reduce((a, l) => a + Buffer.byteLength(l), 0) / POOL;
  console.log(`evidence: ${n.toLocaleString('en')} request lines (avg ${avg.toFixed(0)} bytes, ${POOL.toLocaleString('en')} distinct)`);

  const b1 = baseline(pool, n);
  console.log(`  sha256 alone (before):  ${Math.round(b1.rate).toLocaleString('en')} lines/s`);
  const rssBefore = peakRss();

  const root = await mkdtemp(join(tmpdir(), 'bw-bench-evidence-'));
  try {
    const dir = join(root, 'log');
    const log = await openEvidenceLog(dir);
    const t = performance.now();
    const c = cpuMs();
    const r = await log.appendMany(entries(pool, n));
    const secs = (performance.now() - t) / 1000;
    const cpu = cpuMs() - c;
    const stats = log.stats();
    const rssEvidence = peakRss();
    // A real log: sign it, and check one entry's inclusion and the consistency with a prefix.
    const cp = await log.checkpoint();
    const i = Math.floor(n / 3);
    const rootNow = Buffer.from(cp.checkpoint.root, 'hex');
    const proofsOk = verifyInclusion(i, n, log.leafHash(i), log.inclusionProof(i), rootNow)
      && verifyConsistency(i, n, log.rootAt(i), rootNow, log.consistencyProof(i));
    await log.close();
    const disk = await diskBytes(dir);

    const b2 = baseline(pool, n);
    console.log(`  sha256 alone (after):   ${Math.round(b2.rate).toLocaleString('en')} lines/s`);
    const base = (b1.rate + b2.rate) / 2;
    const rate = r.appended / secs;
    console.log(`  evidence append:        ${Math.round(rate).toLocaleString('en')} request-line hashes/s (${secs.toFixed(1)} s, ${stats.commits} commits; waited ${(stats.hashMs / 1000).toFixed(1)} s on the tree hasher, ${(stats.writeMs / 1000).toFixed(1)} s on the disk)`);
    console.log(`  ratio:                  ${(100 * rate / base).toFixed(1)}% of sha256 alone (aim ≥ 50%)`);
    console.log(`  CPU per line:           ${(1000 * cpu / n).toFixed(2)} µs (all threads) vs ${(1000 * (b1.cpu + b2.cpu) / 2 / n).toFixed(2)} µs for sha256 alone`);
    console.log(`  peak RSS:               ${mib(rssEvidence)} (${mib(rssBefore)} before the append, the line pool included)`);
    console.log(`  on disk:                ${(disk / n).toFixed(0)} bytes per entry (${mib(disk)}); proofs of entry ${i} ${proofsOk ? 'verify' : 'DO NOT VERIFY'}; root ${r.root}`);
    if (!proofsOk || r.appended !== n) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
