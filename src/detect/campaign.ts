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
 *
 * Withdrawal: when later evidence clears a token (a ledger record that arrived late),
 * {@link CampaignBook.withdraw} takes its events, reasons, account and source back out of its
 * campaign, marks its indicator retracted and emits at once; a campaign left with no token is
 * retracted. Findings are therefore `revised`: their totals replace the alert's.
 */
import { SEVERITIES } from '../model/index.js';
import type { EntityType, Finding, Indicator, Severity, Verdict } from '../model/index.js';
import type { DetectContext } from './detector.js';
import { hash30 } from './hash.js';
import { AccountTally, type AccountTallyState } from './sketch/account-tally.js';
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
  /** Verdict carried by every finding of this book (token findings). */
  readonly verdict?: Verdict;
}

interface Campaign {
  id: string; first: number; last: number; events: number;
  accounts: AccountTally; tokens: number; sample: string[]; ips: TopK; evidence: string[];
  reasons: Record<string, number>; pending: Indicator[]; lastEmit: number;
  /** Severity rank per reason still present, so a withdrawal can lower the campaign's. */
  sevs: Record<string, number>;
  /** Tokens withdrawn so far, and why. */
  withdrawn: Record<string, number>;
  /** Highest severity and the title it had while it had tokens (a retracted alert keeps both). */
  peak: number;
  title: string;
}

/** Per bad token: its campaign, window, events, first account (hash, -1 none), source, reason. */
interface Tok { c: string; first: number; last: number; sent: number; exp: number; n: number; acct: number; ip: string | undefined; reason: string }

