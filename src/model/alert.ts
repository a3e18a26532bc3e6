/**
 * Alerts (contract output) and the findings detectors emit to build them.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Severity order, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[];

export type EntityType =
  | 'token' | 'ip' | 'subnet' | 'asn' | 'device' | 'account' | 'key' | 'client' | 'platform'
  | 'user_agent';

/** `open` (default) or `retracted`: later evidence cleared everything behind the alert. */
export type AlertStatus = 'open' | 'retracted';

/**
 * For token findings: `forged` when the ledger provably covered the token's issuance (or its
 * record contradicts the token), `unverifiable` when a feed gap, coverage edge or clock offset
 * leaves it open.
 */
export type Verdict = 'forged' | 'unverifiable';

/** What an alert is about. */
export interface Entity {
  readonly type: EntityType;
  readonly id: string;
}

/**
 * A pivot the scope stage follows from an alert to the requests that reached the attacker:
 * every personal-data response matching `type`/`value` within [`first_seen`, `last_seen`].
 */
export interface Indicator {
  /**
   * `token` = jti; `ip`; `subnet` (CIDR); `device`; `user_agent`; `actor` = token `sub` acting
   * on other accounts; `anonymous` = `METHOD route`: every response of that route to a request
   * without a token.
   */
  readonly type: 'token' | 'ip' | 'subnet' | 'device' | 'user_agent' | 'actor' | 'anonymous';
  readonly value: string;
  /** Epoch ms. */
  readonly first_seen: number;
  /** Epoch ms. */
  readonly last_seen: number;
  /** Withdrawn: later evidence cleared it (a late ledger record); scope skips it. */
  readonly retracted?: boolean;
}

/** The contract's alert record (times as RFC 3339 strings). */
export interface Alert {
  readonly alert_id: string;
  readonly detector: string;
  readonly severity: Severity;
  readonly title: string;
  readonly entity: Entity;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly detected_at: string;
  readonly events: number;
  readonly accounts: number;
  readonly evidence: readonly string[];
  readonly details: Record<string, unknown>;
  /** `retracted` (with `details.retracted_reason`) once later evidence cleared it. */
  readonly status: AlertStatus;
  readonly verdict?: Verdict;
}

/**
 * One observation from a detector. The alert manager folds findings for the same
 * (detector, entity) into one alert: severity is the highest seen, counts are the latest
 * (detectors report running totals), evidence and indicators accumulate.
 */
export interface Finding {
  readonly detector: string;
  readonly severity: Severity;
  readonly title: string;
  readonly entity: Entity;
  /** Event time (epoch ms) of the first and last event behind the finding. */
  readonly first_seen: number;
  readonly last_seen: number;
  /** Event time of the event at which the detector fired. */
  readonly at: number;
  /** Running totals behind the alert. */
  readonly events: number;
  readonly accounts: number;
  /** request_ids or `file:line` references. */
  readonly evidence?: readonly string[];
  readonly details?: Record<string, unknown>;
  readonly indicators?: readonly Indicator[];
  /** Token findings: what the ledger can prove (a separate alert per verdict). */
  readonly verdict?: Verdict;
  /**
   * Set by detectors that withdraw parts of a finding: these totals, severity and title
   * replace the alert's even when smaller, and `retracted` marks an alert with nothing left.
   */
  readonly revised?: { readonly retracted: boolean; readonly reason?: string };
}
