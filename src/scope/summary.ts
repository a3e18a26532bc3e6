/**
 * Builds `summary.json` (contract shape) from the store's aggregates and the chosen alerts
 * and indicators, plus what the contract allows beside it: the `pivots` section (each pivot
 * step with its counts, and what the steps added), the `unverifiable` section (alerts whose
 * tokens the ledger could not settle, what following them would add, and whether they were
 * followed) and the retracted alerts left out. Pure: no I/O, times formatted as RFC 3339.
 */
import { toRfc3339 } from '../model/index.js';
import type { Alert, Indicator } from '../model/index.js';
import type { ScopeAggregates } from '../store/index.js';
import type { PivotStepReport } from './pivot.js';

/** The summary's `pivots` section: each step with its counts, and what they added. */
export interface PivotSummary {
  readonly steps: readonly PivotStepReport[];
  /** Sources judged the attacker's alone / refused as shared with customers. */
  readonly sources: { readonly attacker: number; readonly shared: number };
  readonly tokens_added: number;
  /** Accounts and requests only the pivots reached. */
  readonly accounts_added: number;
  readonly requests_added: number;
  /** Present when the store could not pivot at all, saying why (then `steps` is empty). */
  readonly unavailable?: string;
}

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
  readonly pivots: PivotSummary;
  /** Alerts with verdict `unverifiable`, listed apart; `included` when this run followed them. */
  readonly unverifiable: {
    included: boolean; alerts: string[]; tokens: number; accounts: number; requests: number;
  };
  /** Chosen alerts that later evidence retracted (not followed). */
  readonly retracted_alerts: string[];
}

/** What the summary says beside the contract's fields: pivots, unverifiable alerts, retracted ones. */
export interface SummaryExtras {
  readonly pivots?: PivotSummary;
  readonly unverifiable?: { readonly included: boolean; readonly alerts: readonly Alert[]; readonly tokens: number; readonly agg: ScopeAggregates };
  readonly retracted?: readonly Alert[];
}

const NO_PIVOTS: PivotSummary = { steps: [], sources: { attacker: 0, shared: 0 }, tokens_added: 0, accounts_added: 0, requests_added: 0 };

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
    pivots: extras?.pivots ?? NO_PIVOTS,
    unverifiable: {
      included: u?.included ?? false, alerts: (u?.alerts ?? []).map((a) => a.alert_id).sort(), tokens: u?.tokens ?? 0,
      accounts: u?.agg.accounts_affected ?? 0, requests: (u?.agg.by_day ?? []).reduce((n, d) => n + d.requests, 0),
    },
    retracted_alerts: (extras?.retracted ?? []).map((a) => a.alert_id).sort(),
  };
}
