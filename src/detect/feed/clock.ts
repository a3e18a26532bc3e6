/**
 * Clock offsets of access sources against the issuance ledger, from the data alone.
 *
 * A source is an input file in `hunt` and an ingest channel plus the sender's address in
 * `serve` (`SourceRef.feed`, else `file`). Every token the ledger does hold gives one sample,
 * first use − issuance: about a second for a client that uses its token at once, negative for
 * a gateway whose clock runs behind. The estimate is the 25th percentile of a source's last
 * {@link RING} samples (a low quantile: the natural delay after issuance is small and
 * positive, and long-idle tokens only raise the high ones), recomputed every
 * {@link EVERY} samples. A source's offset is the correction that moves its events onto the
 * ledger's clock: −estimate when beyond the tolerance, clamped to the correction bound, else 0.
 * Event time only: the wall clock is never read.
 *
 * Per event this is O(1) and allocation-free: a typed-array ring write; the sort runs on a
 * preallocated scratch array once per {@link EVERY} samples.
 */
import { basename } from 'node:path';

/** Samples kept per source. */
const RING = 64;
/** Re-estimate after this many new samples. */
const EVERY = 8;
const scratch = new Float64Array(RING);

/** How offsets are judged (from the detect settings). */
export interface ClockOptions {
  readonly toleranceMs: number;
  readonly maxCorrectionMs: number;
  readonly minSamples: number;
}

/** JSON form of one source. */
export type SourceClockState = [key: string, ring: number[], n: number, estimate: number | null, offset: number, first: number | null, last: number | null];

/** One access source's clock. */
export class SourceClock {
  /** Correction (ms) to add to this source's event times to put them on the ledger's clock. */
  offset = 0;
  /** The raw estimate: 25th percentile of first use − issuance (ms), NaN before any sample. */
  estimate = Number.NaN;
  /** Samples seen in all. */
  n = 0;
  /** Event time of the source's first and last event. */
  first = Infinity;
  last = -Infinity;
  readonly ring = new Float64Array(RING);

  constructor(readonly key: string, private readonly o: ClockOptions) {}

  /** True once enough samples back the offset. */
  get established(): boolean {
    return this.n >= this.o.minSamples;
  }

  /** True when the estimate is beyond tolerance (a correction is applied and reported). */
  get beyondTolerance(): boolean {
    return this.established && Math.abs(this.estimate) > this.o.toleranceMs;
  }

  /** True when the needed correction exceeded the bound. */
  get clamped(): boolean {
    return this.beyondTolerance && Math.abs(this.estimate) > this.o.maxCorrectionMs;
  }

  /** How far this source's time may still be off the ledger's (ms). */
  get uncertaintyMs(): number {
    return this.established ? this.o.toleranceMs : this.o.maxCorrectionMs;
  }

  /** Adds one first-use − issuance sample (ms); returns true when the offset changed. */
  observe(deltaMs: number): boolean {
    this.ring[this.n % RING] = deltaMs;
    this.n++;
    if (this.n % EVERY !== 0 && this.n !== this.o.minSamples) return false;
    return this.reestimate();
  }

  private reestimate(): boolean {
    const k = Math.min(this.n, RING);
    // unused slots sort last, so the whole scratch array sorts without a view being allocated
    for (let i = 0; i < RING; i++) scratch[i] = i < k ? (this.ring[i] as number) : Infinity;
    scratch.sort();
    this.estimate = scratch[Math.floor((k - 1) / 4)] as number;
    const before = this.offset;
    const bound = this.o.maxCorrectionMs;
    this.offset = this.established && Math.abs(this.estimate) > this.o.toleranceMs
      ? Math.max(-bound, Math.min(bound, -this.estimate)) : 0;
    return this.offset !== before;
  }

  snapshot(): SourceClockState {
    const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return [this.key, Array.from(this.ring.subarray(0, Math.min(this.n, RING))), this.n, fin(this.estimate), this.offset, fin(this.first), fin(this.last)];
  }

  restore(s: SourceClockState): void {
    const [, ring, n, estimate, offset, first, last] = s;
    this.ring.fill(0);
    this.ring.set(ring);
    this.n = n;
    this.estimate = estimate ?? Number.NaN;
    this.offset = offset;
    this.first = first ?? Infinity;
    this.last = last ?? -Infinity;
  }
}

/** What the run summary and feed-health report about one source. */
export interface ClockReport {
  readonly source: string;
  readonly name: string;
  readonly samples: number;
  /** 25th percentile of first use − issuance, ms (null before any sample). */
  readonly estimate_ms: number | null;
  /** Correction applied to the source's times, ms. */
  readonly corrected_ms: number;
  readonly beyond_tolerance: boolean;
  /** The needed correction exceeded the bound: times are still off by the rest. */
  readonly clamped: boolean;
}

/** Every access source's clock. */
export class ClockBook {
  private readonly byKey = new Map<string, SourceClock>();
  private lastKey: string | undefined;
  private lastClock: SourceClock | undefined;

  constructor(readonly o: ClockOptions) {}

  /** The clock of source `key` (created on first sight); the last one is cached. */
  of(key: string): SourceClock {
    if (key === this.lastKey) return this.lastClock as SourceClock;
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = new SourceClock(key, this.o);
      this.byKey.set(key, c);
    }
    this.lastKey = key;
    this.lastClock = c;
    return c;
  }

  /** Every source, in first-seen order. */
  all(): IterableIterator<SourceClock> {
    return this.byKey.values();
  }

  /** Forgets sources silent since before `cutoff` (event time) that never needed a correction. */
  sweep(cutoff: number): void {
    for (const [k, c] of this.byKey) {
      if (c.last < cutoff && !c.beyondTolerance) {
        this.byKey.delete(k);
        if (k === this.lastKey) this.lastKey = undefined;
      }
    }
  }

  /** Report rows, by source key. */
  report(): ClockReport[] {
    return [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((c) => ({
      source: c.key, name: basename(c.key), samples: c.n,
      estimate_ms: Number.isNaN(c.estimate) ? null : Math.round(c.estimate),
      corrected_ms: Math.round(c.offset), beyond_tolerance: c.beyondTolerance, clamped: c.clamped,
    }));
  }

  bytes(): number {
    return this.byKey.size * (RING * 8 + 200);
  }

  snapshot(): SourceClockState[] {
    return [...this.byKey.values()].map((c) => c.snapshot());
  }

  restore(s: readonly SourceClockState[]): void {
    this.byKey.clear();
    this.lastKey = undefined;
    for (const st of s) {
      const c = new SourceClock(st[0], this.o);
      c.restore(st);
      this.byKey.set(st[0], c);
    }
  }
}
