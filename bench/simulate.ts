/**
 * Simulator benchmark: runs `breachwatch simulate` (the built CLI, in its own process) at a large
 * population and samples its resident memory from /proc every second, to show that memory is
 * bounded while the output grows; prints events/s next to the same run's read-back baseline
 * (reading the written access files and JSON.parse-ing every line) and what 1 billion events
 * would take at the measured rate. Output goes to a temporary folder, removed afterwards.
 *   npm run bench -- simulate [--accounts 5000000] [--days 2] [--scenario forged-token]
 *
 * With `--rolling`, the run is as long as asked (1 billion events: `--days 64`) on a disk far
 * smaller than its output: every day's file is counted (bytes from the file system) and removed
 * as soon as the simulator has closed it (it has, once the next day's file exists), so at most
 * about two days of files are on disk at once. The baseline is then measured on the first
 * complete day's access file before it is removed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAndParse } from './parse-baseline.js';

const ROOT = join(import.meta.dirname, '..');

async function rssOf(pid: number): Promise<{ rss: number; hwm: number } | undefined> {
  try {
    const s = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** The read-back baseline: the simulator's rate is set against it. */
async function parseBaseline(files: readonly string[]): Promise<{ lines: number; seconds: number; bytes: number }> {
  const t0 = performance.now();
  const r = await readAndParse(files);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

/** Options of {@link benchSimulate}. */
export interface SimulateBenchOptions { accounts?: number; days?: number; scenario?: string; rolling?: boolean }

/** Counts and removes the files the simulator has finished (all but the newest per folder). */
class Roller {
  bytes = 0;
  files = 0;
  maxOnDisk = 0;
  baseline: { lines: number; seconds: number; bytes: number } | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly out: string) {}

  /** Counts and removes finished files; `final` (the simulator has exited) takes every file, after any sweep under way. */
  async sweep(final: boolean): Promise<void> {
    if (this.running !== undefined) {
      if (!final) return;
      await this.running;
    }
    this.running = this.run(final);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async run(final: boolean): Promise<void> {
    let onDisk = 0;
    for (const sub of ['access', 'ledger']) {
      const dir = join(this.out, sub);
      const names = (await readdir(dir).catch(() => [] as string[])).sort();
      const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n)).catch(() => ({ size: 0 }))).size));
      for (const size of sizes) onDisk += size;
      const done = final ? names.length : names.length - 1;
      for (let i = 0; i < done; i++) {
        const f = join(dir, names[i]!);
        if (this.baseline === undefined && sub === 'access') this.baseline = await parseBaseline([f]);
        this.bytes += sizes[i]!;
        this.files++;
        await unlink(f);
      }
    }
    this.maxOnDisk = Math.max(this.maxOnDisk, onDisk);
  }
}

export async function benchSimulate(o: SimulateBenchOptions = {}): Promise<void> {
  const accounts = o.accounts ?? 5_000_000;
  const days = o.days ?? 2;
  const scenario = o.scenario ?? 'forged-token';
  const out = await mkdtemp(join(tmpdir(), 'bw-bench-sim-'));
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'breachwatch.mjs'), 'simulate', '--scenario', scenario,
      '--accounts', String(accounts), '--days', String(days), '--out', out], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const samples: { s: number; rss: number }[] = [];
    let hwm = 0;
    const roller = o.rolling === true ? new Roller(out) : undefined;
    const sweeper = roller === undefined ? undefined : setInterval(() => { void roller.sweep(false); }, 2000);
    const timer = setInterval(() => {
      void rssOf(child.pid as number).then((m) => {
        if (m === undefined) return;
        samples.push({ s: (performance.now() - t0) / 1000, rss: m.rss });
        hwm = Math.max(hwm, m.hwm);
      });
    }, 1000);
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    clearInterval(timer);
    if (sweeper !== undefined) clearInterval(sweeper);
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`simulate exited with ${code}: ${stdout.slice(-2000)}`);
    const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
    const at = (f: number): number => samples[Math.min(samples.length - 1, Math.floor(f * (samples.length - 1)))]?.rss ?? 0;
    const tenths = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((f) => (at(f) / 1048576).toFixed(0)).join(', ');
    console.log(`simulate benchmark (${scenario}, ${accounts.toLocaleString('en-US')} accounts × ${days} days, the CLI in its own process)`);
    if (roller !== undefined) {
      await roller.sweep(true);
      const report = JSON.parse(stdout) as { events: number; ledgerRecords: number };
      const lines = report.events + report.ledgerRecords;
      const rate = lines / seconds;
      const b = roller.baseline;
      console.log(`  written: ${lines.toLocaleString('en-US')} lines (${report.events.toLocaleString('en-US')} access events + ` +
        `${report.ledgerRecords.toLocaleString('en-US')} ledger records) in ${roller.files} files, ${(roller.bytes / 1e9).toFixed(1)} GB, ` +
        `in ${(seconds / 60).toFixed(1)} min = ${Math.round(rate).toLocaleString('en-US')} lines/s`);
      console.log(`  rolling: each day's file was counted and removed once closed; most on disk at once ${(roller.maxOnDisk / 1e9).toFixed(1)} GB`);
      if (b !== undefined) {
        console.log(`  baseline (read back + JSON.parse the first day's access file, ${b.lines.toLocaleString('en-US')} lines): ` +
          `${Math.round(b.lines / b.seconds).toLocaleString('en-US')} lines/s; simulate / baseline ${(100 * rate / (b.lines / b.seconds)).toFixed(0)}%`);
      }
      console.log(`  simulator RSS by tenth of the run: ${tenths} MiB; peak ${mib(hwm)}`);
      return;
    }
    const accessFiles = (await readdir(join(out, 'access'))).sort().map((f) => join(out, 'access', f));
    const ledgerFiles = (await readdir(join(out, 'ledger'))).sort().map((f) => join(out, 'ledger', f));
    const base = await parseBaseline([...accessFiles, ...ledgerFiles]);
    const rate = base.lines / seconds;
    console.log(`  written: ${base.lines.toLocaleString('en-US')} lines (access + ledger), ${(base.bytes / 1e9).toFixed(2)} GB, in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en-US')} lines/s`);
    console.log(`  baseline (read back + JSON.parse the same files): ${Math.round(base.lines / base.seconds).toLocaleString('en-US')} lines/s; simulate / baseline ${(100 * rate / (base.lines / base.seconds)).toFixed(0)}%`);
    console.log(`  simulator RSS by tenth of the run: ${tenths} MiB; peak ${mib(hwm)}`);
    const perLine = base.bytes / base.lines;
    console.log(`  1 billion events at this rate: ${(1e9 / rate / 3600).toFixed(1)} h and ${(1e9 * perLine / 1e12).toFixed(2)} TB uncompressed ` +
      `(memory does not grow with days: the population is fixed and traffic is written in 10-minute slices; ` +
      `\`--rolling --days 64\` writes it for real)`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
