/**
 * Where the issuance ledger provably recorded, found from the data itself: its first and last
 * record, and its gaps.
 *
 * A gap is the ledger itself going quiet: a silence between two consecutive issue records
 * (event time) that, at the ledger's own recent rate, should have held at least
 * `gapMinExpected` records, while the access feed kept showing sign-ins (`gapMinEvidence`
 * successful responses of `auth` routes). Tokens missing from a ledger that keeps recording
 * everyone else never make a silence, so an attacker cannot open a gap by forging: the silence
 * is the ledger's, and the sign-ins are real ones (a real sign-in by the attacker ends the
 * silence with its own record). Fresh unrecorded tokens are counted for the report but are not
 * evidence, since whoever forges them makes as many as they like. The rate is an exponentially decaying
 * count (time constant {@link TAU_MS}), bias-corrected while the ledger is young. A silence is
 * classified once, when its closing record arrives (or, still open, once it is already
 * significant), so the result does not depend on how the input was batched.
 *
 * Late ledger records (older than the last one, only possible in `serve`) clear their own
 * token but do not reshape gaps.
 */
import type { DetectSettings } from '../detector.js';

type FeedOptions = Pick<DetectSettings, 'coverageMarginMs' | 'gapMinExpected' | 'gapMinEvidence'>;

/** Time constant of the ledger's rate estimate. */
const TAU_MS = 600_000;

/** One silence of the ledger that is a gap (`to` = Infinity while still open). */
export interface LedgerGap {
  from: number;
  to: number;
  /** Records the ledger's rate predicted for the silence. */
  expected: number;
  /** Sign-ins seen in the access feed meanwhile. */
  evidence: number;
  /** Tokens first used meanwhile that claim an issuance inside it and have no record (not evidence). */
  fresh: number;
  /** Tokens judged unverifiable because their issuance fell here. */
  unverifiable: number;
}

/** Why an issuance time is not provably covered. */
export type Blind = 'no_ledger' | 'before_ledger_start' | 'ledger_gap' | 'after_ledger_end';

/** Coverage of one time: covered, not yet confirmed (no record after it yet), or blind. */
export type CoverageAt = { readonly kind: 'covered' } | { readonly kind: 'unconfirmed' } | { readonly kind: 'blind'; readonly why: Blind; readonly gap?: LedgerGap };

const COVERED: CoverageAt = { kind: 'covered' };
const UNCONFIRMED: CoverageAt = { kind: 'unconfirmed' };

/** JSON form of {@link LedgerCoverage}. */
export interface CoverageState {
  readonly first: number | null; readonly last: number | null; readonly records: number;
  readonly c: number; readonly evidence: number; readonly fresh: number; readonly ended: boolean;
  readonly gaps: LedgerGap[]; readonly accessFirst: number | null; readonly accessLast: number | null;
  readonly unverifiable: Record<string, number>;
}

/** The ledger's coverage in event time. */
export class LedgerCoverage {
  first = -Infinity;
  last = -Infinity;
  records = 0;
  accessFirst = Infinity;
  accessLast = -Infinity;
  /** Closed and open gaps, in time order. */
  readonly gaps: LedgerGap[] = [];
  /** Set at the end of input when the final silence is significant: the ledger ended early. */
  ended = false;
  /** Unverifiable tokens by the edge that left them so (gaps count their own). */
  readonly unverifiable: Record<string, number> = {};
  /** Bumped whenever gaps or edges change (feed-health watches it). */
  version = 0;
  /** Decayed record count at `last`. */
  private c = 0;
  /** Sign-ins (and fresh unrecorded tokens) since the last record. */
  private evidence = 0;
  private fresh = 0;

  constructor(private readonly o: FeedOptions) {}

  /** True when a ledger record has been seen. */
  get started(): boolean {
    return this.first !== -Infinity;
  }

  /** An issue record at ledger time `t`. */
  onIssue(t: number): void {
    this.records++;
    if (t < this.last) return;
    if (this.first === -Infinity) {
      this.first = t;
      this.version++;
    } else {
      const open = this.openGap();
      if (open !== undefined) {
        open.expected = this.expectedUntil(t);
        open.to = t;
        open.evidence = this.evidence;
        open.fresh = this.fresh;
        this.version++;
      } else if (this.significant(t)) {
        this.gaps.push({ from: this.last, to: t, expected: this.expectedUntil(t), evidence: this.evidence, fresh: this.fresh, unverifiable: 0 });
        this.version++;
      }
      this.c *= Math.exp((this.last - t) / TAU_MS);
    }
    this.c += 1;
    this.last = t;
    this.evidence = 0;
    this.fresh = 0;
  }

  /** An access event at (corrected) time `t`. */
  onAccess(t: number): void {
    if (t < this.accessFirst) this.accessFirst = t;
    if (t > this.accessLast) this.accessLast = t;
  }

  /** A successful sign-in in the access feed at (corrected) time `t`. */
  onSignIn(t: number): void {
    if (t > this.last && this.first !== -Infinity) this.evidence++;
  }

