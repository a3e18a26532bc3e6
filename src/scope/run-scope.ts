/**
 * The scope stage: from chosen alerts to `affected_accounts.csv` and `summary.json` —
 * who was affected, and what of theirs reached the attacker.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Severity } from '../model/index.js';
import type { AlertStore, ScopeAggregates, ScopeStore } from '../store/index.js';
import { chooseScope } from './choose.js';
import { buildSummary } from './summary.js';
import { writeAffectedCsv } from './write-csv.js';

/** What to scope and where to write it. */
export interface ScopeOptions {
  /** Follow alerts at or above this severity (default `high`); ignored when `alertIds` is given. */
  readonly minSeverity?: Severity;
  /** Follow exactly these alerts. */
  readonly alertIds?: readonly string[];
  /** Also follow every open alert whose verdict is `unverifiable` (default: list them apart). */
  readonly includeUnverifiable?: boolean;
  /** Output folder (created if missing). */
  readonly out: string;
}

const EMPTY: ScopeAggregates = { window: null, accounts_affected: 0, by_field: {}, by_day: [], sources: [] };

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
  const choice = await chooseScope(store, opts);
  await mkdir(opts.out, { recursive: true });
  // One query object for both calls: the store computes the matching requests once.
  const q = { indicators: choice.indicators };
  const csv = join(opts.out, 'affected_accounts.csv');
  const written = await writeAffectedCsv(store.affectedAccounts(q), csv);
  const u = choice.unverifiable;
  const uAgg = u.indicators.length === 0 ? EMPTY : await store.scopeAggregates({ indicators: u.indicators });
  const summary = buildSummary(await store.scopeAggregates(q), choice.alerts, choice.indicators, {
    unverifiable: { included: u.included, alerts: u.alerts, tokens: new Set(u.indicators.filter((i) => i.type === 'token').map((i) => i.value)).size, agg: uAgg },
    retracted: choice.retracted,
  });
  const summaryPath = join(opts.out, 'summary.json');
  await writeFile(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  return {
    alerts: choice.alerts.length, indicators: choice.indicators.length,
    accounts_affected: written.accounts, requests: written.requests, csv, summary: summaryPath,
  };
}
