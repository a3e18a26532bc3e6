/**
 * Feed faults of real archives, for the feed-fault scenarios: the issuance ledger and the
 * gateway logs come from different pipelines on different machines, so
 *
 * - the ledger has gaps (an export job failed for two hours: its records are simply missing);
 * - the two feeds start and end at different times (the ledger export begins six hours into
 *   the run and stops five hours before its end);
 * - clocks disagree: gateway B (about a third of all client addresses) logs to its own file,
 *   `access/gateway-b.ndjson`, with a clock 90 s behind.
 *
 * Every token is still genuinely issued; only what the files show changes. The faults go to
 * truth.json (`feed_faults`) so tests can check that each one is named.
 */
import { DAY, HOUR, MINUTE, toRfc3339 } from '../model/index.js';
import type { ScenarioName } from './types.js';

/** A half-open interval of event time, epoch ms. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** Which faults a run has. */
export interface FeedFaults {
  /** Ledger records inside these are never written. */
  readonly ledgerGaps: readonly Span[];
  /** Ledger records outside this are never written. */
  readonly ledgerSpan: Span | null;
  /** Gateway B's clock offset (ms, negative = behind) and its share of client addresses. */
  readonly gatewayB: { readonly offsetMs: number; readonly share: number } | null;
}

/** The file gateway B logs to. */
export const GATEWAY_B_FILE = 'access/gateway-b.ndjson';

/** Gateway B's clock runs this far behind. */
const GATEWAY_B_OFFSET_MS = -90_000;
const GATEWAY_B_SHARE = 0.35;
const GAP_MS = 2 * HOUR;

/** The faults of `scenario` over a run of `days` from `start` (none for the other scenarios). */
export function feedFaults(scenario: ScenarioName, start: number, days: number): FeedFaults | null {
  const all = scenario === 'forged-token-feed-faults';
  if (!all && scenario !== 'ledger-gap' && scenario !== 'archive-edges' && scenario !== 'clock-skew') return null;
  // The gap: 12:00–14:00 KST (busy) on the middle day.
  const gapFrom = start + Math.floor(days / 2) * DAY + 3 * HOUR;
  return {
    ledgerGaps: all || scenario === 'ledger-gap' ? [{ from: gapFrom, to: gapFrom + GAP_MS }] : [],
    ledgerSpan: all || scenario === 'archive-edges' ? { from: start + 6 * HOUR, to: start + days * DAY - 5 * HOUR } : null,
    gatewayB: all || scenario === 'clock-skew' ? { offsetMs: GATEWAY_B_OFFSET_MS, share: GATEWAY_B_SHARE } : null,
  };
}

/** True when a ledger record at `t` is lost to a fault. */
export function ledgerDrops(f: FeedFaults, t: number): boolean {
  if (f.ledgerSpan !== null && (t < f.ledgerSpan.from || t >= f.ledgerSpan.to)) return true;
  for (const g of f.ledgerGaps) if (t >= g.from && t < g.to) return true;
  return false;
}

/** True when requests from `ip` go through gateway B (a stable share of addresses). */
export function viaGatewayB(f: FeedFaults, ip: string): boolean {
  if (f.gatewayB === null) return false;
  let h = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296 < f.gatewayB.share;
}

/**
 * A claimed issuance an attacker may pick to hide in a blind spot of the ledger, for a token
 * used at `t`: inside a gap already past (a uniform point in it, `u` in [0, 1)), or an hour
 * before the ledger's start; undefined when there is none yet.
 */
export function blindIssuance(f: FeedFaults, t: number, u: number, beforeStart: boolean): number | undefined {
  if (beforeStart) return f.ledgerSpan === null ? undefined : f.ledgerSpan.from - HOUR + Math.floor(u * 50 * MINUTE);
  const past = f.ledgerGaps.filter((g) => g.to < t);
  const g = past[past.length - 1];
  return g === undefined ? undefined : g.from + Math.floor(u * (g.to - g.from));
}

/** The `feed_faults` section of truth.json. */
export function faultsTruth(f: FeedFaults): Record<string, unknown> {
  return {
    ledger_gaps: f.ledgerGaps.map((g) => ({ from: toRfc3339(g.from), to: toRfc3339(g.to) })),
    ledger_span: f.ledgerSpan === null ? null : { from: toRfc3339(f.ledgerSpan.from), to: toRfc3339(f.ledgerSpan.to) },
    gateway_b: f.gatewayB === null ? null : { file: GATEWAY_B_FILE, clock_offset_ms: f.gatewayB.offsetMs, share_of_addresses: f.gatewayB.share },
  };
}
