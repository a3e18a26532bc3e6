/**
 * Which alerts a scope run follows and the indicators they lead to: alerts at or above a
 * severity (or exactly the given ids), and their stored indicators, exact duplicates removed.
 */
import type { Alert, Indicator, Severity } from '../model/index.js';
import type { AlertStore } from '../store/index.js';

/** What a scope run follows. */
export interface ScopeChoice {
  readonly alerts: readonly Alert[];
  readonly indicators: readonly Indicator[];
}

/** Chooses alerts (`alertIds` wins over `minSeverity`, default `high`) and gathers their indicators. */
export async function chooseScope(
  store: AlertStore,
  opts: { readonly minSeverity?: Severity; readonly alertIds?: readonly string[] },
): Promise<ScopeChoice> {
  const alerts = opts.alertIds !== undefined
    ? await store.listAlerts({ alertIds: opts.alertIds })
    : await store.listAlerts({ minSeverity: opts.minSeverity ?? 'high' });
  const stored = await store.listIndicators(alerts.map((a) => a.alert_id));
  const seen = new Set<string>();
  const indicators: Indicator[] = [];
  for (const s of stored) {
    const k = `${s.type}\u0000${s.value}\u0000${s.first_seen}\u0000${s.last_seen}`;
    if (seen.has(k)) continue;
    seen.add(k);
    indicators.push({ type: s.type, value: s.value, first_seen: s.first_seen, last_seen: s.last_seen });
  }
  return { alerts, indicators };
}
