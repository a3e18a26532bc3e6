/**
 * `unissued-token`: a token whose jti the issuance ledger never recorded (after the allowed
 * lateness), whose ledger record disagrees with its claims (sub, kid, exp), a revoked token
 * used after its revocation, or an issued token signed with a key the registry revoked, used
 * after the key's revocation (`used_after_key_revoke`, critical: a rotated key must not sign
 * in). One alert per signing key and verdict (entity `key`), with a token indicator per bad token: a forged-token campaign is one alert, not one per token.
 *
 * Verdicts (see `feed/verdict.ts`): **forged** (critical; revoked use: high) only where the
 * ledger provably covered the token's claimed issuance after the source's clock correction;
 * **unverifiable** (medium, its own alert) where a gap, a coverage edge or the clock leaves it
 * open. Unknown jtis wait in a FIFO of deadlines (first use + allowed lateness); a token that
 * claims an issuance after its logged first use (its gateway's clock runs behind) waits that
 * much longer, as far as its source's measured offset explains, and one whose claimed issuance
 * the ledger has not yet shown life after waits for it, both in a deadline heap.
 *
 * Retraction: a ledger record arriving after its token was judged withdraws the token from
 * its alert (counts shrink; an alert left with no token is retracted); a record that
 * contradicts the claims moves it to the forged alert as a mismatch.
 */
import type { AccessEvent, LedgerEvent, PipelineEvent, Severity } from '../../model/index.js';
import { CampaignBook } from '../campaign.js';
import { DeadlineHeap } from '../deadline-heap.js';
import type { DetectContext, Detector } from '../detector.js';
import type { DeadlineAware } from '../engine.js';
import { EPOCH_S, type LedgerRecord } from '../ledger.js';

const NAME = 'unissued-token';
/** How often a token whose issuance is not yet confirmed is looked at again (event time). */
const RECHECK_MS = 1_000;

/** A used token the ledger has not (yet) recorded. */
interface Pending {
  jti: string; kid: string; sub: string; iat: number; exp: number; first: number; last: number;
  due: number; events: number; account: string | undefined; ip: string; req: string | undefined;
  /** Clock source key of its first use. */
  src: string;
}

/** Options for {@link UnissuedTokenDetector}. */
export interface UnissuedTokenOptions {
  readonly allowedLatenessMs?: number;
}

const SEV: Record<string, Severity> = { used_after_revoke: 'high' };

/** See file header. */
export class UnissuedTokenDetector implements Detector, DeadlineAware {
  readonly name = NAME;
  private readonly pending = new Map<string, Pending>();
  private queue: Pending[] = [];
  private head = 0;
  private readonly waiting = new DeadlineHeap<Pending>();
  private readonly forged = new CampaignBook({
    detector: NAME, entityType: 'key', verdict: 'forged',
    title: (kid, r) => `Tokens signed with ${kid} that the issuance ledger ${onlyRevoked(r) ? 'revoked' : 'never issued'} are in use`,
  });
  private readonly unverifiable = new CampaignBook({
    detector: NAME, entityType: 'key', verdict: 'unverifiable',
    title: (kid) => `Tokens signed with ${kid} are in use that the ledger could not have recorded (feed gap, coverage edge or clock): unverifiable, not proven forged`,
  });
  private lateness: number | undefined;
  /** Forged while the ledger was quiet (see `Judgement.provisional`), in judgment order. */
  private provisional: { jti: string; iat: number }[] = [];
  private coverageSeen = -1;
  private keyRevoked: Map<string, number> | undefined;

  constructor(o: UnissuedTokenOptions = {}) {
    this.lateness = o.allowedLatenessMs;
  }

