/**
 * Request-id dedup for the live service, with snapshot/restore so it survives a restart.
 * Two generations of ids, each one horizon of event time long (as ingest's RequestIdDedup):
 * a repeat within the horizon is always caught; older generations are dropped whole.
 * A hard cap bounds memory whatever the event-time spread of a feed.
 */

/** JSON state of {@link RecentIds}. */
export interface RecentIdsState {
  readonly genEnd: number | null;
  readonly current: readonly string[];
  readonly previous: readonly string[];
}

/** Remembers recently committed request ids. */
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private genEnd = -Infinity;

  constructor(private readonly horizonMs: number, private readonly maxIds = 4_000_000) {}

  /** True when `id` is remembered (within the horizon of event time `t`). */
  has(id: string, t: number): boolean {
    if (t >= this.genEnd) this.rotate(t);
    return this.current.has(id) || this.previous.has(id);
  }

  /** Remembers `id` as committed at event time `t`. */
  add(id: string, t: number): void {
    if (t >= this.genEnd) this.rotate(t);
    if (this.current.size >= this.maxIds) { this.previous = this.current; this.current = new Set(); }
    this.current.add(id);
  }

  /** Ids remembered. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  snapshot(): RecentIdsState {
    return { genEnd: Number.isFinite(this.genEnd) ? this.genEnd : null, current: [...this.current], previous: [...this.previous] };
  }

  restore(s: RecentIdsState): void {
    this.genEnd = s.genEnd ?? -Infinity;
    this.current = new Set(s.current);
    this.previous = new Set(s.previous);
  }

  private rotate(t: number): void {
    this.previous = t >= this.genEnd + this.horizonMs ? new Set() : this.current;
    this.current = new Set();
    this.genEnd = t + this.horizonMs;
  }
}
