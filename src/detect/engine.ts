/**
 * The streaming detection engine: feeds events (already merged in event time) to every
 * detector, keeps the watermark, drives detector timers, folds findings into alerts and
 * snapshots/restores everything.
 *
 * Watermark scheme: watermark = max event time seen. `onWatermark(t)` runs on every detector
 * before the first event whose time reaches `nextDue` = min(last tick + tick interval,
 * earliest detector deadline). The tick interval is min(1 s, allowed lateness), so a deadline
 * registered while handling an event (always ≥ that event's time + allowed lateness) can never
 * fall before `nextDue`: every deadline fires before the first event that crosses it.
 * Events older than the watermark are delivered with `late = true`.
 *
 * The engine owns the state several detectors share (`DetectContext.feed`): it applies every
 * ledger event to the ledger index and notes every access event's source clock and token
 * record before any detector sees the event, sweeps them on each tick, and snapshots them.
 */
import { BreachwatchError } from '../model/index.js';
import type { Alert, Finding, PipelineEvent, ReferenceData } from '../model/index.js';
import { AlertManager, type AlertIndicator, type AlertManagerState } from './alert-manager.js';
import { makeContext } from './context.js';
import type { FeedSnapshot, FeedState } from './feed/feed-state.js';
import { DEFAULT_DETECT_SETTINGS, type DetectContext, type Detector, type DetectSettings } from './detector.js';
import type { Suppression } from './suppression.js';

/** Optional detector extension: the earliest pending timer (epoch ms), or Infinity. */
export interface DeadlineAware {
  nextDeadline(): number;
}

/** How to build an {@link Engine}. */
export interface EngineOptions {
  readonly detectors: readonly Detector[];
  readonly ref: ReferenceData;
  readonly settings?: Partial<DetectSettings>;
  /**
   * Keep every indicator in memory (default). `false` keeps only those not yet drained: for a
   * caller (hunt) that drains them into a store, which merges them, so memory stays bounded
   * however many tokens an attack forges.
   */
  readonly retainIndicators?: boolean;
  readonly suppressions?: readonly Suppression[];
  /** Called when an alert is created and whenever its severity rises. */
  readonly onAlert?: (a: Alert) => void;
}

/**
 * JSON-serializable engine state. v3: the feed state (ledger, coverage, clocks) lives here, not
 * in the detectors; alerts carry status and verdict; the exposure detectors' state; ledger
 * records with grant, client and first use; actors with their grant.
 */
export interface EngineSnapshot {
  readonly v: 3;
  readonly watermark: number | null;
  readonly lastTick: number | null;
  readonly startedAt: number | null;
  readonly started: boolean;
  readonly detectors: Record<string, unknown>;
  readonly alerts: AlertManagerState;
  readonly feed: FeedSnapshot;
}

/** Runs detectors over a time-ordered event stream. */
export class Engine {
  readonly settings: DetectSettings;
  private readonly dets: Detector[];
  private readonly timed: DeadlineAware[];
  private readonly ctx: DetectContext;
  private readonly manager: AlertManager;
  private readonly interval: number;
  private wm = -Infinity;
  private lastTick = -Infinity;
  private nextDue = -Infinity;
  private started = false;
  private startedAt: number | undefined;

  constructor(opts: EngineOptions) {
    this.settings = { ...DEFAULT_DETECT_SETTINGS, ...opts.settings };
    this.dets = [...opts.detectors];
    const names = new Set(this.dets.map((d) => d.name));
    if (names.size !== this.dets.length) throw new BreachwatchError('ERR_CONFIG', 'two detectors share a name');
    this.timed = this.dets.filter((d): d is Detector & DeadlineAware =>
      typeof (d as Partial<DeadlineAware>).nextDeadline === 'function');
    this.manager = new AlertManager(opts.suppressions ?? [], opts.onAlert, opts.retainIndicators ?? true);
    const mgr = this.manager;
    this.ctx = makeContext(opts.ref, this.settings, (f: Finding) => mgr.add(f));
    this.interval = Math.max(1, Math.min(1000, this.settings.allowedLatenessMs));
  }

  /** Ledger, coverage and clock offsets shared by the detectors (read-only for callers). */
  get feed(): FeedState {
    return this.ctx.feed;
  }

  /** Event-time watermark (max event time seen), or undefined before any event. */
  get watermark(): number | undefined {
    return this.wm === -Infinity ? undefined : this.wm;
  }

