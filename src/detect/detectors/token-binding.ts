/**
 * `token-binding` (high): a genuinely issued token used from a device other than the one it
 * was issued to (both device ids known) — a stolen token being replayed. Grouped by the
 * replaying device (entity `device`), so a campaign replaying thousands of stolen tokens from
 * a few devices is a few alerts; indicators: each replayed token and the replaying device.
 */
import type { PipelineEvent } from '../../model/index.js';
import { DEFAULTS } from '../../model/index.js';
import { CampaignBook } from '../campaign.js';
import type { DetectContext, Detector } from '../detector.js';
import { LedgerIndex } from '../ledger.js';

const NAME = 'token-binding';

/** Options for {@link TokenBindingDetector}. */
export interface TokenBindingOptions {
  /** Read a ledger another detector feeds (then this one neither feeds nor snapshots it). */
  readonly ledger?: LedgerIndex;
  readonly allowedLatenessMs?: number;
}

/** See file header. */
export class TokenBindingDetector implements Detector {
  readonly name = NAME;
  private readonly ledger: LedgerIndex;
  private readonly owns: boolean;
  private readonly book = new CampaignBook({
    detector: NAME, entityType: 'device', entityIndicator: 'device',
    title: (dev) => `Device ${dev} replays tokens issued to other devices`,
  });

  constructor(o: TokenBindingOptions = {}) {
    this.owns = o.ledger === undefined;
    this.ledger = o.ledger ?? new LedgerIndex({ allowedLatenessMs: o.allowedLatenessMs ?? DEFAULTS.detect.allowedLatenessMs });
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind === 'ledger') {
      if (this.owns) this.ledger.apply(e);
      return;
    }
    const tok = e.token;
    const dev = e.device_id;
    if (tok === undefined || dev === undefined) return;
    const rec = this.ledger.get(tok.jti);
    if (rec === undefined || rec.dev === undefined || rec.dev === dev || rec.sub !== tok.sub) return;
    this.book.hit(ctx, e.t, dev, 'high', 'device_mismatch', tok.jti, tok.exp, e.t, e.t, 1, e.account_id ?? tok.sub, e.src_ip, e.request_id);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    if (this.owns) this.ledger.sweep(t);
    this.book.advance(t, ctx);
  }

  finish(t: number, ctx: DetectContext): void {
    this.book.finish(t, ctx);
  }

  snapshot(): unknown {
    return {
      ledger: this.owns ? this.ledger.snapshot() : null,
      book: this.book.snapshot(),
    };
  }

  restore(state: unknown): void {
    const s = state as { ledger: Parameters<LedgerIndex['restore']>[0] | null; book: unknown };
    if (this.owns && s.ledger !== null) this.ledger.restore(s.ledger);
    this.book.restore(s.book);
  }

  stateBytes(): number {
    return (this.owns ? this.ledger.bytes() : 0) + this.book.bytes();
  }
}
