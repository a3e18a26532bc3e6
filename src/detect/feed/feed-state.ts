/**
 * The shared state of the feeds that the engine owns and every detector reads through its
 * context: the issuance ledger index, the ledger's coverage (edges and gaps), each access
 * source's clock offset, and the verdict rule built on them.
 *
 * The engine calls `onLedger` / `onAccess` before any detector sees an event, so detectors
 * read a ledger that already holds the event's record, `clock` (the event's source) and `rec`
 * (the ledger record of the event's token, looked up once per event). Per event the work is
 * O(1) with no allocation: one map lookup for the token, a cached source lookup, a few
 * compares; a first use of a recorded token writes one clock sample.
 */
import type { AccessEvent, LedgerEvent, ReferenceData } from '../../model/index.js';
import type { RouteTable } from '../context.js';
import type { DetectSettings } from '../detector.js';
import { EPOCH_S, LedgerIndex, type LedgerRecord } from '../ledger.js';
import { ClockBook, SourceClock, type ClockReport, type SourceClockState } from './clock.js';
import { LedgerCoverage, type CoverageState, type LedgerGap } from './coverage.js';
import { judgeUnrecorded, type Judgement } from './verdict.js';

const HOUR = 3_600_000;
/** Sources silent this long (event time) are forgotten unless they needed a correction. */
const SOURCE_IDLE_MS = 7 * 24 * HOUR;

/** JSON form of a {@link FeedState}. */
export interface FeedSnapshot {
  readonly ledger: ReturnType<LedgerIndex['snapshot']>;
  readonly coverage: CoverageState;
  readonly clocks: SourceClockState[];
  readonly lastSweep: number | null;
}

/** The `coverage` section of the run summary. */
export interface CoverageReport {
  readonly tracked: boolean;
  readonly ledger: { first: string | null; last: string | null; records: number; ended_early: boolean };
  readonly access: { first: string | null; last: string | null };
  readonly gaps: { from: string; to: string | null; duration_ms: number | null; expected_records: number; sign_ins: number; fresh_unrecorded_tokens: number; unverifiable_tokens: number }[];
  readonly unverifiable_tokens: Record<string, number>;
  readonly clocks: ClockReport[];
}

/** Ledger, coverage and clocks (see file header). */
export class FeedState {
  readonly ledger: LedgerIndex;
  readonly coverage: LedgerCoverage;
  readonly clocks: ClockBook;
  /** Clock of the access event being dispatched. */
  clock: SourceClock;
  /** Ledger record of the dispatched access event's token (undefined: none, or no token). */
  rec: LedgerRecord | undefined = undefined;
  /** Bumped when a source's correction changes (feed-health watches it with coverage.version). */
  clockVersion = 0;
  private lastSweep = -Infinity;
  /** Longest token lifetime each key allows (ms), from the key registry. */
  private readonly ttl = new Map<string, number>();

  constructor(private readonly s: DetectSettings, private readonly routes: RouteTable, ref: ReferenceData) {
    for (const k of ref.keys) if (k.max_token_ttl_s !== undefined && k.max_token_ttl_s !== null) this.ttl.set(k.kid, k.max_token_ttl_s * 1000);
    // records must outlive the longest wait a clock correction can add to a token's deadline
    this.ledger = new LedgerIndex({ allowedLatenessMs: s.allowedLatenessMs + s.maxClockCorrectionMs });
    this.coverage = new LedgerCoverage(s);
    this.clocks = new ClockBook({ toleranceMs: s.clockToleranceMs, maxCorrectionMs: s.maxClockCorrectionMs, minSamples: s.clockMinSamples });
    this.clock = new SourceClock('', this.clocks.o);
  }

  /** Version of everything feed-health reports on. */
  get version(): number {
    return this.coverage.version + this.clockVersion;
  }

  /** A ledger event, before detectors see it. */
  onLedger(e: LedgerEvent): void {
    this.ledger.apply(e);
    if (e.type === 'issue' && this.s.coverage) this.coverage.onIssue(e.t);
  }

