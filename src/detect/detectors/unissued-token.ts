/**
 * `unissued-token` (critical): a token whose jti the issuance ledger never recorded (after the
 * allowed lateness), or whose ledger record disagrees with its claims (sub, kid, exp), or a
 * revoked token used after its revocation. One alert per signing key (entity `key`), with a
 * token indicator per bad token — a forged-token campaign is one alert, not one per token.
 *
 * This detector owns the shared {@link LedgerIndex}: it applies ledger events to it, sweeps
 * it, and snapshots it. Unknown jtis wait in a FIFO of deadlines (first use + allowed
 * lateness); when the watermark passes a deadline and the ledger still has no record, the
 * token is declared unissued.
 */
import type { AccessEvent, LedgerEvent, PipelineEvent } from '../../model/index.js';
import { DEFAULTS } from '../../model/index.js';
import { CampaignBook } from '../campaign.js';
import type { DetectContext, Detector } from '../detector.js';
import type { DeadlineAware } from '../engine.js';
import { EPOCH_S, LedgerIndex, type LedgerRecord } from '../ledger.js';

const NAME = 'unissued-token';

/** A used token the ledger has not (yet) recorded. */
interface Pending {
  jti: string; kid: string; sub: string; exp: number; first: number; last: number;
  deadline: number; events: number; account: string | undefined; ip: string; req: string | undefined;
}

/** Options for {@link UnissuedTokenDetector}. */
export interface UnissuedTokenOptions {
  readonly allowedLatenessMs?: number;
  /** Share a ledger with other detectors; this detector feeds and snapshots it. */
  readonly ledger?: LedgerIndex;
}

/** See file header. */
export class UnissuedTokenDetector implements Detector, DeadlineAware {
  readonly name = NAME;
  readonly ledger: LedgerIndex;
  private readonly pending = new Map<string, Pending>();
  private queue: Pending[] = [];
  private head = 0;
  private readonly book = new CampaignBook({
    detector: NAME, entityType: 'key',
    title: (kid, r) => `Tokens signed with ${kid} that the issuance ledger ${r.unissued !== undefined || r.ledger_mismatch !== undefined ? 'never issued' : 'revoked'} are in use`,
  });
  private lateness: number | undefined;

  constructor(o: UnissuedTokenOptions = {}) {
    this.lateness = o.allowedLatenessMs;
    this.ledger = o.ledger ?? new LedgerIndex({ allowedLatenessMs: o.allowedLatenessMs ?? DEFAULTS.detect.allowedLatenessMs });
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
    const rec = this.ledger.get(tok.jti);
    if (rec !== undefined && rec.kid !== undefined) {
      if (rec.kid !== tok.kid || rec.sub !== tok.sub || rec.exp !== tok.exp - EPOCH_S) {
        this.bad(ctx, e.t, e, 'critical', 'ledger_mismatch', e.t, 1);
      } else if (rec.revoked >= 0 && e.t > (rec.revoked + EPOCH_S) * 1000) {
        this.bad(ctx, e.t, e, 'high', 'used_after_revoke', e.t, 1);
      }
      return;
    }
    if (this.book.hasToken(tok.jti)) {
      this.bad(ctx, e.t, e, 'critical', 'unissued', e.t, 1);
      return;
    }
    const p = this.pending.get(tok.jti);
    if (p !== undefined) {
      p.events++;
      if (e.t > p.last) p.last = e.t;
      return;
    }
    const np: Pending = {
      jti: tok.jti, kid: tok.kid, sub: tok.sub, exp: tok.exp, first: e.t, last: e.t,
      deadline: e.t + (this.lateness ?? ctx.settings.allowedLatenessMs), events: 1,
      account: e.account_id ?? tok.sub, ip: e.src_ip, req: e.request_id,
    };
    this.pending.set(tok.jti, np);
    this.queue.push(np);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    const q = this.queue;
    while (this.head < q.length && (q[this.head] as Pending).deadline <= t) {
      this.firePending(q[this.head++] as Pending, t, ctx);
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    this.ledger.sweep(t);
    this.book.advance(t, ctx);
  }

  nextDeadline(): number {
    return this.head < this.queue.length ? (this.queue[this.head] as Pending).deadline : Infinity;
  }

  finish(t: number, ctx: DetectContext): void {
    for (; this.head < this.queue.length; this.head++) this.firePending(this.queue[this.head] as Pending, t, ctx);
    this.queue = [];
    this.head = 0;
    this.book.finish(t, ctx);
  }

  snapshot(): unknown {
    return {
      lateness: this.lateness ?? null,
      ledger: this.ledger.snapshot(),
      queue: this.queue.slice(this.head).filter((p) => this.pending.get(p.jti) === p),
      book: this.book.snapshot(),
    };
  }

  restore(state: unknown): void {
    const s = state as { lateness: number | null; ledger: Parameters<LedgerIndex['restore']>[0]; queue: Pending[]; book: unknown };
    this.lateness = s.lateness ?? undefined;
    this.ledger.restore(s.ledger);
    this.pending.clear();
    this.queue = s.queue.map((p) => ({ ...p }));
    this.head = 0;
    for (const p of this.queue) this.pending.set(p.jti, p);
    this.book.restore(s.book);
  }

  stateBytes(): number {
    return this.ledger.bytes() + this.pending.size * 250 + this.book.bytes();
  }

  private onLedger(e: LedgerEvent, ctx: DetectContext): void {
    const rec = this.ledger.apply(e);
    if (e.type !== 'issue') return;
    const p = this.pending.get(e.jti);
    if (p === undefined) return;
    this.pending.delete(e.jti);
    if (disagrees(rec, p)) this.firePendingAs(p, e.t, ctx, 'ledger_mismatch');
  }

  private firePending(p: Pending, t: number, ctx: DetectContext): void {
    if (this.pending.get(p.jti) !== p) return;
    this.pending.delete(p.jti);
    this.firePendingAs(p, t, ctx, 'unissued');
  }

  private firePendingAs(p: Pending, at: number, ctx: DetectContext, reason: string): void {
    this.book.hit(ctx, at, p.kid, 'critical', reason, p.jti, p.exp, p.first, p.last, p.events, p.account, p.ip, p.req);
  }

  private bad(ctx: DetectContext, at: number, e: AccessEvent, sev: 'critical' | 'high', reason: string, t: number, n: number): void {
    const tok = e.token;
    if (tok === undefined) return;
    this.book.hit(ctx, at, tok.kid, sev, reason, tok.jti, tok.exp, t, t, n, e.account_id ?? tok.sub, e.src_ip, e.request_id);
  }
}

function disagrees(rec: LedgerRecord, p: Pending): boolean {
  return rec.kid !== p.kid || rec.sub !== p.sub || rec.exp !== p.exp - EPOCH_S;
}
