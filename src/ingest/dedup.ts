/**
 * Duplicate `request_id` detection with bounded memory. Remembering every id of a
 * billion-event archive is not possible, so ids are kept only within a sliding event-time
 * horizon (setting `dedupHorizonMs`, default 10 minutes): a repeat within the horizon of the
 * first occurrence is always caught; a repeat later than 2 × the horizon never is.
 *
 * Ids live in two generations, each one horizon of event time long; when event time leaves a
 * generation behind, the older one is dropped whole — no per-id eviction work. Ids are held as
 * 64-bit hashes ({@link IdHashSet}: 16–32 bytes per id, a false duplicate is ~10⁻⁵ likely per
 * horizon even at 28 M ids). Memory is O(ids per 2 × horizon): for a 23 k req/s platform at the
 * 10-minute default, ~28 M ids ≈ 0.5–0.9 GB — lower the horizon for such feeds.
 */
import { DEFAULTS } from '../model/index.js';
import { IdHashSet, type IdHash } from './id-hash-set.js';

/** Default horizon: 10 minutes of event time (`DEFAULTS.ingest.dedupHorizonMs`). */
export const DEFAULT_DEDUP_HORIZON_MS: number = DEFAULTS.ingest.dedupHorizonMs;

/** Remembers recently seen request ids. Feed it in (roughly) non-decreasing event time. */
export class RequestIdDedup {
  private current = new IdHashSet();
  private previous = new IdHashSet();
  private readonly span: number;
  private genEnd = -Infinity;
  /** The id being checked, hashed once for both generations. */
  private readonly h: IdHash = new Int32Array(2);

  constructor(horizonMs: number = DEFAULT_DEDUP_HORIZON_MS) {
    this.span = Math.max(1, horizonMs);
  }

  /** True when `id` was seen within the horizon; otherwise remembers it and returns false. */
  isDuplicate(id: string, t: number): boolean {
    if (t >= this.genEnd) this.rotate(t);
    const h = IdHashSet.hash(id, this.h);
    if (this.previous.size > 0 && this.previous.hasHash(h)) return true;
    return !this.current.addHash(h);
  }

  private rotate(t: number): void {
    // Two spans or more since the current generation began: nothing remembered is in reach.
    this.previous = t >= this.genEnd + this.span ? new IdHashSet() : this.current;
    // Size the new generation like the last one, to skip most growth steps.
    this.current = new IdHashSet(this.previous.size);
    this.genEnd = t + this.span;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
