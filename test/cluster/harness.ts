/**
 * What the cluster tests and the cluster benchmark share: simulations, the reference flags,
 * one-process hunts, `ship` and `worker` as a user runs them (the built CLI), and reading a
 * store's alerts and scope.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openStore } from '../../src/compose/index.js';
import type { Alert } from '../../src/model/index.js';
import { BIN, runCli } from '../e2e/run-cli.js';

/** Simulates `scenario` into `dir/name`; returns its folder. */
export async function simulateInto(dir: string, name: string, scenario: string, accounts: number, days: number): Promise<string> {
  const out = join(dir, name);
  const r = await runCli(['simulate', '--scenario', scenario, '--accounts', String(accounts), '--days', String(days), '--seed', '7', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

/** The reference-data flags of a simulation (all a worker or a hunt reads). */
export function refFlags(sim: string): string[] {
  return ['--keys', join(sim, 'keys.json'), '--staff', join(sim, 'staff.csv'), '--catalog', join(sim, 'catalog.yaml'),
    '--clients', join(sim, 'clients.yaml'), '--honey', join(sim, 'honey.txt')];
}

/** The input flags of a simulation. */
export function inputFlags(sim: string): string[] {
  return ['--access', join(sim, 'access'), '--ledger', join(sim, 'ledger')];
}

/** What a run leaves to compare: alerts (sorted by id) and scope's affected_accounts.csv. */
export interface Outcome {
  readonly alerts: Alert[];
  readonly csv: string;
}

/** `scope --store <url> --out <out>`: the affected accounts CSV. */
export async function scopeCsv(store: string, out: string, cwd: string): Promise<string> {
  const s = await runCli(['scope', '--store', store, '--out', out], { cwd });
  expect(s.code, s.stderr).toBe(0);
  return readFile(join(out, 'affected_accounts.csv'), 'utf8');
}

/** Alerts held by the store at `url`, sorted by id. */
export async function storedAlerts(url: string): Promise<Alert[]> {
  const store = await openStore(url, 'read', { mustExist: true });
  try {
    return (await store.listAlerts()).sort((a, b) => (a.alert_id < b.alert_id ? -1 : 1));
  } finally {
    await store.close();
  }
}

/** One-process hunt of `sim` into a DuckDB file, and its scope. */
export async function huntOutcome(sim: string, dir: string, name: string): Promise<Outcome> {
  const db = `duckdb:${join(dir, `${name}.duckdb`)}`;
  const h = await runCli(['hunt', ...inputFlags(sim), ...refFlags(sim), '--store', db], { cwd: dir });
  expect(h.code, h.stderr).toBe(0);
  return { alerts: await storedAlerts(db), csv: await scopeCsv(db, join(dir, `${name}-scope`), dir) };
}

/** A worker process. */
export interface WorkerProc {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The arguments of `worker --partition n` for a cluster run. */
export interface ClusterRun {
  readonly sim: string;
  readonly nats: string;
  readonly stream: string;
  readonly partitions: number;
  readonly store: string;
  readonly state: string;
  /** Subject prefix of the run (ship's and the workers'). */
  readonly subject: string;
  /** More worker flags. */
  readonly workerFlags?: readonly string[];
}

/** Starts `breachwatch worker` for partition `n`. */
export function startWorker(r: ClusterRun, n: number): WorkerProc {
  return spawnCli(['worker', '--partition', String(n), '--partitions', String(r.partitions), '--nats', r.nats, '--stream', r.stream,
    '--store', r.store, '--state', r.state, '--subject', r.subject, ...refFlags(r.sim), ...(r.workerFlags ?? [])]);
}

/** Starts the CLI with `args`, its output gathered; `stdin: 'pipe'` to feed it. */
export function spawnCli(args: readonly string[], stdin: 'pipe' | 'ignore' = 'ignore'): WorkerProc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) => {
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The worker's exit; after `ms` it is killed and the exit says so (with what it printed). */
export async function finished(w: WorkerProc, ms = 90_000): Promise<{ code: number | null; stderr: string }> {
  const timer = setTimeout(() => w.child.kill('SIGKILL'), ms);
  const r = await w.done;
  clearTimeout(timer);
  return { code: r.code, stderr: `${r.signal === 'SIGKILL' ? `killed after ${ms} ms; ` : ''}${r.stderr}${r.stdout}` };
}

/** `breachwatch ship` of `sim` to the run's stream; returns its JSON summary. */
export async function shipSim(r: ClusterRun, cwd: string, extra: readonly string[] = []): Promise<{ copiesPerEvent: number; duplicates: number; messages: number; events: number[]; stats: { totals: { lines: number; blank: number; accepted: number; quarantined: number } } }> {
  const s = await runCli(['ship', '--nats', r.nats, '--stream', r.stream, '--partitions', String(r.partitions), ...inputFlags(r.sim),
    '--keys', join(r.sim, 'keys.json'), '--catalog', join(r.sim, 'catalog.yaml'), '--quarantine', join(cwd, `${r.stream}.quarantine.ndjson`), '--json', '--subject', r.subject, ...extra], { cwd });
  expect(s.code, s.stderr).toBe(0);
  return JSON.parse(s.stdout) as Awaited<ReturnType<typeof shipSim>>;
}

/** Polls `check` every 25 ms until it holds; fails with `what` after `ms`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The fields the equivalence is judged on, and the whole alert. */
export function alertKeys(alerts: readonly Alert[]): { id: string; detector: string; severity: string; detected_at: string }[] {
  return alerts.map((a) => ({ id: a.alert_id, detector: a.detector, severity: a.severity, detected_at: a.detected_at }));
}
