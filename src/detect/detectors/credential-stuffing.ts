/**
 * `credential-stuffing` (high): one IP failing many logins — stolen passwords tried at scale.
 *
 * Carrier NAT and office addresses also carry many logins, but their failures are the odd
 * typo (a few percent); a stuffing source fails most of its attempts. A source fires when it
 * has at least `failures[i]` failed logins (catalog kind `auth`, status 4xx) within
 * `windows[i]` AND at least `minFailureRatio` of its login attempts failed. Once it fires,
 * everything that source does afterwards is the attacker's (the accounts it got into are read
 * next), so its `ip` indicator spans from its first login attempt to its last event.
 *
 * State is kept only for sources that failed a login; each keeps the times of its last
 * `max(failures)` failures (a ring), so "N failures within W" is exact. Idle sources are
 * forgotten after the longest window.
 */
import type { AccessEvent, PipelineEvent } from '../../model/index.js';
import { toRfc3339 } from '../../model/index.js';
import type { RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';

const NAME = 'credential-stuffing';
const HOUR = 3_600_000;

/** Thresholds of {@link CredentialStuffingDetector}. */
export interface CredentialStuffingOptions {
  readonly windowsMs?: readonly number[];
  readonly failures?: readonly number[];
  readonly minFailureRatio?: number;
  /** How often (event time) a firing source's alert and indicator are refreshed. */
  readonly emitEveryMs?: number;
}

interface Source {
  first: number; last: number; attempts: number; fails: number;
  ring: number[]; head: number;
  fired: boolean; firedAt: number; lastEmit: number; events: number; accounts: Set<string>;
  evidence: string[];
}

/**
 * True for a failed login (a catalog `auth` route answered 4xx): the only event that makes
 * this detector keep state for a source. Before a source's first one, its events are ignored;
 * `breachwatch ship` routes a source's events to the detector's partition from then on.
 */
export function isFailedLogin(e: AccessEvent, routes: RouteTable): boolean {
  return e.status >= 400 && e.status < 500 && routes.get(e.method, e.route)?.kind === 'auth';
}

/** See file header. */
export class CredentialStuffingDetector implements Detector {
  readonly name = NAME;
  private readonly windows: readonly number[];
  private readonly failures: readonly number[];
  private readonly ratio: number;
  private readonly every: number;
  private readonly cap: number;
  private sources = new Map<string, Source>();
  private lastSweep = -Infinity;

  constructor(o: CredentialStuffingOptions = {}) {
    this.windows = o.windowsMs ?? [HOUR, 24 * HOUR, 7 * 24 * HOUR];
    this.failures = o.failures ?? [20, 50, 100];
    this.ratio = o.minFailureRatio ?? 0.5;
    this.every = o.emitEveryMs ?? 60_000;
    this.cap = Math.max(...this.failures);
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access') return;
    const isAuth = ctx.routeInfo(e.method, e.route)?.kind === 'auth';
    let s = this.sources.get(e.src_ip);
    if (s === undefined) {
      if (!isFailedLogin(e, ctx.routes)) return;
      s = {
        first: e.t, last: e.t, attempts: 0, fails: 0, ring: [], head: 0, fired: false, firedAt: 0, lastEmit: -Infinity,
        events: 0, accounts: new Set(), evidence: [],
      };
      this.sources.set(e.src_ip, s);
    }
    s.last = Math.max(s.last, e.t);
    if (s.fired) {
      s.events++;
      if (e.account_id !== undefined && e.status >= 200 && e.status < 300) s.accounts.add(e.account_id);
      if (e.t - s.lastEmit >= this.every) this.emit(e.src_ip, s, e.t, ctx);
    }
    if (!isAuth) return;
    s.attempts++;
    if (e.status < 400 || e.status >= 500) return;
    s.fails++;
    if (e.request_id !== undefined && s.evidence.length < 20) s.evidence.push(e.request_id);
    if (s.ring.length < this.cap) s.ring.push(e.t);
    else { s.ring[s.head] = e.t; s.head = (s.head + 1) % this.cap; }
    if (!s.fired && this.crossed(s, e.t)) {
      s.fired = true;
      s.firedAt = e.t;
      s.events = s.attempts;
      this.emit(e.src_ip, s, e.t, ctx);
    }
  }

  /** True when some window holds at least its failure threshold and the failure ratio is high. */
  private crossed(s: Source, now: number): boolean {
    if (s.fails < this.ratio * s.attempts) return false;
    const n = s.ring.length;
    for (let i = 0; i < this.windows.length; i++) {
      const need = this.failures[i] ?? Infinity;
      if (n < need) continue;
      // The need-th most recent failure time: ring is circular once full.
      const idx = n < this.cap ? n - need : (s.head - need + this.cap) % this.cap;
      if (now - (s.ring[idx] ?? -Infinity) <= (this.windows[i] ?? 0)) return true;
    }
    return false;
  }

  private emit(ip: string, s: Source, at: number, ctx: DetectContext): void {
    s.lastEmit = at;
    ctx.emit({
      detector: NAME, severity: 'high', entity: { type: 'ip', id: ip },
      title: `IP ${ip} failed ${s.fails} of ${s.attempts} logins (credential stuffing)`,
      first_seen: s.first, last_seen: s.last, at, events: s.events, accounts: s.accounts.size,
      evidence: s.evidence,
      details: { failed_logins: s.fails, login_attempts: s.attempts, fired_at: toRfc3339(s.firedAt) },
      indicators: [{ type: 'ip', value: ip, first_seen: s.first, last_seen: s.last }],
    });
  }

  onWatermark(t: number): void {
    if (t - this.lastSweep < HOUR) return;
    this.lastSweep = t;
    const horizon = Math.max(...this.windows);
    for (const [ip, s] of this.sources) if (!s.fired && t - s.last > horizon) this.sources.delete(ip);
  }

  finish(t: number, ctx: DetectContext): void {
    for (const [ip, s] of this.sources) if (s.fired && s.lastEmit < s.last) this.emit(ip, s, t, ctx);
  }

  snapshot(): unknown {
    return {
      lastSweep: Number.isFinite(this.lastSweep) ? this.lastSweep : null,
      sources: [...this.sources].map(([ip, s]) => [ip, {
        ...s, lastEmit: Number.isFinite(s.lastEmit) ? s.lastEmit : null, accounts: [...s.accounts],
      }]),
    };
  }

  restore(state: unknown): void {
    const st = state as { lastSweep: number | null; sources: [string, Omit<Source, 'accounts' | 'lastEmit'> & { accounts: string[]; lastEmit: number | null }][] };
    this.lastSweep = st.lastSweep ?? -Infinity;
    this.sources = new Map(st.sources.map(([ip, s]) => [ip, { ...s, lastEmit: s.lastEmit ?? -Infinity, accounts: new Set(s.accounts) }]));
  }

  stateBytes(): number {
    let b = 0;
    for (const s of this.sources.values()) b += 120 + 8 * s.ring.length + 40 * s.accounts.size;
    return b;
  }
}
