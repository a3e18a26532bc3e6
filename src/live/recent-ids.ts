/**
 * Request-id dedup for the live service, with snapshot/restore so it survives a restart.
 * Two generations of ids, each at least one horizon long in the pipeline's watermark (never in
 * the times single events carry, which a sender controls): a repeat within the horizon is
 * always caught; older generations are dropped whole.
 *
 * Ids are held as 64-bit hashes ({@link IdHashSet}: 16–32 bytes per id, no retained strings),
 * so a 20k events/s feed with a 2-minute horizon (up to 4.8 M ids) costs ~100 MB rather than
 * ~500 MB of strings, and a checkpoint writes it as one base64 string in tens of milliseconds
 * instead of stringifying millions of ids. Two distinct ids are taken for one with a chance of
 * about n² / 2⁶⁴ per horizon (~10⁻⁶ at 4.8 M ids). A hard cap bounds memory whatever the
 * event-time spread of a feed.
 */
import { IdHashSet } from '../ingest/index.js';

/**
 * JSON state of {@link RecentIds}: hashes as base64 (see {@link IdHashSet.toBase64}). Checkpoints
 * written before hashes were used hold the ids themselves (`string[]`); both restore.
 */
export interface RecentIdsState {
  readonly genEnd: number | null;
  readonly current: string | readonly string[];
  readonly previous: string | readonly string[];
}

function setOf(s: string | readonly string[]): IdHashSet {
  if (typeof s === 'string') return IdHashSet.fromBase64(s);
  const set = new IdHashSet(s.length);
  for (const id of s) set.add(id);
  return set;
}

/** Remembers recently committed request ids. */
export class RecentIds {
  private current = new IdHashSet();
  private previous = new IdHashSet();
  private genEnd = -Infinity;

  constructor(private readonly horizonMs: number, private readonly maxIds = 8_000_000) {}

  /** True when `id` is remembered. */
  has(id: string): boolean {
    return this.current.has(id) || this.previous.has(id);
  }

  /** Remembers `id` as committed. */
  add(id: string): void {
    if (this.current.size >= this.maxIds) { this.previous = this.current; this.current = new IdHashSet(this.maxIds); }
    this.current.add(id);
  }

  /**
   * Moves the generations on to watermark `t`. At most one generation ends per call, so an id
   * is remembered until the watermark has moved at least one horizon past the time it was
   * added — whatever times single events carry (a far-future event once rotated both
   * generations away at once, and a retried request was stored twice).
   */
  advance(t: number | undefined): void {
    if (t === undefined || !Number.isFinite(t)) return;
    if (this.genEnd === -Infinity) { this.genEnd = t + this.horizonMs; return; }
    if (t < this.genEnd) return;
    this.previous = this.current;
    // Size the new generation like the last one, to skip most growth steps.
    this.current = new IdHashSet(this.previous.size);
    this.genEnd = t + this.horizonMs;
  }

  /** Ids remembered. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  snapshot(): RecentIdsState {
    return { genEnd: Number.isFinite(this.genEnd) ? this.genEnd : null, current: this.current.toBase64(), previous: this.previous.toBase64() };
  }

  restore(s: RecentIdsState): void {
    this.genEnd = s.genEnd ?? -Infinity;
    this.current = setOf(s.current);
    this.previous = setOf(s.previous);
  }
}
