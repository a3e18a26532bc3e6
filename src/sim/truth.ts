/**
 * truth.json: what really happened, for scoring detectors and scope. Attacker requests are
 * not marked in the events; the request-id key here decodes any request_id's hidden bit
 * (see `isAttackRequestId`).
 */
import { toRfc3339 } from '../model/index.js';
import type { AttackTotals } from './attack-tracker.js';
import type { AttackWindow } from './attacks/attack.js';
import type { RequestIdKey } from './request-id.js';
import type { ScenarioName } from './types.js';

/** Inputs of {@link buildTruth}. */
export interface TruthInput {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly accounts: number;
  readonly days: number;
  readonly start: number;
  readonly key: RequestIdKey;
  /** Planted honey account ids (the honey list in clear, for scoring only). */
  readonly honey: readonly string[];
  /** The feed faults of a feed-fault scenario (see `faults.ts`). */
  readonly feedFaults?: Record<string, unknown>;
  readonly attack: null | {
    readonly kind: string;
    readonly window: AttackWindow;
    readonly totals: AttackTotals;
    readonly details: Record<string, unknown>;
  };
}

/** The truth.json object. */
export function buildTruth(x: TruthInput): Record<string, unknown> {
  const a = x.attack;
  return {
    scenario: x.scenario,
    seed: x.seed,
    accounts: x.accounts,
    days: x.days,
    start: toRfc3339(x.start),
    request_id_key: x.key,
    honey_accounts: x.honey,
    ...(x.feedFaults !== undefined && { feed_faults: x.feedFaults }),
    attack:
      a === null
        ? null
        : {
            kind: a.kind,
            start: toRfc3339(a.window.from),
            end: toRfc3339(a.window.to),
            first_request_time: a.totals.first === null ? null : toRfc3339(a.totals.first),
            last_request_time: a.totals.last === null ? null : toRfc3339(a.totals.last),
            attacker_requests: a.totals.requests,
            attacker_ips: a.totals.ips,
            forged_jtis_count: 0,
            ...a.details,
            affected_count: a.totals.affected.length,
            affected_fields: { fields: a.totals.fields, partial: a.totals.partial },
            affected_accounts: a.totals.affected,
            honey_accounts_read: a.totals.honeyRead,
            first_honey_read_time: a.totals.firstHoneyRead === null ? null : toRfc3339(a.totals.firstHoneyRead),
          },
  };
}
