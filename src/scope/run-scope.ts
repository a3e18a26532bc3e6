/**
 * The scope stage: from chosen alerts (and the pivots they lead to) to `affected_accounts.csv`
 * and `summary.json` — who was affected, and what of theirs reached the attacker.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Indicator, Severity } from '../model/index.js';
import { answersPivots, type AlertStore, type ScopeAggregates, type ScopeStore } from '../store/index.js';
import { chooseScope } from './choose.js';
import { expandPivots, type PivotOptions, type PivotResult } from './pivot.js';
import { buildSummary, type PivotSummary } from './summary.js';
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
  /** Which pivots to follow (default all; `{steps: []}` follows none). */
  readonly pivots?: PivotOptions;
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
  // Pivots need the store's optional pivot queries; without them the summary says so.
  const canPivot = answersPivots(store);
  const piv = canPivot ? await expandPivots(store, choice.alerts, choice.indicators, opts.pivots) : noPivots(choice.indicators);
  // One query object for both calls: the store computes the matching requests once.
  const q = { indicators: piv.indicators };
  const csv = join(opts.out, 'affected_accounts.csv');
  const written = await writeAffectedCsv(store.affectedAccounts(q), csv);
  const agg = await store.scopeAggregates(q);
  // What the pivots added, against the alerts' own indicators (a second query only when they added any).
  const base = piv.added.length === 0 ? agg : await store.scopeAggregates({ indicators: choice.indicators });
  const requests = (a: typeof agg): number => a.by_day.reduce((n, d) => n + d.requests, 0);
  const pivots: PivotSummary = {
    steps: piv.steps, sources: { attacker: piv.sources.attacker.length, shared: piv.sources.shared.length },
    tokens_added: piv.added.length,
    accounts_added: agg.accounts_affected - base.accounts_affected, requests_added: requests(agg) - requests(base),
    ...(!canPivot && { unavailable: 'this store answers no pivot queries (the ClickHouse backend has none yet)' }),
  };
  const u = choice.unverifiable;
  const uAgg = u.indicators.length === 0 ? EMPTY : await store.scopeAggregates({ indicators: u.indicators });
  const summary = buildSummary(agg, choice.alerts, piv.indicators, {
    pivots,
    unverifiable: { included: u.included, alerts: u.alerts, tokens: new Set(u.indicators.filter((i) => i.type === 'token').map((i) => i.value)).size, agg: uAgg },
    retracted: choice.retracted,
  });
  const summaryPath = join(opts.out, 'summary.json');
  await writeFile(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  return {
    alerts: choice.alerts.length, indicators: piv.indicators.length,
    accounts_affected: written.accounts, requests: written.requests, csv, summary: summaryPath,
  };
}

/** What a scope run follows when the store cannot pivot: the alerts' own indicators. */
function noPivots(indicators: readonly Indicator[]): PivotResult {
  return { indicators: [...indicators], added: [], steps: [], sources: { attacker: [], shared: [] } };
}
