/**
 * `unauthenticated-exposure` (critical): a catalog `personal` route answered a request that
 * carried no token with a 2xx response — personal data served to anyone (an endpoint that
 * lost its auth check, walked over sequential ids from rotating addresses, as in the 2022
 * Optus breach). Raised at the first such response of each route (entity `platform`, id
 * `METHOD route`); its `anonymous` indicator makes scope cover every such response.
 *
 * What is not counted: 204 (no body), 3xx such as 304 (nothing sent), 4xx/5xx, and methods the
 * catalog does not list as personal (HEAD, OPTIONS). A response with no `account_id` still
 * counts (data was served, whose is unknown): `details.responses_without_account` says how
 * many, since scope cannot name those accounts. A monitor hitting one test account every
 * minute raises the alert once and counts one account, however many responses.
 *
 * Per event: one route lookup (already cached by the engine's route table); state only per
 * exposed route. Findings: the first at once, then at most one a minute while counts grow.
 */
import type { PipelineEvent } from '../../model/index.js';
import type { RouteInfo, RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';
import { DEFAULT_EXPOSURE_EMIT_EVERY_MS, plural, Tally, type TallyState } from './tally.js';

const NAME = 'unauthenticated-exposure';

/** Options for {@link UnauthenticatedExposureDetector}. */
export interface UnauthenticatedExposureOptions {
  /** Re-emit a growing alert at most this often in event time (default 60 s). */
  readonly emitEveryMs?: number;
}


interface Exposed { key: string; tally: Tally }

/** See file header. */
export class UnauthenticatedExposureDetector implements Detector {
  readonly name = NAME;
  private routes: RouteTable | undefined;
  /** Keyed by the route table's info object: no string is built per event. */
  private readonly byInfo = new Map<RouteInfo, Exposed>();
  private readonly byKey = new Map<string, Exposed>();
  private readonly every: number;

  constructor(o: UnauthenticatedExposureOptions = {}) {
    this.every = o.emitEveryMs ?? DEFAULT_EXPOSURE_EMIT_EVERY_MS;
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access' || e.token !== undefined || e.status < 200 || e.status > 299 || e.status === 204) return;
    const routes = this.routes ?? (this.routes = ctx.routes);
    const info = routes.get(e.method, e.route);
    if (info === undefined || info.kind !== 'personal') return;
    let x = this.byInfo.get(info);
    if (x === undefined) {
      const key = `${e.method.toUpperCase()} ${e.route}`;
      x = this.byKey.get(key) ?? { key, tally: new Tally(e.t, e.t) };
      this.byInfo.set(info, x);
      this.byKey.set(key, x);
    }
    const t = x.tally;
    const isNew = t.events === 0;
    t.add(e.t, e.src_ip, e.account_id, e.request_id);
    if (e.account_id === undefined) t.other++;
    if (isNew) this.emit(x, e.t, ctx);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    for (const x of this.byKey.values()) if (x.tally.dirty && t - x.tally.lastEmit >= this.every) this.emit(x, t, ctx);
  }

  finish(t: number, ctx: DetectContext): void {
    for (const x of this.byKey.values()) if (x.tally.dirty) this.emit(x, t, ctx);
  }

  snapshot(): unknown {
    return [...this.byKey.values()].map((x) => [x.key, x.tally.snapshot()]);
  }

  restore(state: unknown): void {
    this.byInfo.clear();
    this.byKey.clear();
    for (const [key, s] of state as [string, TallyState][]) this.byKey.set(key, { key, tally: Tally.restore(s) });
  }

  stateBytes(): number {
    let b = 0;
    for (const x of this.byKey.values()) b += x.tally.bytes();
    return b;
  }

  private emit(x: Exposed, at: number, ctx: DetectContext): void {
    const t = x.tally;
    t.emitted(at);
    const accounts = t.accounts.count();
    const sources = t.sources.count();
    ctx.emit({
      detector: NAME, severity: 'critical', entity: { type: 'platform', id: x.key },
      title: `${x.key} served personal data of ${plural(accounts, 'account')} to requests without a token ` +
        `(${plural(t.events, 'response')} from ${plural(sources, 'address', 'addresses')})`,
      first_seen: t.first, last_seen: t.last, at, events: t.events, accounts, evidence: t.evidence,
      details: {
        route: x.key, responses: t.events, accounts, sources, responses_without_account: t.other,
        top_sources: t.topSources(),
      },
      indicators: [{ type: 'anonymous', value: x.key, first_seen: t.first, last_seen: t.last }],
    });
  }
}
