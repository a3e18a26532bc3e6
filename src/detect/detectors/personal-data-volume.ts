/**
 * `personal-data-volume` (medium; high only past 5× the baseline and 10× `minReads`): platform-wide personal-data reads per hour (sum of
 * `records`, else 1 per 2xx request on a `personal` route) against the platform's own seasonal
 * baseline — an EWMA mean and variance per hour-of-week slot. A slot needs `minWeeks` (2) of
 * history before it can fire. Fires when the hour exceeds mean + 6σ (σ at least √mean, the
 * Poisson floor) AND 1.5× mean AND `minReads`; checked every watermark tick (so a surge is
 * seen within the hour) and when the hour closes. Anomalous hours do not feed the baseline.
 * Hours without any event are treated as missing data, not zero. Entity `platform/all`.
 */
import { HOUR, toRfc3339 } from '../../model/index.js';
import type { PipelineEvent } from '../../model/index.js';
import type { RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';

const NAME = 'personal-data-volume';
const SLOTS = 168;

/** Tuning for {@link PersonalDataVolumeDetector}. */
export interface VolumeOptions {
  readonly minWeeks?: number;
  readonly sigmas?: number;
  readonly ratio?: number;
  readonly minReads?: number;
  /** EWMA weight of a new week (default 0.3; the first weeks average exactly). */
  readonly alpha?: number;
}

/** See file header. */
export class PersonalDataVolumeDetector implements Detector {
  readonly name = NAME;
  private mean = new Array<number>(SLOTS).fill(0);
  private vari = new Array<number>(SLOTS).fill(0);
  private n = new Array<number>(SLOTS).fill(0);
  private hour = -1;
  private count = 0;
  private first = 0;
  private last = 0;
  private firedHour = -1;
  /** Reads in anomalous hours already closed. */
  private total = 0;
  private hours = 0;
  private routes: RouteTable | undefined;
  private readonly o: Required<VolumeOptions>;

  constructor(o: VolumeOptions = {}) {
    this.o = { minWeeks: 2, sigmas: 6, ratio: 1.5, minReads: 50, alpha: 0.3, ...o };
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access' || e.status < 200 || e.status > 299) return;
    const routes = this.routes ?? (this.routes = ctx.routes);
    if (routes.get(e.method, e.route)?.kind !== 'personal') return;
    const h = Math.floor(e.t / HOUR);
    if (h > this.hour) this.roll(h, e.t, ctx);
    if (this.count === 0) this.first = e.t;
    this.count += e.records ?? 1;
    if (e.t > this.last) this.last = e.t;
  }

  onWatermark(t: number, ctx: DetectContext): void {
    if (this.hour >= 0 && this.firedHour !== this.hour && this.count > 0 && this.anomalous(this.hour, this.count)) {
      this.fire(t, ctx);
    }
  }

  finish(t: number, ctx: DetectContext): void {
    if (this.hour >= 0 && this.count > 0 && this.anomalous(this.hour, this.count)) this.fire(t, ctx);
  }

  snapshot(): unknown {
    const { routes: _r, o: _o, ...state } = this;
    return state;
  }

  restore(state: unknown): void {
    Object.assign(this, state as Record<string, unknown>);
  }

  stateBytes(): number {
    return SLOTS * 3 * 8 + 200;
  }

  private slot(h: number): number {
    return (h + 72) % SLOTS; // epoch hour 0 is a Thursday; slot 0 = Monday 00:00 UTC
  }

  private threshold(h: number): number | undefined {
    const s = this.slot(h);
    if ((this.n[s] as number) < this.o.minWeeks) return undefined;
    const m = this.mean[s] as number;
    const sd = Math.max(Math.sqrt(this.vari[s] as number), Math.sqrt(m), 1);
    return Math.max(m + this.o.sigmas * sd, this.o.ratio * m, this.o.minReads);
  }

  private anomalous(h: number, x: number): boolean {
    const thr = this.threshold(h);
    return thr !== undefined && x > thr;
  }

  /** Closes the current hour (fire / learn) and opens hour `h`. */
  private roll(h: number, t: number, ctx: DetectContext): void {
    if (this.hour >= 0 && this.count > 0) {
      if (this.anomalous(this.hour, this.count)) {
        this.fire(t, ctx);
        this.total += this.count;
      } else {
        this.learn(this.slot(this.hour), this.count);
      }
    }
    this.hour = h;
    this.count = 0;
  }

  private learn(s: number, x: number): void {
    const n = (this.n[s] as number) + 1;
    this.n[s] = n;
    if (n === 1) {
      this.mean[s] = x;
      this.vari[s] = 0;
      return;
    }
    const a = Math.max(1 / n, this.o.alpha);
    const m = this.mean[s] as number;
    const d = x - m;
    this.mean[s] = m + a * d;
    this.vari[s] = (1 - a) * ((this.vari[s] as number) + a * d * d);
  }

  private fire(at: number, ctx: DetectContext): void {
    const s = this.slot(this.hour);
    const m = this.mean[s] as number;
    if (this.firedHour !== this.hour) {
      this.hours++;
      this.firedHour = this.hour;
    }
    ctx.emit({
      detector: NAME, severity: this.count > 5 * m && this.count >= 10 * this.o.minReads ? 'high' : 'medium',
      title: `Personal-data reads ${this.count} in hour ${toRfc3339(this.hour * HOUR).slice(0, 13)}h, baseline ${Math.round(m)}`,
      entity: { type: 'platform', id: 'all' }, first_seen: this.first, last_seen: this.last, at,
      events: this.total + this.count, accounts: 0,
      details: {
        hour: toRfc3339(this.hour * HOUR), reads: this.count, baseline_mean: Math.round(m),
        baseline_sd: Math.round(Math.sqrt(this.vari[s] as number)), anomalous_hours: this.hours,
      },
    });
  }
}
