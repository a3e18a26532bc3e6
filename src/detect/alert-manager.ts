/**
 * Folds detector findings into contract alerts: one alert per (detector, entity, verdict), with
 * a stable id, growing as later findings arrive (severity max, window widened; title, events
 * and accounts together from the latest finding whose totals are at least those shown, so a
 * title's numbers are the alert's; detected_at fixed at the first finding), plus the
 * indicators behind it.
 *
 * Retractions: a finding marked `revised` replaces the alert's totals, severity and title even
 * when they shrink, and may mark the alert `retracted` (with `details.retracted_reason`); an
 * indicator marked `retracted` is kept (flagged) so the store and scope can drop it. A status
 * change is announced through `onAlert` like a new alert, so sinks carry the retraction.
 */
import { SEVERITIES, toRfc3339 } from '../model/index.js';
import type { Alert, AlertStatus, Entity, Finding, Indicator, Severity, Verdict } from '../model/index.js';
import { alertId } from './alert-id.js';
import { isSuppressed, type Suppression } from './suppression.js';

const MAX_EVIDENCE = 20;

/** An indicator tied to its alert (the store's `StoredIndicator`). */
export interface AlertIndicator extends Indicator {
  readonly alert_id: string;
}

interface AlertState {
  id: string; detector: string; severity: Severity; title: string; entity: Entity;
  first: number; last: number; at: number; events: number; accounts: number;
  evidence: string[]; details: Record<string, unknown>; status: AlertStatus; verdict: Verdict | null;
  reason: string | null;
}

interface IndState { type: Indicator['type']; value: string; first: number; last: number; r?: true }

/** JSON form of an {@link AlertManager}. */
export interface AlertManagerState {
  readonly alerts: AlertState[];
  readonly indicators: [string, IndState[]][];
  readonly changed: string[];
  readonly changedInd: string[];
}

const sevRank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

/** Builds and holds alerts from findings. */
export class AlertManager {
  private readonly byId = new Map<string, AlertState>();
  /** alert ids by (detector, entity): hashing once per alert, not once per finding. */
  private readonly ids = new Map<string, string>();
  private readonly inds = new Map<string, Map<string, IndState>>();
  private changed = new Set<string>();
  private changedInd = new Set<string>();

  constructor(
    private readonly suppressions: readonly Suppression[] = [],
    private readonly onAlert?: (a: Alert) => void,
    /** When false, drained indicators are forgotten (their owner stores and merges them). */
    private readonly retainIndicators = true,
  ) {}

  /** Folds one finding in (dropped when suppressed). */
  add(f: Finding): void {
    if (this.suppressions.length > 0 && isSuppressed(f, this.suppressions)) return;
    // An unverifiable campaign is a different alert from the forged one of the same entity; the
    // forged (and every verdict-less) alert keeps the id it always had.
    const idName = f.verdict === 'unverifiable' ? `${f.detector}/unverifiable` : f.detector;
    const memo = `${idName}\n${f.entity.type}\n${f.entity.id}`;
    let id = this.ids.get(memo);
    if (id === undefined) {
      id = alertId(idName, f.entity);
      this.ids.set(memo, id);
    }
    let a = this.byId.get(id);
    let notify = false;
    const status: AlertStatus = f.revised?.retracted === true ? 'retracted' : 'open';
    if (a === undefined) {
      a = {
        id, detector: f.detector, severity: f.severity, title: f.title, entity: { type: f.entity.type, id: f.entity.id },
        first: f.first_seen, last: f.last_seen, at: f.at, events: f.events, accounts: f.accounts,
        evidence: [], details: f.details ?? {}, status, verdict: f.verdict ?? null,
        reason: status === 'retracted' ? f.revised?.reason ?? null : null,
      };
      this.byId.set(id, a);
      notify = true;
    } else if (f.revised !== undefined) {
      notify = status !== a.status || sevRank(f.severity) > sevRank(a.severity);
      a.severity = f.severity;
      a.title = f.title;
      a.status = status;
      a.reason = status === 'retracted' ? f.revised.reason ?? null : null;
      a.first = Math.min(a.first, f.first_seen);
      a.last = Math.max(a.last, f.last_seen);
      a.events = f.events;
      a.accounts = f.accounts;
      if (f.details !== undefined) a.details = f.details;
    } else {
      const rank = sevRank(f.severity) - sevRank(a.severity);
      if (rank > 0) {
        a.severity = f.severity;
        notify = true;
      }
      // Titles carry running totals ("read personal data of 41 accounts"): title and counts
      // always come from one finding, the latest whose totals are at least those shown, so the
      // title never disagrees with the counts beside it.
      if (f.events >= a.events && f.accounts >= a.accounts) {
        a.title = f.title;
        a.events = f.events;
        a.accounts = f.accounts;
      }
      a.first = Math.min(a.first, f.first_seen);
      a.last = Math.max(a.last, f.last_seen);
      if (f.details !== undefined) a.details = f.details;
    }
    if (f.evidence !== undefined) {
      for (const r of f.evidence) {
        if (a.evidence.length >= MAX_EVIDENCE) break;
        if (!a.evidence.includes(r)) a.evidence.push(r);
      }
    }
    if (f.indicators !== undefined) this.addIndicators(id, f.indicators);
    this.changed.add(id);
    if (notify && this.onAlert !== undefined) this.onAlert(toAlert(a));
  }