/** What {@link CampaignBook.withdraw} took out (enough to re-file the token elsewhere). */
export interface WithdrawnToken {
  readonly jti: string;
  readonly entityId: string;
  readonly first: number;
  readonly last: number;
  readonly events: number;
  readonly exp: number;
  readonly reason: string;
}

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

  /** The reason `jti` was filed under, if it is a known bad token. */
  reasonOf(jti: string): string | undefined {
    return this.toks.get(jti)?.reason;
  }

  /**
   * Takes token `jti` back out of its campaign because later evidence cleared it (`why`):
   * counts shrink and its indicator is marked retracted; a campaign left with no token is
   * emitted, retracted, at event time `at` (others at their next tick). Undefined when `jti`
   * is not filed here.
   */
  withdraw(ctx: DetectContext, at: number, jti: string, why: string): WithdrawnToken | undefined {
    const t = this.toks.get(jti);
    if (t === undefined) return undefined;
    this.toks.delete(jti);
    const c = this.camps.get(t.c);
    if (c === undefined) return undefined;
    c.events = Math.max(0, c.events - t.n);
    const left = (c.reasons[t.reason] ?? 0) - t.n;
    if (left > 0) c.reasons[t.reason] = left;
    else {
      delete c.reasons[t.reason];
      delete c.sevs[t.reason];
    }
    c.tokens = Math.max(0, c.tokens - 1);
    if (t.acct >= 0) c.accounts.remove(t.acct);
    if (t.ip !== undefined) c.ips.remove(t.ip, t.n);
    const k = c.sample.indexOf(jti);
    if (k >= 0) c.sample.splice(k, 1);
    c.withdrawn[why] = (c.withdrawn[why] ?? 0) + 1;
    c.pending.push({ type: 'token', value: jti, first_seen: t.first, last_seen: t.last, retracted: true });
    // A campaign with nothing left is news for the sinks at once; a shrinking one waits for its tick.
    if (c.tokens === 0) this.emit(c, at, ctx);
    else this.dirty.add(c.id);
    return { jti, entityId: t.c, first: t.first, last: t.last, events: t.n, exp: t.exp, reason: t.reason };
  }

  /** Files a token withdrawn from another book here (e.g. unverifiable → forged), with its history. */
  refile(ctx: DetectContext, at: number, w: WithdrawnToken, sev: Severity, reason: string, account: string | undefined, ip: string | undefined): void {
    this.hit(ctx, at, w.entityId, sev, reason, w.jti, w.exp, w.first, w.last, w.events, account, ip, undefined);
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
    // A new campaign, or one that every token had left, is news: emitted at once.
    const isNew = c === undefined || (c.tokens === 0 && Object.keys(c.withdrawn).length > 0);
    if (c === undefined) {
      c = {
        id: entityId, first, last, events: 0, accounts: new AccountTally(), tokens: 0, sevs: {}, withdrawn: {}, peak: 0, title: '',
        sample: [], ips: new TopK(32), evidence: [], reasons: {}, pending: [], lastEmit: -Infinity,
      };
      this.camps.set(entityId, c);
    }
    c.sevs[reason] = Math.max(c.sevs[reason] ?? 0, sevNum(sev));
    if (first < c.first) c.first = first;
    if (last > c.last) c.last = last;
    c.events += events;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + events;
    if (ip !== undefined) c.ips.add(ip, events);
    if (requestId !== undefined && c.evidence.length < 20) c.evidence.push(requestId);
    const h = account === undefined ? -1 : hash30(account);
    if (jti === undefined) {
      if (h >= 0) c.accounts.add(h);
    } else {
      this.hitToken(c, jti, { exp, first, last, n: events, acct: h, ip, reason });
    }
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
    for (const [j] of this.toks) b += 150 + j.length;
    for (const c of this.camps.values()) b += 600 + c.accounts.bytes() + c.ips.bytes() + c.pending.length * 100;
    return b;
  }

  snapshot(): unknown {
    return {
      camps: [...this.camps.values()].map((c) => ({ ...c, accounts: c.accounts.snapshot(), ips: c.ips.snapshot(), lastEmit: c.lastEmit === -Infinity ? null : c.lastEmit })),
      toks: [...this.toks].map(([j, t]) => [j, t.c, t.first, t.last, t.sent, t.exp, t.n, t.acct, t.ip ?? null, t.reason]),
      dirty: [...this.dirty],
      lastEvict: Number.isFinite(this.lastEvict) ? this.lastEvict : null,
    };
  }

  restore(state: unknown): void {
    const s = state as {
      camps: (Omit<Campaign, 'accounts' | 'ips' | 'lastEmit'> & { accounts: AccountTallyState; ips: [string, number][]; lastEmit: number | null })[];
      toks: [string, string, number, number, number, number, number, number, string | null, string][];
      dirty: string[];
      lastEvict?: number | null;
    };
    this.camps.clear();
    this.toks.clear();
    for (const c of s.camps) {
      this.camps.set(c.id, {
        ...c, reasons: { ...c.reasons }, sevs: { ...c.sevs }, withdrawn: { ...c.withdrawn }, sample: [...c.sample],
        evidence: [...c.evidence], pending: [...c.pending],
        accounts: AccountTally.restore(c.accounts), ips: TopK.restore(c.ips, 32), lastEmit: c.lastEmit ?? -Infinity,
      });
    }
    for (const [j, c, first, last, sent, exp, n, acct, ip, reason] of s.toks) this.toks.set(j, { c, first, last, sent, exp, n, acct, ip: ip ?? undefined, reason });
    this.dirty = new Set(s.dirty);
    this.lastEvict = s.lastEvict ?? -Infinity;
  }

  private hitToken(c: Campaign, jti: string, x: Omit<Tok, 'c' | 'sent'>): void {
    const t = this.toks.get(jti);
    if (t === undefined) {
      if (this.toks.size >= this.maxTokens) {
        const oldest = this.toks.entries().next().value;
        if (oldest !== undefined) this.dropToken(oldest[0], oldest[1]);
      }
      this.toks.set(jti, { ...x, c: c.id, sent: x.last });
      if (x.acct >= 0) c.accounts.add(x.acct);
      c.tokens++;
      if (c.sample.length < 10) c.sample.push(jti);
      c.pending.push({ type: 'token', value: jti, first_seen: x.first, last_seen: x.last });
      return;
    }
    t.n += x.n;
    // a token reaching a second account: counted, though a withdrawal takes back only its first
    if (x.acct >= 0 && x.acct !== t.acct) c.accounts.add(x.acct);
    if (x.first < t.first) t.first = x.first;
    if (x.last > t.last) t.last = x.last;
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
    let sev = 0;
    for (const k in c.sevs) sev = Math.max(sev, c.sevs[k] ?? 0);
    const withdrawn = Object.values(c.withdrawn).reduce((a, b) => a + b, 0);
    const retracted = c.tokens === 0 && withdrawn > 0;
    const reason = Object.entries(c.withdrawn).map(([k, v]) => `${k} (${v} token${v === 1 ? '' : 's'})`).join(', ');
    if (!retracted) {
      c.peak = Math.max(c.peak, sev);
      c.title = o.title(c.id, c.reasons);
    }
    const f: Finding = {
      detector: o.detector, severity: numSev((retracted ? c.peak : sev) || sevNum('low')),
      title: retracted ? `Retracted: ${c.title}` : c.title,
      entity: { type: o.entityType, id: c.id }, first_seen: c.first, last_seen: c.last, at,
      events: c.events, accounts: c.accounts.count(), evidence: c.evidence,
      details: {
        reasons: { ...c.reasons }, tokens: c.tokens, sample_jtis: [...c.sample],
        src_ips: c.ips.top(10).map((x) => ({ ip: x.key, requests: x.count })),
        ...(withdrawn > 0 && { withdrawn_tokens: { ...c.withdrawn } }),
      },
      indicators,
      ...(o.verdict !== undefined && { verdict: o.verdict }),
      revised: retracted ? { retracted, reason: `later evidence cleared every token: ${reason}` } : { retracted },
    };
    c.pending = [];
    c.lastEmit = at;
    this.dirty.delete(c.id);
    ctx.emit(f);
  }
}
