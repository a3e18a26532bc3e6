/**
 * Which alerts a scope run follows and the indicators they lead to: open alerts at or above a
 * severity (or exactly the given ids), and their stored indicators that are not retracted,
 * exact duplicates removed. Alerts whose verdict is `unverifiable` are left out unless asked
 * for (`includeUnverifiable`, which then adds every open one whatever its severity); either
 * way they are gathered separately so the summary can list what they would add.
 */
import type { Alert, Indicator, Severity } from '../model/index.js';
import type { AlertStore, StoredIndicator } from '../store/index.js';

/** What a scope run follows. */
export interface ScopeChoice {
  readonly alerts: readonly Alert[];
  readonly indicators: readonly Indicator[];
  /** Open `unverifiable` alerts and their indicators (followed only when included). */
  readonly unverifiable: { readonly alerts: readonly Alert[]; readonly indicators: readonly Indicator[]; readonly included: boolean };
  /** Retracted alerts among those the severity (or ids) selected: never followed. */
  readonly retracted: readonly Alert[];
}

/** What to choose. */
export interface ChooseOptions {
  readonly minSeverity?: Severity;
  readonly alertIds?: readonly string[];
  readonly includeUnverifiable?: boolean;
}

/** Chooses alerts (`alertIds` wins over `minSeverity`, default `high`) and gathers their indicators. */
export async function chooseScope(store: AlertStore, opts: ChooseOptions): Promise<ScopeChoice> {
  const selected = opts.alertIds !== undefined
    ? await store.listAlerts({ alertIds: opts.alertIds })
    : await store.listAlerts({ minSeverity: opts.minSeverity ?? 'high' });
  const retracted = selected.filter((a) => a.status === 'retracted');
  const include = opts.includeUnverifiable === true;
  const explicit = opts.alertIds !== undefined;
  const unverifiable = (await store.listAlerts({ status: 'open' })).filter((a) => a.verdict === 'unverifiable');
  const alerts = selected.filter((a) => a.status !== 'retracted' && (explicit || include || a.verdict !== 'unverifiable'));
  if (include && !explicit) {
    const have = new Set(alerts.map((a) => a.alert_id));
    for (const a of unverifiable) if (!have.has(a.alert_id)) alerts.push(a);
  }
  return {
    alerts,
    indicators: dedup(await store.listIndicators(alerts.map((a) => a.alert_id))),
    unverifiable: {
      alerts: unverifiable,
      indicators: dedup(await store.listIndicators(unverifiable.map((a) => a.alert_id))),
      included: include || alerts.some((a) => a.verdict === 'unverifiable'),
    },
    retracted,
  };
}

function dedup(stored: readonly StoredIndicator[]): Indicator[] {
  const seen = new Set<string>();
  const out: Indicator[] = [];
  for (const s of stored) {
    const k = `${s.type}\u0000${s.value}\u0000${s.first_seen}\u0000${s.last_seen}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ type: s.type, value: s.value, first_seen: s.first_seen, last_seen: s.last_seen });
  }
  return out;
}