  /** Starts every detector (audits run here). Called implicitly by the first `push`. */
  start(firstEventTime?: number): void {
    if (this.started) return;
    this.started = true;
    this.startedAt = firstEventTime;
    for (const d of this.dets) d.start?.(this.ctx, firstEventTime);
  }

  /** Feeds a batch of events in non-decreasing event time (older ones are flagged late). */
  push(events: readonly PipelineEvent[]): void {
    const dets = this.dets;
    const nd = dets.length;
    const ctx = this.ctx;
    const feed = ctx.feed;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as PipelineEvent;
      const t = e.t;
      let late = false;
      if (t > this.wm) {
        if (!this.started) this.start(t);
        this.wm = t;
        if (t >= this.nextDue) this.tick(t);
      } else if (t < this.wm) {
        late = true;
      }
      if (e.kind === 'access') feed.onAccess(e);
      else feed.onLedger(e);
      for (let j = 0; j < nd; j++) (dets[j] as Detector).onEvent(e, ctx, late);
    }
  }

  /**
   * Moves event time to `t` without an event, ticking exactly as `push` would before an event
   * at `t` (nothing happens when `t` is not past the watermark). A partitioned worker's engine
   * sees only the events of its keys; this is how it learns the time of the events it does not
   * see, so that its `late` flags and its end-of-input time are the single process's.
   */
  advanceTo(t: number): void {
    if (!(t > this.wm)) return;
    if (!this.started) this.start(t);
    this.wm = t;
    if (t >= this.nextDue) this.tick(t);
  }

  /** End of input: every detector fires what is pending as of the watermark. */
  finish(): void {
    const t = this.wm !== -Infinity ? this.wm : this.startedAt;
    if (t === undefined) return;
    this.ctx.feed.finish(t);
    for (const d of this.dets) d.finish(t, this.ctx);
  }

  /** All alerts so far, sorted by detected_at then alert_id. */
  alerts(): Alert[] {
    return this.manager.alerts();
  }

  /** Alerts created or updated since the previous call. */
  drainChangedAlerts(): Alert[] {
    return this.manager.drainChanged();
  }

  /** Indicators new or widened since the previous call, for the store. */
  drainIndicators(): AlertIndicator[] {
    return this.manager.drainIndicators();
  }

  /** All indicators (of one alert when `alertId` is given). */
  indicators(alertId?: string): AlertIndicator[] {
    return this.manager.indicators(alertId);
  }

  /** Approximate bytes of state held by the detectors and the alert manager. */
  stateBytes(): number {
    let b = this.manager.bytes() + this.ctx.feed.bytes();
    for (const d of this.dets) b += d.stateBytes?.() ?? 0;
    return b;
  }

  /** JSON-serializable state of the whole engine. */
  snapshot(): EngineSnapshot {
    const detectors: Record<string, unknown> = {};
    for (const d of this.dets) detectors[d.name] = d.snapshot();
    return {
      v: 3,
      watermark: this.watermark ?? null,
      lastTick: this.lastTick === -Infinity ? null : this.lastTick,
      startedAt: this.startedAt ?? null,
      started: this.started,
      detectors,
      alerts: this.manager.snapshot(),
      feed: this.ctx.feed.snapshot(),
    };
  }

  /** Loads a snapshot into this engine (built with the same detector set). */
  restore(s: EngineSnapshot): void {
    if (s.v !== 3) throw new BreachwatchError('ERR_STATE', `unknown engine snapshot version ${String(s.v)}`);
    this.ctx.feed.restore(s.feed);
    for (const d of this.dets) {
      if (!(d.name in s.detectors)) throw new BreachwatchError('ERR_STATE', `snapshot lacks detector ${d.name}`);
      d.restore(s.detectors[d.name]);
    }
    this.manager.restore(s.alerts);
    this.wm = s.watermark ?? -Infinity;
    this.lastTick = s.lastTick ?? -Infinity;
    this.started = s.started;
    this.startedAt = s.startedAt ?? undefined;
    this.nextDue = this.computeNextDue();
  }

  /** Builds an engine and loads `snap` into it. */
  static restore(opts: EngineOptions, snap: EngineSnapshot): Engine {
    const e = new Engine(opts);
    e.restore(snap);
    return e;
  }

  private tick(t: number): void {
    this.lastTick = t;
    this.ctx.feed.onWatermark(t);
    for (const d of this.dets) d.onWatermark(t, this.ctx);
    this.nextDue = this.computeNextDue();
  }

  private computeNextDue(): number {
    let due = this.lastTick + this.interval;
    for (const d of this.timed) due = Math.min(due, d.nextDeadline());
    return due;
  }
}
