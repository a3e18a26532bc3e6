/**
 * A campaign book groups bad token uses into one alert per entity (a signing key, a replaying
 * device) instead of one per token: running totals, a sample of tokens and source IPs, and a
 * token indicator per bad token for the scope stage.
 *
 * Rate limits keep findings few when millions of bad events arrive: a campaign's first hit
 * emits at once (so detected_at is the triggering event); later hits only mark it dirty, and
 * `tick` emits a dirty campaign when it has new indicators or `emitEveryMs` (60 s) passed.
 * A token's indicator is re-sent only when its last_seen advanced by > `refreshMs` (1 h);
 * `finish` and eviction flush the rest, so the final windows are exact.
 */
import { SEVERITIES } from '../model/index.js';
import type { EntityType, Finding, Indicator, Severity } from '../model/index.js';
import type { DetectContext } from './detector.js';
import { hash30 } from './hash.js';
import { DistinctCounter, type DistinctCounterState } from './sketch/distinct-counter.js';
import { TopK } from './sketch/top-k.js';

/** Pending indicators that make a campaign emit before its regular interval. */
const PENDING_FLUSH = 4096;
/** How often (event time) {@link CampaignBook.advance} evicts expired tokens. */
const EVICT_EVERY_MS = 60_000;

/** Campaign book tuning. */
export interface CampaignOptions {
  readonly detector: string;
  readonly entityType: EntityType;
  /** Also emit an indicator of this type whose value is the entity id. */
  readonly entityIndicator?: Indicator['type'];
  readonly title: (entityId: string, reasons: Record<string, number>) => string;
  readonly refreshMs?: number;
  readonly emitEveryMs?: number;
  /** Tokens are forgotten once the watermark passes exp + keepMs. */
  readonly keepMs?: number;
  readonly maxTokens?: number;
}

interface Campaign {
  id: string; sev: number; first: number; last: number; events: number;
  accounts: DistinctCounter; tokens: number; sample: string[]; ips: TopK; evidence: string[];
  reasons: Record<string, number>; pending: Indicator[]; lastEmit: number;
}

interface Tok { c: string; first: number; last: number; sent: number; exp: number }

const sevNum = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);
const numSev = (n: number): Severity => SEVERITIES[SEVERITIES.length - n] ?? 'low';

/** Groups bad token uses per entity and emits rate-limited findings. */
export class CampaignBook {
  private readonly camps = new Map<string, Campaign>();
  private readonly toks = new Map<string, Tok>();
  private dirty = new Set<string>();
  private lastEvict = -Infinity;
  private readonly refreshMs: number;
  private readonly emitEveryMs: number;
  private readonly keepMs: number;
  private readonly maxTokens: number;

  constructor(private readonly o: CampaignOptions) {
    this.refreshMs = o.refreshMs ?? 3_600_000;
    this.emitEveryMs = o.emitEveryMs ?? 60_000;
    this.keepMs = o.keepMs ?? 3_600_000;
    this.maxTokens = o.maxTokens ?? 1_000_000;
  }

  /** True when `jti` is already a known bad token. */
  hasToken(jti: string): boolean {
    return this.toks.has(jti);
  }

  /**
   * Records `events` bad uses (first..last, epoch ms) of token `jti` (exp in Unix seconds)
   * against entity `entityId`, detected at event time `at`.
   */
  hit(
    ctx: DetectContext, at: number, entityId: string, sev: Severity, reason: string,
    jti: string | undefined, exp: number, first: number, last: number, events: number,
    account: string | undefined, ip: string | undefined, requestId: string | undefined,
  ): void {
    let c = this.camps.get(entityId);
    const isNew = c === undefined;
    if (c === undefined) {
      c = {
        id: entityId, sev: 0, first, last, events: 0, accounts: new DistinctCounter(), tokens: 0,
        sample: [], ips: new TopK(32), evidence: [], reasons: {}, pending: [], lastEmit: -Infinity,
      };
      this.camps.set(entityId, c);
    }
    c.sev = Math.max(c.sev, sevNum(sev));
    if (first < c.first) c.first = first;
    if (last > c.last) c.last = last;
    c.events += events;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + events;
    if (account !== undefined) c.accounts.add(hash30(account));
    if (ip !== undefined) c.ips.add(ip, events);
    if (requestId !== undefined && c.evidence.length < 20) c.evidence.push(requestId);
    if (jti !== undefined) this.hitToken(c, jti, exp, first, last);
    this.dirty.add(entityId);
    if (isNew) this.emit(c, at, ctx);
  }

  /** Emits dirty campaigns that have news or whose last finding is older than emitEveryMs. */
  tick(wm: number, ctx: DetectContext): void {
    if (this.dirty.size === 0) return;
    for (const id of this.dirty) {
      const c = this.camps.get(id);
      // New indicators are batched: a finding per second of a busy attack would cost more than
      // the attack's events. The first finding of a campaign is emitted at once (in hit()).
      if (c !== undefined && (c.pending.length >= PENDING_FLUSH || wm - c.lastEmit >= this.emitEveryMs)) this.emit(c, wm, ctx);
    }
  }

