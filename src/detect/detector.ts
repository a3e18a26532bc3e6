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

/** Settings shared by all detectors (each detector may add its own). */
export interface DetectSettings {
  /** How long after first use a token may wait for its ledger record before it is unissued. */
  readonly allowedLatenessMs: number;
  /** Maximum age of a signing key before key-custody flags it. */
  readonly maxKeyAgeDays: number;
}

/** The settings an engine uses where none are given (from `DEFAULTS.detect`). */
export const DEFAULT_DETECT_SETTINGS: DetectSettings = { ...DEFAULTS.detect };

/** What a detector may use while running. */
export interface DetectContext {
  readonly ref: ReferenceData;
  readonly settings: DetectSettings;
  /** Route metadata for an access event's (method, route), when the catalog knows it. */
  routeInfo(method: string, route: string): { kind: string; fields: readonly string[] } | undefined;
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
