/**
 * `key-state`: tokens whose signing key should not be signing them — unknown kid, a retired
 * or revoked key used after that time, `iat` before the key was activated (or created), a
 * lifetime beyond the key's `max_token_ttl_s`, or an invalid JWT signature. One alert per
 * key (entity `key`), token indicators per offending token (rate-limited by the campaign book).
 * Inactive when the key registry is empty (every kid would be "unknown").
 */
import type { KeyRecord, PipelineEvent, Severity } from '../../model/index.js';
import { CampaignBook } from '../campaign.js';
import type { DetectContext, Detector } from '../detector.js';

const NAME = 'key-state';
/** Clock skew tolerated between issuer and key registry. */
const SKEW_MS = 300_000;

/** See file header. */
export class KeyStateDetector implements Detector {
  readonly name = NAME;
  private keys: Map<string, KeyRecord> | undefined;
  private readonly book = new CampaignBook({
    detector: NAME, entityType: 'key',
    title: (kid, r) => `Tokens with key ${kid} break key policy (${Object.keys(r).sort().join(', ')})`,
  });

  start(ctx: DetectContext): void {
    this.keys ??= new Map(ctx.ref.keys.map((k) => [k.kid, k]));
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access') return;
    const tok = e.token;
    if (tok === undefined) return;
    const keys = this.keys ?? (this.keys = new Map(ctx.ref.keys.map((k) => [k.kid, k])));
    if (keys.size === 0) return;
    const k = keys.get(tok.kid);
    let sev: Severity | undefined;
    let reason = '';
    const t = e.t;
    if (k === undefined) {
      sev = 'critical';
      reason = 'unknown_kid';
    } else if (k.revoked !== null && t >= k.revoked) {
      sev = 'critical';
      reason = 'revoked_key';
    } else if (e.sig === 'invalid') {
      sev = 'critical';
      reason = 'invalid_signature';
    } else if (k.retired !== null && t >= k.retired) {
      sev = 'high';
      reason = 'retired_key';
    } else if (tok.iat * 1000 + SKEW_MS < (k.activated ?? k.created)) {
      sev = 'high';
      reason = 'iat_before_key';
    } else if (k.max_token_ttl_s !== null && tok.exp - tok.iat > k.max_token_ttl_s) {
      sev = 'medium';
      reason = 'ttl_exceeded';
    }
    if (sev === undefined) return;
    this.book.hit(ctx, t, tok.kid, sev, reason, tok.jti, tok.exp, t, t, 1, e.account_id ?? tok.sub, e.src_ip, e.request_id);
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
    const s = state as { book: unknown };
    this.book.restore(s.book);
  }

  stateBytes(): number {
    return this.book.bytes() + (this.keys?.size ?? 0) * 200;
  }
}
