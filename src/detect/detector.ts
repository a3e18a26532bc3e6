/**
 * The one interface every detector implements (built-in detectors and the Sigma adapter alike).
 * Every implementation passes the shared contract suite in `detector.contract.ts`.
 *
 * The engine calls a detector only in event-time order:
 *   onEvent(e) for every event, in non-decreasing `e.t` (late events beyond the reorder bound
 *   are still delivered, flagged with `late = true`, and must not crash or corrupt state);
 *   onWatermark(t) whenever event time advances (timers: "no ledger record after lateness");
 *   finish(t) at end of input (hunt) — a live service never calls it.
 */
import type { Finding, PipelineEvent, ReferenceData } from '../model/index.js';
import { DEFAULTS } from '../model/index.js';
import type { RouteTable } from './context.js';
import type { FeedState } from './feed/feed-state.js';
import type { LedgerIndex } from './ledger.js';

/** Settings shared by all detectors (each detector may add its own). */
export interface DetectSettings {
  /** How long after first use a token may wait for its ledger record before it is unissued. */
  readonly allowedLatenessMs: number;
  /** Maximum age of a signing key before key-custody flags it. */
  readonly maxKeyAgeDays: number;
  /**
   * Track the ledger's coverage and each source's clock offset (default). `false` trusts the
   * ledger as complete: every unrecorded token is judged forged, as if it covered all time.
   */
  readonly coverage: boolean;
  /** A source's clock offset within this is left alone and not reported. */
  readonly clockToleranceMs: number;
  /** Offsets are corrected up to this bound (beyond it: corrected by the bound, and reported). */
  readonly maxClockCorrectionMs: number;
  /** First-use samples a source needs before its offset is trusted. */
  readonly clockMinSamples: number;
  /** A ledger silence is a gap once it would have held this many records at the ledger's rate. */
  readonly gapMinExpected: number;
  /** …and the access feed showed this many successful sign-ins (`auth` routes) meanwhile. */
  readonly gapMinEvidence: number;
  /** How far around a coverage boundary an issuance time counts as uncertain. */
  readonly coverageMarginMs: number;
  /**
   * A token claiming an issuance where the ledger was blind stays `unverifiable` only if it was
   * first used within this long of that claim; later first use (while the access feed was
   * watching) makes the claim implausible and the token `forged` (see `feed/verdict.ts`).
   */
  readonly maxIssueToUseMs: number;
  /**
   * How long a token waits for the ledger to show life after its claimed issuance while the
   * ledger is quiet with no sign-ins to suggest it is down; then the quiet counts as covered.
   */
  readonly coverageWaitMs: number;
}

/** The settings an engine uses where none are given (from `DEFAULTS.detect`). */
export const DEFAULT_DETECT_SETTINGS: DetectSettings = { ...DEFAULTS.detect };

/** What a detector may use while running. */
export interface DetectContext {
  readonly ref: ReferenceData;
  readonly settings: DetectSettings;
  /** Route metadata for an access event's (method, route), when the catalog knows it. */
  routeInfo(method: string, route: string): { kind: string; fields: readonly string[] } | undefined;
  /** The catalog's routes (two nested maps: a lookup allocates nothing). */
  readonly routes: RouteTable;
  /** The issuance ledger, fed and swept by the engine before detectors see each event. */
  readonly ledger: LedgerIndex;
  /** Ledger coverage, clock offsets and the verdict rule, kept by the engine. */
  readonly feed: FeedState;
  /** Hand a finding to the alert manager. */
  emit(f: Finding): void;
}

/** A streaming detector. */
export interface Detector {
  /** Stable name; becomes the alert's `detector` (e.g. `unissued-token`). */
  readonly name: string;
  /** Called once before any event (audits such as key-custody run here). */
  start?(ctx: DetectContext, t: number | undefined): void;
  onEvent(e: PipelineEvent, ctx: DetectContext, late: boolean): void;
  onWatermark(t: number, ctx: DetectContext): void;
  /** End of input: fire whatever is pending as of event time `t`. */
  finish(t: number, ctx: DetectContext): void;
  /** JSON-serializable state; `restore(snapshot())` on a fresh instance continues identically. */
  snapshot(): unknown;
  restore(state: unknown): void;
  /** Approximate bytes of state held (for benchmarks and memory bounds). */
  stateBytes?(): number;
}
