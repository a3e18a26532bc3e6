/**
 * Builds `summary.json` (contract shape) from the store's aggregates and the chosen alerts
 * and indicators, plus what the contract allows beside it: the `unverifiable` section (alerts
 * whose tokens the ledger could not settle, what following them would add, and whether they
 * were followed) and the retracted alerts left out. Pure: no I/O, times formatted as RFC 3339.
 */
import { toRfc3339 } from '../model/index.js';
import type { Alert, Indicator } from '../model/index.js';
import type { ScopeAggregates } from '../store/index.js';

/** The contract's summary.json. */
export interface ScopeSummary {
  readonly window: { from: string | null; to: string | null };
  readonly accounts_affected: number;
  readonly by_field: Record<string, number>;
  readonly by_day: readonly { day: string; requests: number; accounts: number }[];
  readonly sources: readonly {
    ip: string; country?: string; asn?: string; requests: number; accounts: number; first: string; last: string;
  }[];
  readonly indicators: { ips: string[]; kids: string[]; tokens: number };
  /** Alerts with verdict `unverifiable`, listed apart; `included` when this run followed them. */
  readonly unverifiable: {
    included: boolean; alerts: string[]; tokens: number; accounts: number; requests: number;
  };
  /** Chosen alerts that later evidence retracted (not followed). */
  readonly retracted_alerts: string[];
}

/** What the summary says about the unverifiable alerts and the retracted ones. */
export interface SummaryExtras {
  readonly unverifiable: { readonly included: boolean; readonly alerts: readonly Alert[]; readonly tokens: number; readonly agg: ScopeAggregates };
  readonly retracted: readonly Alert[];
}

const uniqSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Summary of one scope run. `kids` are the entity ids of the chosen `key` alerts. */
export function buildSummary(agg: ScopeAggregates, alerts: readonly Alert[], indicators: readonly Indicator[], extras?: SummaryExtras): ScopeSummary {
  const u = extras?.unverifiable;
  return {
    window: agg.window === null ? { from: null, to: null } : { from: toRfc3339(agg.window.from), to: toRfc3339(agg.window.to) },
    accounts_affected: agg.accounts_affected,
    by_field: agg.by_field,
    by_day: agg.by_day,
    sources: agg.sources.map((s) => ({ ...s, first: toRfc3339(s.first), last: toRfc3339(s.last) })),
    indicators: {
      ips: uniqSorted(indicators.filter((i) => i.type === 'ip').map((i) => i.value)),
      kids: uniqSorted(alerts.filter((a) => a.entity.type === 'key').map((a) => a.entity.id)),
      tokens: new Set(indicators.filter((i) => i.type === 'token').map((i) => i.value)).size,
    },
    unverifiable: {
      included: u?.included ?? false, alerts: (u?.alerts ?? []).map((a) => a.alert_id).sort(), tokens: u?.tokens ?? 0,
      accounts: u?.agg.accounts_affected ?? 0, requests: (u?.agg.by_day ?? []).reduce((n, d) => n + d.requests, 0),
    },
    retracted_alerts: (extras?.retracted ?? []).map((a) => a.alert_id).sort(),
  };
}
