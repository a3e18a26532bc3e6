/**
 * Per-source watermarks in front of the engine. Each ingest channel (`http-access`,
 * `http-ledger`, `nats-access`, `otlp`, …) is a source whose watermark is the highest event time
 * it has delivered. Committed events wait here and are released to the engine, in event-time
 * order, up to the **minimum watermark over active sources**, so a ledger feed that lags the
 * access feed does not make its tokens look unissued. A source silent for `idleMs` of wall
 * clock stops holding the others back (liveness, never a judgement about events); when every
 * source is idle everything buffered is released. Configured channels are declared with
 * {@link Reorder.expect} at start and hold the others back until they deliver or go idle. Past `maxEvents` the oldest are released
 * regardless, so memory stays bounded. Events older than what was released go through at once
 * (the engine flags them late).
 */
import type { PipelineEvent } from '../model/index.js';

interface SourceState { wm: number; seenAt: number }

/** JSON state of a {@link Reorder}. */
export interface ReorderState {
  readonly sources: Record<string, { wm: number }>;
  readonly released: number | null;
  readonly events: readonly PipelineEvent[];
}

/** Options of {@link Reorder}. */
export interface ReorderOptions {
  readonly idleMs: number;
  readonly maxEvents: number;
  /** Wall clock for source liveness (tests pass their own). */
  readonly now?: () => number;
}

const byTime = (a: PipelineEvent, b: PipelineEvent): number => a.t - b.t;

/** The reorder buffer between commit and engine. */
export class Reorder {
  private readonly sources = new Map<string, SourceState>();
  private buf: PipelineEvent[] = [];
  private minT = Infinity;
  private released = -Infinity;
  private readonly now: () => number;

  constructor(private readonly opts: ReorderOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Declares a source that is expected to deliver (the service's configured channels): until it
   * delivers or goes idle it holds everything back, so the first channel to speak after a
   * start cannot run the watermark ahead of the others.
   */
  expect(source: string): void {
    if (!this.sources.has(source)) this.sources.set(source, { wm: -Infinity, seenAt: this.now() });
  }

  /** Adds committed events of one source (any order). */
  push(source: string, events: readonly PipelineEvent[]): void {
    let s = this.sources.get(source);
    if (s === undefined) this.sources.set(source, (s = { wm: -Infinity, seenAt: 0 }));
    s.seenAt = this.now();
    for (const e of events) {
      if (e.t > s.wm) s.wm = e.t;
      if (e.t < this.minT) this.minT = e.t;
      this.buf.push(e);
    }
  }

  /** The release limit: min watermark over active sources (Infinity when all are idle). */
  limit(): number {
    const now = this.now();
    let lim = Infinity;
    let active = 0;
    for (const s of this.sources.values()) {
      if (now - s.seenAt >= this.opts.idleMs) continue;
      active++;
      if (s.wm < lim) lim = s.wm;
    }
    return active === 0 ? Infinity : lim;
  }

  /** Events ready for the engine, sorted by event time. */
  release(): PipelineEvent[] {
    let lim = this.limit();
    if (this.buf.length > this.opts.maxEvents) {
      // Over the bound: release the oldest part whatever the sources say.
      const sorted = this.buf.sort(byTime);
      const cut = sorted[sorted.length - this.opts.maxEvents - 1]?.t ?? lim;
      lim = Math.max(lim === Infinity ? -Infinity : lim, cut);
    }
    if (this.buf.length === 0 || this.minT > lim) return [];
    const out: PipelineEvent[] = [];
    const keep: PipelineEvent[] = [];
    let minKeep = Infinity;
    for (const e of this.buf) {
      if (e.t <= lim) out.push(e);
      else { keep.push(e); if (e.t < minKeep) minKeep = e.t; }
    }
    this.buf = keep;
    this.minT = minKeep;
    out.sort(byTime);
    const last = out[out.length - 1];
    if (last !== undefined && last.t > this.released) this.released = last.t;
    return out;
  }

  /** Everything buffered, sorted (graceful shutdown). */
  releaseAll(): PipelineEvent[] {
    const out = this.buf.sort(byTime);
    this.buf = [];
    this.minT = Infinity;
    return out;
  }

  /** Events waiting. */
  get size(): number {
    return this.buf.length;
  }

  /** The watermark of `source` (its highest event time so far), if it delivered any. */
  sourceWatermark(source: string): number | undefined {
    const wm = this.sources.get(source)?.wm;
    return wm === undefined || !Number.isFinite(wm) ? undefined : wm;
  }

  /** Watermark of each source (for metrics). */
  watermarks(): Map<string, number> {
    return new Map([...this.sources].filter(([, v]) => Number.isFinite(v.wm)).map(([k, v]) => [k, v.wm]));
  }

  snapshot(): ReorderState {
    const sources: Record<string, { wm: number }> = {};
    for (const [k, v] of this.sources) if (Number.isFinite(v.wm)) sources[k] = { wm: v.wm };
    return { sources, released: Number.isFinite(this.released) ? this.released : null, events: [...this.buf] };
  }

  /** Restores state; restored sources count as just seen. */
  restore(s: ReorderState): void {
    const now = this.now();
    this.sources.clear();
    for (const [k, v] of Object.entries(s.sources)) this.sources.set(k, { wm: v.wm, seenAt: now });
    this.released = s.released ?? -Infinity;
    this.buf = [...s.events];
    this.minT = this.buf.reduce((m, e) => Math.min(m, e.t), Infinity);
  }
}