  start(ctx: DetectContext): void {
    this.lateness ??= ctx.settings.allowedLatenessMs;
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind === 'ledger') {
      this.onLedger(e, ctx);
      return;
    }
    const tok = e.token;
    if (tok === undefined) return;
    const rec = ctx.feed.rec;
    if (rec !== undefined && rec.kid !== undefined) {
      if (rec.kid !== tok.kid || rec.sub !== tok.sub || rec.exp !== tok.exp - EPOCH_S) {
        this.bad(ctx, e, 'ledger_mismatch');
      } else if (rec.revoked >= 0 && e.t > (rec.revoked + EPOCH_S) * 1000) {
        this.bad(ctx, e, 'used_after_revoke');
      } else if (e.t >= this.keyRevokedAt(tok.kid, ctx)) {
        this.bad(ctx, e, 'used_after_key_revoke');
      }
      return;
    }
    const known = this.forged.reasonOf(tok.jti);
    if (known !== undefined) {
      this.bad(ctx, e, known);
      return;
    }
    if (this.unverifiable.hasToken(tok.jti)) {
      this.unverifiable.hit(ctx, e.t, tok.kid, 'medium', this.unverifiable.reasonOf(tok.jti) ?? 'unverifiable', tok.jti, tok.exp, e.t, e.t, 1, e.account_id ?? tok.sub, e.src_ip, e.request_id);
      return;
    }
    const p = this.pending.get(tok.jti);
    if (p !== undefined) {
      p.events++;
      if (e.t > p.last) p.last = e.t;
      return;
    }
    const np: Pending = {
      jti: tok.jti, kid: tok.kid, sub: tok.sub, iat: tok.iat, exp: tok.exp, first: e.t, last: e.t,
      due: e.t + (this.lateness ?? ctx.settings.allowedLatenessMs), events: 1,
      account: e.account_id ?? tok.sub, ip: e.src_ip, req: e.request_id, src: ctx.feed.clock.key,
    };
    ctx.feed.observeUnrecorded(tok.iat * 1000);
    this.pending.set(tok.jti, np);
    this.queue.push(np);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    const q = this.queue;
    while (this.head < q.length && (q[this.head] as Pending).due <= t) this.process(q[this.head++] as Pending, t, ctx, false);
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    while (this.waiting.peekDue() <= t) this.process(this.waiting.pop() as Pending, t, ctx, false);
    this.recheckProvisional(t, ctx);
    this.forged.advance(t, ctx);
    this.unverifiable.advance(t, ctx);
  }

  nextDeadline(): number {
    const fifo = this.head < this.queue.length ? (this.queue[this.head] as Pending).due : Infinity;
    return Math.min(fifo, this.waiting.peekDue());
  }

  finish(t: number, ctx: DetectContext): void {
    for (; this.head < this.queue.length; this.head++) this.process(this.queue[this.head] as Pending, t, ctx, true);
    this.queue = [];
    this.head = 0;
    for (let p = this.waiting.pop(); p !== undefined; p = this.waiting.pop()) this.process(p, t, ctx, true);
    this.recheckProvisional(t, ctx);
    this.forged.finish(t, ctx);
    this.unverifiable.finish(t, ctx);
  }

  snapshot(): unknown {
    const live = (p: Pending): boolean => this.pending.get(p.jti) === p;
    return {
      lateness: this.lateness ?? null,
      queue: this.queue.slice(this.head).filter(live),
      waiting: this.waiting.items().filter(live),
      forged: this.forged.snapshot(),
      unverifiable: this.unverifiable.snapshot(),
      provisional: this.provisional,
    };
  }

  restore(state: unknown): void {
    const s = state as { lateness: number | null; queue: Pending[]; waiting: Pending[]; forged: unknown; unverifiable: unknown; provisional: { jti: string; iat: number }[] };
    this.lateness = s.lateness ?? undefined;
    this.pending.clear();
    this.queue = s.queue.map((p) => ({ ...p }));
    this.head = 0;
    for (const p of this.queue) this.pending.set(p.jti, p);
    this.waiting.clear();
    for (const w of s.waiting) {
      const p = { ...w };
      this.pending.set(p.jti, p);
      this.waiting.push(p);
    }
    this.forged.restore(s.forged);
    this.unverifiable.restore(s.unverifiable);
    this.provisional = s.provisional.map((x) => ({ ...x }));
    this.coverageSeen = -1;
  }

  stateBytes(): number {
    return this.pending.size * 250 + this.forged.bytes() + this.unverifiable.bytes();
  }

  private onLedger(e: LedgerEvent, ctx: DetectContext): void {
    if (e.type !== 'issue') return;
    // the ledger shows life after these claimed issuances: their verdicts stand
    const m = ctx.settings.coverageMarginMs;
    let k = 0;
    while (k < this.provisional.length && (this.provisional[k] as { iat: number }).iat + m < e.t) k++;
    if (k > 0) this.provisional.splice(0, k);
    const rec = ctx.ledger.get(e.jti);
    if (rec === undefined) return;
    const p = this.pending.get(e.jti);
    if (p !== undefined) {
      this.pending.delete(e.jti);
      ctx.feed.observeLateRecord(ctx.feed.clocks.of(p.src), p.first, e.t);
      if (rec.kid !== p.kid || rec.sub !== p.sub || rec.exp !== p.exp - EPOCH_S) this.file(ctx, p, e.t, 'forged', 'ledger_mismatch');
      return;
    }
    this.lateRecord(e, rec, ctx);
  }

  /** A record for a token already judged: it clears the token, or proves a mismatch. */
  private lateRecord(e: LedgerEvent, rec: LedgerRecord, ctx: DetectContext): void {
    const reason = this.forged.reasonOf(e.jti);
    // a mismatch or a revoked use was judged against a record already
    if (reason === 'ledger_mismatch' || reason === 'used_after_revoke') return;
    const book = reason !== undefined ? this.forged : this.unverifiable.hasToken(e.jti) ? this.unverifiable : undefined;
    if (book === undefined) return;
    const w = book.withdraw(ctx, e.t, e.jti, 'late_ledger_record');
    if (w !== undefined && (rec.kid !== w.entityId || rec.exp !== w.exp - EPOCH_S)) {
      this.forged.refile(ctx, e.t, w, 'critical', 'ledger_mismatch', undefined, undefined);
    }
  }

  /** A pending token's deadline passed: wait longer, or judge it. */
  private process(p: Pending, t: number, ctx: DetectContext, final: boolean): void {
    if (this.pending.get(p.jti) !== p) return;
    const clock = ctx.feed.clocks.of(p.src);
    if (!final && ctx.settings.coverage) {
      // The record sits in the ledger at the issuance time, about `iat`: a token claiming an
      // issuance after its logged first use waits that much longer, as far as its source's
      // clock can explain (a gateway running behind); a claim in the past waits for nothing.
      const bound = clock.established ? Math.max(0, clock.offset) + clock.uncertaintyMs : clock.uncertaintyMs;
      const extra = Math.max(0, Math.min(bound, p.iat * 1000 - p.first));
      let due = p.first + extra + (this.lateness ?? ctx.settings.allowedLatenessMs);
      // an unknown clock is usually known a few tokens later: look again soon
      if (!clock.established) due = Math.min(due, t + RECHECK_MS);
      if (due > t) {
        p.due = due;
        this.waiting.push(p);
        return;
      }
    }
    const j = ctx.feed.judge({ kid: p.kid, iatMs: p.iat * 1000, expMs: p.exp * 1000, firstMs: p.first, clock, wm: t, final });
    if (j.verdict === 'defer') {
      p.due = t + RECHECK_MS;
      this.waiting.push(p);
      return;
    }
    this.pending.delete(p.jti);
    this.file(ctx, p, t, j.verdict, j.reason);
    if (j.provisional === true) this.provisional.push({ jti: p.jti, iat: p.iat * 1000 });
  }

  /**
   * When a gap opened or the ledger's end was found, forged verdicts given while that silence
   * still looked like a quiet ledger are withdrawn and the tokens filed as unverifiable.
   */
  private recheckProvisional(t: number, ctx: DetectContext): void {
    const cov = ctx.feed.coverage;
    if (cov.version === this.coverageSeen) return;
    this.coverageSeen = cov.version;
    if (this.provisional.length === 0) return;
    const keep: { jti: string; iat: number }[] = [];
    for (const x of this.provisional) {
      const c = cov.at(x.iat);
      if (c.kind !== 'blind') {
        keep.push(x);
        continue;
      }
      const w = this.forged.withdraw(ctx, t, x.jti, c.why);
      if (w === undefined) continue;
      cov.countUnverifiable(c);
      this.unverifiable.refile(ctx, t, w, 'medium', c.why, undefined, undefined);
    }
    this.provisional = keep;
  }

  private file(ctx: DetectContext, p: Pending, at: number, verdict: 'forged' | 'unverifiable', reason: string): void {
    const book = verdict === 'forged' ? this.forged : this.unverifiable;
    const sev: Severity = verdict === 'forged' ? SEV[reason] ?? 'critical' : 'medium';
    book.hit(ctx, at, p.kid, sev, reason, p.jti, p.exp, p.first, p.last, p.events, p.account, p.ip, p.req);
  }

  /** When the registry revoked `kid` (epoch ms; Infinity when it did not): any use after it is critical. */
  private keyRevokedAt(kid: string, ctx: DetectContext): number {
    this.keyRevoked ??= new Map(ctx.ref.keys.filter((k) => k.revoked !== null).map((k) => [k.kid, k.revoked as number]));
    return this.keyRevoked.get(kid) ?? Infinity;
  }

  private bad(ctx: DetectContext, e: AccessEvent, reason: string): void {
    const tok = e.token;
    if (tok === undefined) return;
    this.forged.hit(ctx, e.t, tok.kid, SEV[reason] ?? 'critical', reason, tok.jti, tok.exp, e.t, e.t, 1, e.account_id ?? tok.sub, e.src_ip, e.request_id);
  }
}

function onlyRevoked(r: Record<string, number>): boolean {
  for (const k in r) if (k !== 'used_after_revoke' && (r[k] ?? 0) > 0) return false;
  return true;
}
