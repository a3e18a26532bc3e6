/**
 * Scope jobs: `runScope` from the scope stage against the live store, one folder per job under
 * the state folder (`scope/<job>/affected_accounts.csv`, `summary.json`; folders 0700, files
 * 0600: they list the affected people). At most `maxRunning` jobs run at once and `maxQueued`
 * wait; a job past that is refused (the route answers 429), so a burst of requests cannot run
 * the store out of memory. Finished jobs are kept up to `keepJobs` and `keepMs`; older ones
 * are forgotten and their folders removed. Each job's queries have their own scratch state in
 * the store, so concurrent jobs never see each other's.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Severity } from '../model/index.js';
import type { AlertStore, ScopeStore } from '../store/index.js';
import { runScope, type PivotOptions } from '../scope/index.js';

/** One job's state. */
export interface ScopeJob {
  readonly job_id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  result?: unknown;
  error?: string;
  readonly dir: string;
  readonly started_by: string;
  /** Wall time it finished (for pruning). */
  finishedAt?: number;
}

/** Limits of {@link ScopeJobs}. */
export interface ScopeJobLimits {
  readonly maxRunning: number;
  readonly maxQueued: number;
  readonly keepJobs: number;
  readonly keepMs: number;
}

/** What a job scopes. */
export interface ScopeJobRequest { minSeverity?: Severity; alertIds?: readonly string[]; pivots?: PivotOptions }

/** Starts, queues, tracks and prunes scope jobs. */
export class ScopeJobs {
  private readonly jobs = new Map<string, ScopeJob>();
  private readonly waiting: { job: ScopeJob; req: ScopeJobRequest }[] = [];
  private readonly running = new Set<Promise<void>>();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: ScopeStore & AlertStore,
    private readonly root: string,
    private readonly limits: ScopeJobLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the root folder (0700) and removes folders a previous run left behind. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await chmod(this.root, 0o700);
      // Jobs live in memory only: a folder from an earlier run is no job's any more.
      for (const name of await readdir(this.root)) await rm(join(this.root, name), { recursive: true, force: true });
    })();
    return this.ready;
  }

  /** Queues a job; `undefined` when the queue is full (nothing was started). */
  start(by: string, req: ScopeJobRequest): ScopeJob | undefined {
    this.prune();
    if (this.running.size >= this.limits.maxRunning && this.waiting.length >= this.limits.maxQueued) return undefined;
    const job_id = randomUUID();
    const job: ScopeJob = { job_id, status: 'queued', dir: join(this.root, job_id), started_by: by };
    this.jobs.set(job_id, job);
    this.waiting.push({ job, req });
    this.pump();
    return job;
  }

  get(id: string): ScopeJob | undefined {
    this.prune();
    return this.jobs.get(id);
  }

  /** Jobs waiting or running. */
  get active(): number {
    return this.waiting.length + this.running.size;
  }

  /** Waits for running and queued jobs (shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private pump(): void {
    while (this.running.size < this.limits.maxRunning) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      const p: Promise<void> = this.run(next.job, next.req).finally(() => {
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
  }

  private async run(job: ScopeJob, req: ScopeJobRequest): Promise<void> {
    job.status = 'running';
    try {
      await this.prepare();
      await mkdir(job.dir, { mode: 0o700 });
      const r = await runScope(this.store, { out: job.dir, ...req });
      for (const f of [r.csv, r.summary]) await chmod(f, 0o600);
      job.result = JSON.parse(await readFile(r.summary, 'utf8')) as unknown;
      job.status = 'done';
    } catch (e) {
      job.status = 'failed';
      job.error = e instanceof Error ? e.message : String(e);
    }
    job.finishedAt = this.now();
    this.prune();
  }

  /** Forgets finished jobs past the age or count limit and removes their folders. */
  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== undefined)
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    const cutoff = this.now() - this.limits.keepMs;
    finished.forEach((j, i) => {
      if (i < this.limits.keepJobs && (j.finishedAt ?? 0) >= cutoff) return;
      this.jobs.delete(j.job_id);
      void rm(j.dir, { recursive: true, force: true }).catch(() => undefined);
    });
  }
}
