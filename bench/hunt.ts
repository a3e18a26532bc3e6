/**
 * Hunt benchmark: throughput of `hunt` (all detectors, store loading, both cores) over
 * uncompressed NDJSON, next to a baseline measured in the same run that only reads the same
 * files and JSON.parses every line; and peak memory / state bytes per account.
 */
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../src/sim/index.js';

const run = promisify(execFile);

interface ChildResult { events: number; seconds: number; rate: number; maxRssBytes: number; stateBytes?: number; alerts?: number }

async function child(args: string[]): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hunt-child.ts'), ...args],
    { maxBuffer: 1 << 24 });
  const last = stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as ChildResult;
}

/** Peak resident memory of a live process (Linux /proc), 0 once it has gone. */
async function peakRss(pid: number): Promise<number> {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Child processes of `pid` (the CLI runs hunt in a child Node with a larger young generation). */
async function childrenOf(pid: number): Promise<number[]> {
  try {
    return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Peak memory of a process and its children, each as last sampled (their peaks added: an upper bound). */
export class TreePeak {
  private readonly peaks = new Map<number, number>();
  async sample(pid: number): Promise<void> {
    for (const p of [pid, ...await childrenOf(pid)]) this.peaks.set(p, Math.max(this.peaks.get(p) ?? 0, await peakRss(p)));
  }
  get total(): number {
    let t = 0;
    for (const v of this.peaks.values()) t += v;
    return t;
  }
}

/**
 * Runs `breachwatch hunt` exactly as a user does (the built CLI in its own process) and reads
 * its peak memory, with that of the child it runs hunt in, from /proc while it runs.
 */
async function huntCli(dir: string, db: string): Promise<ChildResult> {
  const ls = async (d: string): Promise<string[]> => (await readdir(d)).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(d, f));
  const args = [join(import.meta.dirname, '..', 'bin', 'breachwatch.mjs'), 'hunt', '--json',
    '--access', ...await ls(join(dir, 'access')), '--ledger', ...await ls(join(dir, 'ledger')),
    '--keys', join(dir, 'keys.json'), '--staff', join(dir, 'staff.csv'), '--catalog', join(dir, 'catalog.yaml'), '--db', db,
    // the client registry and the salted honey list, as a user with both would run it
    ...(existsSync(join(dir, 'clients.yaml')) ? ['--clients', join(dir, 'clients.yaml')] : []),
    ...(existsSync(join(dir, 'honey.txt')) ? ['--honey', join(dir, 'honey.txt')] : [])];
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const tree = new TreePeak();
  const timer = setInterval(() => { void tree.sample(proc.pid as number); }, 250);
  const code = await new Promise<number | null>((res) => proc.on('exit', res));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`hunt exited with ${code}`);
  const r = JSON.parse(out) as { totals: { accepted: number }; stateBytes: number; alerts: { total: number } };
  return { events: r.totals.accepted, seconds, rate: r.totals.accepted / seconds, maxRssBytes: tree.total, stateBytes: r.stateBytes, alerts: r.alerts.total };
}

/** Simulates `accounts` × `days` (cached under bench/.data), then times baseline and hunt. */
export async function benchHunt(opts: { accounts: number; days: number; scenario?: string }): Promise<void> {
  const scenario = opts.scenario ?? 'forged-token';
  const dir = join(import.meta.dirname, '.data', `hunt-${scenario}-${opts.accounts}-${opts.days}`);
  // data simulated before the simulator planted honey accounts is simulated again
  if (!existsSync(join(dir, 'truth.json')) || !existsSync(join(dir, 'honey.txt'))) {
    console.log(`simulating ${scenario}: ${opts.accounts} accounts × ${opts.days} days → ${dir}`);
    await simulate({ scenario: scenario as 'forged-token', accounts: opts.accounts, days: opts.days, seed: 1, out: dir });
  }
  const base = await child(['baseline', dir]);
  await run('npm', ['run', 'build', '--silent'], { cwd: join(import.meta.dirname, '..') });
  const h = await huntCli(dir, join(dir, 'bench.duckdb'));
  const base2 = await child(['baseline', dir]);
  const baseRate = Math.max(base.rate, base2.rate);
  const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
  console.log(`hunt benchmark (${scenario}, ${opts.accounts} accounts × ${opts.days} days)`);
  console.log(`  baseline (read + JSON.parse only): ${Math.round(baseRate).toLocaleString('en-US')} lines/s ` +
    `(best of 2 runs: ${Math.round(base.rate)}, ${Math.round(base2.rate)}; ${base.events} lines)`);
  console.log(`  hunt (the CLI, all detectors + store): ${Math.round(h.rate).toLocaleString('en-US')} events/s ` +
    `(${h.events} events, ${h.seconds.toFixed(1)} s, ${h.alerts ?? 0} alerts)`);
  console.log(`  ratio hunt / baseline:             ${(100 * h.rate / baseRate).toFixed(1)}%  (aim ≥ 50%)`);
  console.log(`  peak RSS: hunt ${mib(h.maxRssBytes)}, baseline ${mib(base.maxRssBytes)}  (aim ≤ 1 GiB)`);
  console.log(`  detector state: ${mib(h.stateBytes ?? 0)} = ${((h.stateBytes ?? 0) / opts.accounts).toFixed(1)} bytes/account; ` +
    `peak RSS per account ${(h.maxRssBytes / opts.accounts).toFixed(0)} bytes`);
}
