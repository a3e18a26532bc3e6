/**
 * Computing a scope (data, no files): which alerts and indicators it follows (the alerts' own
 * and those the pivots add), the affected accounts as a stream and the summary. Writing it out
 * is `writeScopeFolder`; a saved scope run (the response stage) stores the same computation
 * instead of recomputing it.
 */
import type { Alert, Indicator, Severity } from '../model/index.js';
import { answersPivots } from '../store/index.js';
import type { AffectedAccount, AlertStore, ScopeAggregates, ScopeQuery, ScopeStore } from '../store/index.js';
import { chooseScope } from './choose.js';
import { expandPivots, type PivotOptions, type PivotResult } from './pivot.js';
import { buildSummary, type PivotSummary, type ScopeSummary, type SummaryExtras } from './summary.js';

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
  /** Which pivots to follow (default all; `{steps: []}` follows none). */
  readonly pivots?: PivotOptions;
}

/** A computed scope: its inputs and lazy results (the store builds the matching requests once for both). */
export interface ScopeComputation {
  readonly alerts: readonly Alert[];
  /** Everything the scope follows: the alerts' own indicators and what the pivots added. */
  readonly indicators: readonly Indicator[];
  /** The query both results answer (pass it to `ScopeRunStore.saveScopeRun` as its indicators). */
  readonly query: ScopeQuery;
  /** Affected accounts, sorted by account_id. */
  accounts(): AsyncIterable<AffectedAccount>;
  /** The contract's summary.json. */
  summary(): Promise<ScopeSummary>;
  /** What summary.json says besides the followed alerts: pivots, the unverifiable and retracted alerts (for a saved run's summary too). */
  extras(): Promise<SummaryExtras>;
}

/**
 * Chooses alerts and their indicators, follows the pivots, and returns the scope over them.
 *
 * @example
 * const c = await computeScope(store, { minSeverity: 'high' });
 * for await (const a of c.accounts()) console.log(a.account_id, a.fields);
 */
export async function computeScope(store: ScopeStore & AlertStore, opts: ScopeChoiceOptions): Promise<ScopeComputation> {
  const choice = await chooseScope(store, opts);
  // Pivots need the store's optional pivot queries; without them the summary says so.
  const canPivot = answersPivots(store);
  const piv = canPivot ? await expandPivots(store, choice.alerts, choice.indicators, opts.pivots) : noPivots(choice.indicators);
  // One query object for every call: the store computes the matching requests once.
  const query: ScopeQuery = { indicators: piv.indicators };
  const u = choice.unverifiable;
  const pivotSummary = async (agg: ScopeAggregates): Promise<PivotSummary> => {
    // What the pivots added, against the alerts' own indicators (a second query only when they added any).
    const base = piv.added.length === 0 ? agg : await store.scopeAggregates({ indicators: choice.indicators });
    const requests = (a: ScopeAggregates): number => a.by_day.reduce((n, d) => n + d.requests, 0);
    return {
      steps: piv.steps, sources: { attacker: piv.sources.attacker.length, shared: piv.sources.shared.length },
      tokens_added: piv.added.length,
      accounts_added: agg.accounts_affected - base.accounts_affected, requests_added: requests(agg) - requests(base),
      ...(!canPivot && { unavailable: 'this store answers no pivot queries' }),
    };
  };
  const extrasOf = async (agg: ScopeAggregates): Promise<SummaryExtras> => ({
    pivots: await pivotSummary(agg),
    unverifiable: {
      included: u.included, alerts: u.alerts, tokens: new Set(u.indicators.filter((i) => i.type === 'token').map((i) => i.value)).size,
      agg: u.indicators.length === 0 ? EMPTY : await store.scopeAggregates({ indicators: u.indicators }),
    },
    retracted: choice.retracted,
  });
  return {
    alerts: choice.alerts,
    indicators: piv.indicators,
    query,
    accounts: () => store.affectedAccounts(query),
    summary: async () => {
      const agg = await store.scopeAggregates(query);
      return buildSummary(agg, choice.alerts, piv.indicators, await extrasOf(agg));
    },
    extras: async () => extrasOf(await store.scopeAggregates(query)),
  };
}

/** What a scope follows when the store cannot pivot: the alerts' own indicators. */
function noPivots(indicators: readonly Indicator[]): PivotResult {
  return { indicators: [...indicators], added: [], steps: [], sources: { attacker: [], shared: [] } };
}
