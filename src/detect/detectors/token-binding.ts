/**
 * `token-binding` (high): a genuinely issued token used from a device other than the one it
 * was issued to (both device ids known) — a stolen token being replayed. Grouped by the
 * replaying device (entity `device`), so a campaign replaying thousands of stolen tokens from
 * a few devices is a few alerts; indicators: each replayed token and the replaying device.
 */
import type { PipelineEvent } from '../../model/index.js';
import { CampaignBook } from '../campaign.js';
import type { DetectContext, Detector } from '../detector.js';

const NAME = 'token-binding';

/** See file header. */
export class TokenBindingDetector implements Detector {
  readonly name = NAME;
  private readonly book = new CampaignBook({
    detector: NAME, entityType: 'device', entityIndicator: 'device',
    title: (dev) => `Device ${dev} replays tokens issued to other devices`,
  });

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind === 'ledger') return;
    const tok = e.token;
    const dev = e.device_id;
    if (tok === undefined || dev === undefined) return;
    // the engine looked the token's ledger record up once for every detector
    const rec = ctx.feed.rec;
    if (rec === undefined || rec.dev === undefined || rec.dev === dev || rec.sub !== tok.sub) return;
    this.book.hit(ctx, e.t, dev, 'high', 'device_mismatch', tok.jti, tok.exp, e.t, e.t, 1, e.account_id ?? tok.sub, e.src_ip, e.request_id);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    this.book.advance(t, ctx);
  }

  finish(t: number, ctx: DetectContext): void {
    this.book.finish(t, ctx);
  }

  snapshot(): unknown {
    return { book: this.book.snapshot() };
  }

  restore(state: unknown): void {
    this.book.restore((state as { book: unknown }).book);
  }

  stateBytes(): number {
    return this.book.bytes();
  }
}
