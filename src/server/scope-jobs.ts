/**
 * Scope jobs: `runScope` from the scope stage, started in the background against the live
 * store, one folder per job under the state folder (`scope/<job>/affected_accounts.csv`,
 * `summary.json`). Jobs are kept in memory for status; their folders stay on disk.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Severity } from '../model/index.js';
import type { AlertStore, ScopeStore } from '../store/index.js';
import { runScope, type PivotOptions } from '../scope/index.js';

/** One job's state. */
export interface ScopeJob {
  readonly job_id: string;
  status: 'running' | 'done' | 'failed';
  result?: unknown;
  error?: string;
  readonly dir: string;
  readonly started_by: string;
}

/** Starts and tracks scope jobs. */
export class ScopeJobs {
  private readonly jobs = new Map<string, ScopeJob>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly store: ScopeStore & AlertStore, private readonly root: string) {}

  /** Starts a job; returns at once. */
  start(by: string, opts: { minSeverity?: Severity; alertIds?: readonly string[]; pivots?: PivotOptions }): ScopeJob {
    const job_id = randomUUID();
    const dir = join(this.root, job_id);
    const job: ScopeJob = { job_id, status: 'running', dir, started_by: by };
    this.jobs.set(job_id, job);
    const p = runScope(this.store, { out: dir, ...opts })
      .then(async (r) => {
        job.result = JSON.parse(await readFile(r.summary, 'utf8')) as unknown;
        job.status = 'done';
      })
      .catch((e: unknown) => {
        job.status = 'failed';
        job.error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
    return job;
  }

  get(id: string): ScopeJob | undefined {
    return this.jobs.get(id);
  }

  /** Waits for running jobs (shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