  /** An access event, before detectors see it: sets `clock` and `rec`. */
  onAccess(e: AccessEvent): void {
    const tok = e.token;
    const rec = tok === undefined || this.ledger.size === 0 ? undefined : this.ledger.get(tok.jti);
    this.rec = rec;
    if (!this.s.coverage) return;
    const ref = e.ref;
    const clock = this.clocks.of(ref.feed ?? ref.file);
    this.clock = clock;
    const t = e.t;
    if (t < clock.first) clock.first = t;
    if (t > clock.last) clock.last = t;
    const tc = t + clock.offset;
    this.coverage.onAccess(tc);
    if (rec !== undefined && !rec.used && rec.issued >= 0 && rec.kid !== undefined) {
      rec.used = true;
      if (clock.observe(t - (rec.issued + EPOCH_S) * 1000)) this.clockVersion++;
    }
    // a successful sign-in is issuance the ledger should show
    if (e.status >= 200 && e.status < 300 && e.method !== 'GET' && this.routes.get(e.method, e.route)?.kind === 'auth') {
      this.coverage.onSignIn(tc);
    }
  }

  /** A token used first at `firstMs` through `clock` got its ledger record at `recordT`. */
  observeLateRecord(clock: SourceClock, firstMs: number, recordT: number): void {
    if (this.s.coverage && clock.observe(firstMs - recordT)) this.clockVersion++;
  }

  /** A token the ledger lacks was first used, claiming issuance at `iatMs` (counted for gap reports). */
  observeUnrecorded(iatMs: number): void {
    if (this.s.coverage) this.coverage.onFreshUnrecorded(iatMs);
  }

  /** Judges a token the ledger lacks at watermark `wm` (see `verdict.ts`). */
  judge(t: { kid: string; iatMs: number; expMs: number; firstMs: number; clock: SourceClock; wm: number; final: boolean }): Judgement {
    return judgeUnrecorded({ ...t, maxTtlMs: this.ttl.get(t.kid) ?? Infinity }, this.coverage, this.s);
  }

  /** The watermark moved: ledger eviction, gap opening, idle sources. */
  onWatermark(t: number): void {
    this.ledger.sweep(t);
    if (!this.s.coverage) return;
    this.coverage.onWatermark(t);
    if (t - this.lastSweep >= HOUR) {
      this.lastSweep = t;
      this.clocks.sweep(t - SOURCE_IDLE_MS);
    }
  }

  /** End of input: the final silence, if significant, is the ledger's end. */
  finish(t: number): LedgerGap | undefined {
    return this.s.coverage ? this.coverage.finish(t) : undefined;
  }

  /** The run summary's `coverage` section. */
  report(): CoverageReport {
    const c = this.coverage;
    const iso = (t: number): string | null => (Number.isFinite(t) ? new Date(t).toISOString() : null);
    return {
      tracked: this.s.coverage,
      ledger: { first: iso(c.first), last: iso(c.last), records: c.records, ended_early: c.ended },
      access: { first: iso(c.accessFirst), last: iso(c.accessLast) },
      gaps: c.gaps.map((g) => ({
        from: iso(g.from) as string, to: iso(g.to), duration_ms: Number.isFinite(g.to) ? g.to - g.from : null,
        expected_records: Math.round(g.expected), sign_ins: g.evidence, fresh_unrecorded_tokens: g.fresh, unverifiable_tokens: g.unverifiable,
      })),
      unverifiable_tokens: { ...c.unverifiable },
      clocks: this.clocks.report(),
    };
  }

  bytes(): number {
    return this.ledger.bytes() + this.clocks.bytes() + this.coverage.gaps.length * 64;
  }

  snapshot(): FeedSnapshot {
    return {
      ledger: this.ledger.snapshot(), coverage: this.coverage.snapshot(), clocks: this.clocks.snapshot(),
      lastSweep: Number.isFinite(this.lastSweep) ? this.lastSweep : null,
    };
  }

  restore(s: FeedSnapshot): void {
    this.ledger.restore(s.ledger);
    this.coverage.restore(s.coverage);
    this.clocks.restore(s.clocks);
    this.clock = new SourceClock('', this.clocks.o);
    this.rec = undefined;
    this.lastSweep = s.lastSweep ?? -Infinity;
  }
}
