/**
 * The scope stage: from chosen alerts to `affected_accounts.csv` and `summary.json` —
 * who was affected, and what of theirs reached the attacker. Computing ({@link computeScope})
 * and writing ({@link writeScopeFolder}) are separate; this runs both.
 */
import type { AlertStore, ScopeStore } from '../store/index.js';
import { computeScope, type ScopeChoiceOptions } from './compute.js';
import { writeScopeFolder } from './write-folder.js';

/** What to scope and where to write it. */
export interface ScopeOptions extends ScopeChoiceOptions {
  /** Output folder (created if missing). */
  readonly out: string;
}

/** What a scope run did. */
export interface ScopeReport {
  readonly alerts: number;
  readonly indicators: number;
  readonly accounts_affected: number;
  /** Requests whose personal data reached the attacker. */
  readonly requests: number;
  readonly csv: string;
  readonly summary: string;
}

/**
 * Runs the scope stage on `store`.
 *
 * @example
 * const report = await runScope(store, { minSeverity: 'high', out: 'scope-out' });
 * console.log(report.accounts_affected, report.csv);
 */
export async function runScope(store: ScopeStore & AlertStore, opts: ScopeOptions): Promise<ScopeReport> {
  const c = await computeScope(store, opts);
  const folder = await writeScopeFolder({ accounts: c.accounts(), summary: () => c.summary() }, opts.out);
  return {
    alerts: c.alerts.length, indicators: c.indicators.length,
    accounts_affected: folder.accounts, requests: folder.requests, csv: folder.csv, summary: folder.summary,
  };
}