  /** All alerts, sorted by detected_at then alert_id. */
  alerts(): Alert[] {
    return sortStates([...this.byId.values()]).map(toAlert);
  }

  /** Alerts created or updated since the previous call. */
  drainChanged(): Alert[] {
    const out: AlertState[] = [];
    for (const id of this.changed) {
      const a = this.byId.get(id);
      if (a !== undefined) out.push(a);
    }
    this.changed = new Set();
    return sortStates(out).map(toAlert);
  }

  /** Indicators added or widened since the previous call (full current window each). */
  drainIndicators(): AlertIndicator[] {
    const out: AlertIndicator[] = [];
    for (const k of this.changedInd) {
      const nl = k.indexOf('\n');
      const id = k.slice(0, nl);
      const m = this.inds.get(id);
      const key = k.slice(nl + 1);
      const s = m?.get(key);
      if (s === undefined) continue;
      out.push(toInd(id, s));
      if (!this.retainIndicators) m?.delete(key);
    }
    this.changedInd = new Set();
    return out;
  }

  /** Every indicator of one alert (or of all alerts), sorted by type then value. */
  indicators(alertId?: string): AlertIndicator[] {
    const out: AlertIndicator[] = [];
    for (const [id, m] of this.inds) {
      if (alertId !== undefined && id !== alertId) continue;
      for (const s of m.values()) out.push(toInd(id, s));
    }
    return out.sort((a, b) => cmp(a.alert_id, b.alert_id) || cmp(a.type, b.type) || cmp(a.value, b.value));
  }

  /** Approximate bytes held. */
  bytes(): number {
    let b = this.byId.size * 600;
    for (const m of this.inds.values()) b += m.size * 120;
    return b;
  }

  snapshot(): AlertManagerState {
    return {
      alerts: [...this.byId.values()],
      indicators: [...this.inds].map(([id, m]) => [id, [...m.values()]]),
      changed: [...this.changed],
      changedInd: [...this.changedInd],
    };
  }

  restore(s: AlertManagerState): void {
    this.byId.clear();
    this.inds.clear();
    for (const a of s.alerts) this.byId.set(a.id, { ...a, evidence: [...a.evidence], details: { ...a.details } });
    for (const [id, list] of s.indicators) {
      this.inds.set(id, new Map(list.map((i) => [`${i.type}\n${i.value}`, { ...i }])));
    }
    this.changed = new Set(s.changed);
    this.changedInd = new Set(s.changedInd);
  }

  private addIndicators(id: string, list: readonly Indicator[]): void {
    let m = this.inds.get(id);
    if (m === undefined) {
      m = new Map();
      this.inds.set(id, m);
    }
    for (const i of list) {
      const k = `${i.type}\n${i.value}`;
      const s = m.get(k);
      if (s === undefined) {
        const n: IndState = { type: i.type, value: i.value, first: i.first_seen, last: i.last_seen };
        if (i.retracted === true) n.r = true;
        m.set(k, n);
      } else if ((i.retracted === true) !== (s.r === true)) {
        // withdrawn, or judged bad again after a withdrawal
        if (i.retracted === true) s.r = true;
        else delete s.r;
        s.first = Math.min(s.first, i.first_seen);
        s.last = Math.max(s.last, i.last_seen);
      } else if (i.first_seen < s.first || i.last_seen > s.last) {
        s.first = Math.min(s.first, i.first_seen);
        s.last = Math.max(s.last, i.last_seen);
      } else {
        continue;
      }
      this.changedInd.add(`${id}\n${k}`);
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortStates(list: AlertState[]): AlertState[] {
  return list.sort((a, b) => a.at - b.at || cmp(a.id, b.id));
}

function toInd(alert_id: string, s: IndState): AlertIndicator {
  const i = { alert_id, type: s.type, value: s.value, first_seen: s.first, last_seen: s.last };
  return s.r === true ? { ...i, retracted: true } : i;
}

function toAlert(a: AlertState): Alert {
  return {
    alert_id: a.id, detector: a.detector, severity: a.severity, title: a.title, entity: a.entity,
    first_seen: toRfc3339(a.first), last_seen: toRfc3339(a.last), detected_at: toRfc3339(a.at),
    events: a.events, accounts: a.accounts, evidence: [...a.evidence],
    details: a.status === 'retracted' && a.reason !== null ? { ...a.details, retracted_reason: a.reason } : a.details,
    status: a.status,
    ...(a.verdict !== null && { verdict: a.verdict }),
  };
}