  /** A token the ledger lacks claims issuance at `iatMs` (reported, never evidence). */
  onFreshUnrecorded(iatMs: number): void {
    if (iatMs > this.last && this.first !== -Infinity) this.fresh++;
  }

  /**
   * The ledger has been silent since before `t` but plainly because nothing was issued: no
   * sign-ins meanwhile, and the silence is already long at the ledger's rate or older than
   * `waitMs` (so a token claiming issuance then need not wait for a later record).
   */
  quietSince(t: number, wm: number, waitMs: number): boolean {
    return this.first !== -Infinity && this.evidence < this.o.gapMinEvidence &&
      (this.expectedUntil(wm) >= this.o.gapMinExpected || wm - t >= waitMs);
  }

  /** The watermark moved: an ongoing silence that became significant opens a gap. */
  onWatermark(wm: number): void {
    if (this.first === -Infinity || this.openGap() !== undefined || !this.significant(wm)) return;
    this.gaps.push({ from: this.last, to: Infinity, expected: this.expectedUntil(wm), evidence: this.evidence, fresh: this.fresh, unverifiable: 0 });
    this.version++;
  }

  /**
   * End of input at `wm`: a significant final silence is the ledger's end, not a gap (an open
   * gap becomes the end edge, its unverifiable tokens counted there). Returns that gap, if any.
   */
  finish(wm: number): LedgerGap | undefined {
    const open = this.openGap();
    if (open !== undefined) {
      this.gaps.pop();
      this.unverifiable.after_ledger_end = (this.unverifiable.after_ledger_end ?? 0) + open.unverifiable;
    }
    const end = Math.max(wm, this.accessLast);
    if (this.first !== -Infinity && (open !== undefined || this.significant(end))) this.ended = true;
    this.version++;
    return open;
  }

  /** Whether the ledger provably recorded at time `t` (watermark `wm`). */
  at(t: number): CoverageAt {
    const m = this.o.coverageMarginMs;
    if (this.first === -Infinity) return { kind: 'blind', why: 'no_ledger' };
    if (t < this.first + m) return { kind: 'blind', why: 'before_ledger_start' };
    const g = this.gapAt(t);
    if (g !== undefined) return { kind: 'blind', why: 'ledger_gap', gap: g };
    if (t > this.last - m) return this.ended ? { kind: 'blind', why: 'after_ledger_end' } : UNCONFIRMED;
    return COVERED;
  }

  /** Counts a token left unverifiable by `c`. */
  countUnverifiable(c: CoverageAt): void {
    if (c.kind !== 'blind') return;
    if (c.gap !== undefined) c.gap.unverifiable++;
    else this.unverifiable[c.why] = (this.unverifiable[c.why] ?? 0) + 1;
  }

  snapshot(): CoverageState {
    const n = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      first: n(this.first), last: n(this.last), records: this.records, c: this.c, evidence: this.evidence, fresh: this.fresh, ended: this.ended,
      gaps: this.gaps.map((g) => ({ ...g, to: Number.isFinite(g.to) ? g.to : -1 })),
      accessFirst: n(this.accessFirst), accessLast: n(this.accessLast), unverifiable: { ...this.unverifiable },
    };
  }

  restore(s: CoverageState): void {
    this.first = s.first ?? -Infinity;
    this.last = s.last ?? -Infinity;
    this.records = s.records;
    this.c = s.c;
    this.evidence = s.evidence;
    this.fresh = s.fresh;
    this.ended = s.ended;
    this.gaps.length = 0;
    for (const g of s.gaps) this.gaps.push({ ...g, to: g.to < 0 ? Infinity : g.to });
    this.accessFirst = s.accessFirst ?? Infinity;
    this.accessLast = s.accessLast ?? -Infinity;
    for (const k of Object.keys(this.unverifiable)) delete this.unverifiable[k];
    Object.assign(this.unverifiable, s.unverifiable);
    this.version++;
  }

  private openGap(): LedgerGap | undefined {
    const g = this.gaps[this.gaps.length - 1];
    return g !== undefined && g.to === Infinity ? g : undefined;
  }

  /** Records the ledger's rate at its last record predicts up to `t`. */
  private expectedUntil(t: number): number {
    const age = this.last - this.first;
    // bias correction of the decayed count while the ledger is younger than a few TAU
    const span = age <= 0 ? 0 : TAU_MS * (1 - Math.exp(-age / TAU_MS));
    if (span <= 0) return 0;
    return (this.c / span) * (t - this.last);
  }

  private significant(t: number): boolean {
    return this.evidence >= this.o.gapMinEvidence && this.expectedUntil(t) >= this.o.gapMinExpected;
  }

  /** The gap containing `t` (widened by the margin), by binary search. */
  private gapAt(t: number): LedgerGap | undefined {
    const m = this.o.coverageMarginMs;
    const gs = this.gaps;
    let lo = 0;
    let hi = gs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = gs[mid] as LedgerGap;
      if (t < g.from - m) hi = mid - 1;
      else if (t > g.to + m) lo = mid + 1;
      else return g;
    }
    return undefined;
  }
}