  /**
   * The watermark moved to `wm`: emits what is due ({@link tick}) and, at most once a minute of
   * event time, forgets expired tokens ({@link evict}). Detectors call this from onWatermark.
   */
  advance(wm: number, ctx: DetectContext): void {
    this.tick(wm, ctx);
    if (wm - this.lastEvict >= EVICT_EVERY_MS) {
      this.lastEvict = wm;
      this.evict(wm);
    }
  }

  /** Forgets tokens past exp + keepMs (flushing their indicators first), oldest first. */
  evict(wm: number): void {
    // Tokens are kept in first-use order, which is nearly expiry order: stop at the first one
    // still live (a rare later-expiring token ahead of it only delays the others' eviction).
    for (const [jti, t] of this.toks) {
      if (t.exp * 1000 + this.keepMs >= wm) break;
      this.dropToken(jti, t);
    }
  }

  /** Flushes every token indicator and emits every changed campaign at `t`. */
  finish(t: number, ctx: DetectContext): void {
    for (const [jti, tk] of this.toks) {
      if (tk.last > tk.sent) this.flushToken(jti, tk);
    }
    for (const id of this.dirty) {
      const c = this.camps.get(id);
      if (c !== undefined) this.emit(c, t, ctx);
    }
  }

  bytes(): number {
    let b = 0;
    for (const [j] of this.toks) b += 120 + j.length;
    for (const c of this.camps.values()) b += 600 + c.accounts.bytes() + c.ips.bytes() + c.pending.length * 100;
    return b;
  }

  snapshot(): unknown {
    return {
      camps: [...this.camps.values()].map((c) => ({ ...c, accounts: c.accounts.snapshot(), ips: c.ips.snapshot(), lastEmit: c.lastEmit === -Infinity ? null : c.lastEmit })),
      toks: [...this.toks].map(([j, t]) => [j, t.c, t.first, t.last, t.sent, t.exp]),
      dirty: [...this.dirty],
      lastEvict: Number.isFinite(this.lastEvict) ? this.lastEvict : null,
    };
  }

  restore(state: unknown): void {
    const s = state as {
      camps: (Omit<Campaign, 'accounts' | 'ips' | 'lastEmit'> & { accounts: DistinctCounterState; ips: [string, number][]; lastEmit: number | null })[];
      toks: [string, string, number, number, number, number][];
      dirty: string[];
      lastEvict?: number | null;
    };
    this.camps.clear();
    this.toks.clear();
    for (const c of s.camps) {
      this.camps.set(c.id, { ...c, accounts: DistinctCounter.restore(c.accounts), ips: TopK.restore(c.ips, 32), lastEmit: c.lastEmit ?? -Infinity });
    }
    for (const [j, c, first, last, sent, exp] of s.toks) this.toks.set(j, { c, first, last, sent, exp });
    this.dirty = new Set(s.dirty);
    this.lastEvict = s.lastEvict ?? -Infinity;
  }

  private hitToken(c: Campaign, jti: string, exp: number, first: number, last: number): void {
    const t = this.toks.get(jti);
    if (t === undefined) {
      if (this.toks.size >= this.maxTokens) {
        const oldest = this.toks.entries().next().value;
        if (oldest !== undefined) this.dropToken(oldest[0], oldest[1]);
      }
      this.toks.set(jti, { c: c.id, first, last, sent: last, exp });
      c.tokens++;
      if (c.sample.length < 10) c.sample.push(jti);
      c.pending.push({ type: 'token', value: jti, first_seen: first, last_seen: last });
      return;
    }
    if (first < t.first) t.first = first;
    if (last > t.last) t.last = last;
    if (t.last - t.sent > this.refreshMs) this.flushToken(jti, t);
  }

  private flushToken(jti: string, t: Tok): void {
    t.sent = t.last;
    const c = this.camps.get(t.c);
    if (c === undefined) return;
    c.pending.push({ type: 'token', value: jti, first_seen: t.first, last_seen: t.last });
    this.dirty.add(c.id);
  }

  private dropToken(jti: string, t: Tok): void {
    if (t.last > t.sent) this.flushToken(jti, t);
    this.toks.delete(jti);
  }

  private emit(c: Campaign, at: number, ctx: DetectContext): void {
    const o = this.o;
    const indicators = c.pending;
    if (o.entityIndicator !== undefined) {
      indicators.push({ type: o.entityIndicator, value: c.id, first_seen: c.first, last_seen: c.last });
    }
    const f: Finding = {
      detector: o.detector, severity: numSev(c.sev), title: o.title(c.id, c.reasons),
      entity: { type: o.entityType, id: c.id }, first_seen: c.first, last_seen: c.last, at,
      events: c.events, accounts: c.accounts.count(), evidence: c.evidence,
      details: {
        reasons: { ...c.reasons }, tokens: c.tokens, sample_jtis: [...c.sample],
        src_ips: c.ips.top(10).map((x) => ({ ip: x.key, requests: x.count })),
      },
      indicators,
    };
    c.pending = [];
    c.lastEmit = at;
    this.dirty.delete(c.id);
    ctx.emit(f);
  }
}
