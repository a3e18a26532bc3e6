/**
 * Computing a scope (data, no files): which alerts and indicators it follows, the affected
 * accounts as a stream and the summary. Writing it out is `writeScopeFolder`; a saved scope
 * run (the response stage) stores the same computation instead of recomputing it.
 */
import type { Alert, Indicator, Severity } from '../model/index.js';
import type { AffectedAccount, AlertStore, ScopeAggregates, ScopeQuery, ScopeStore } from '../store/index.js';
import { chooseScope } from './choose.js';
import { buildSummary, type ScopeSummary, type SummaryExtras } from './summary.js';

/** Aggregates of nothing (no unverifiable alerts to count). */
const EMPTY: ScopeAggregates = { window: null, accounts_affected: 0, by_field: {}, by_day: [], sources: [] };

/** What a scope follows. */
export interface ScopeChoiceOptions {
  /** Follow alerts at or above this severity (default `high`); ignored when `alertIds` is given. */
  readonly minSeverity?: Severity;
  /** Follow exactly these alerts. */
  readonly alertIds?: readonly string[];
  /** Also follow every open alert whose verdict is `unverifiable` (default: list them apart). */
  readonly includeUnverifiable?: boolean;
}

/** A computed scope: its inputs and lazy results (the store builds the matching requests once for both). */
export interface ScopeComputation {
  readonly alerts: readonly Alert[];
  readonly indicators: readonly Indicator[];
  /** The query both results answer (pass it to `ScopeRunStore.saveScopeRun` as its indicators). */
  readonly query: ScopeQuery;
  /** Affected accounts, sorted by account_id. */
  accounts(): AsyncIterable<AffectedAccount>;
  /** The contract's summary.json. */
  summary(): Promise<ScopeSummary>;
  /** What summary.json says besides the followed alerts: the unverifiable and retracted ones (for a saved run's summary too). */
  extras(): Promise<SummaryExtras>;
}

/**
 * Chooses alerts and their indicators and returns the scope over them.
 *
 * @example
 * const c = await computeScope(store, { minSeverity: 'high' });
 * for await (const a of c.accounts()) console.log(a.account_id, a.fields);
 */
export async function computeScope(store: ScopeStore & AlertStore, opts: ScopeChoiceOptions): Promise<ScopeComputation> {
  const choice = await chooseScope(store, opts);
  // One query object for both calls: the store computes the matching requests once.
  const query: ScopeQuery = { indicators: choice.indicators };
  const u = choice.unverifiable;
  const extras = async (): Promise<SummaryExtras> => ({
    unverifiable: {
      included: u.included, alerts: u.alerts, tokens: new Set(u.indicators.filter((i) => i.type === 'token').map((i) => i.value)).size,
      agg: u.indicators.length === 0 ? EMPTY : await store.scopeAggregates({ indicators: u.indicators }),
    },
    retracted: choice.retracted,
  });
  return {
    alerts: choice.alerts,
    indicators: choice.indicators,
    query,
    accounts: () => store.affectedAccounts(query),
    summary: async () => buildSummary(await store.scopeAggregates(query), choice.alerts, choice.indicators, await extras()),
    extras,
  };
}
