/**
 * `key-custody` (an audit): for every key still in force, a custodian who left while the key
 * stayed active (never rotated since) → critical; a key older than `maxKeyAgeDays` → high;
 * private key stored in a file, an environment variable or nowhere known → medium.
 * Evaluated in `start` as of the first event time and in `finish` as of the last; one alert
 * per key (entity `key`), reasons combined in `details.reasons`.
 */
import { DAY, toRfc3339 } from '../../model/index.js';
import type { KeyRecord, PipelineEvent, Severity, StaffMember } from '../../model/index.js';
import type { DetectContext, Detector } from '../detector.js';

const NAME = 'key-custody';
const WEAK_STORAGE = new Set(['file', 'env', 'unknown']);

/** One key's audit outcome. */
export interface CustodyVerdict {
  readonly kid: string;
  readonly severity: Severity;
  readonly reasons: string[];
}

/** Audits all keys in force at time `t` (epoch ms). Keys with no problem are omitted. */
export function auditKeys(keys: readonly KeyRecord[], staff: readonly StaffMember[], t: number, maxKeyAgeDays: number): CustodyVerdict[] {
  const left = new Map<string, number>();
  for (const s of staff) if (s.left !== undefined) left.set(s.staff_id, s.left);
  const out: CustodyVerdict[] = [];
  for (const k of keys) {
    const from = k.activated ?? k.created;
    if (from > t || (k.retired !== null && k.retired <= t) || (k.revoked !== null && k.revoked <= t)) continue;
    const reasons: string[] = [];
    let sev: Severity | undefined;
    for (const c of k.custodians) {
      const l = left.get(c);
      if (l !== undefined && l <= t && l > k.created) {
        reasons.push(`custodian ${c} left ${toRfc3339(l).slice(0, 10)}; key still active, never rotated`);
        sev = 'critical';
      }
    }
    if (t - k.created > maxKeyAgeDays * DAY) {
      reasons.push(`key created ${toRfc3339(k.created).slice(0, 10)} is older than ${maxKeyAgeDays} days`);
      sev ??= 'high';
    }
    if (WEAK_STORAGE.has(k.storage)) {
      reasons.push(`private key stored as '${k.storage}', not in an HSM/KMS`);
      sev ??= 'medium';
    }
    if (sev !== undefined) out.push({ kid: k.kid, severity: sev, reasons });
  }
  return out;
}

/** See file header. */
export class KeyCustodyDetector implements Detector {
  readonly name = NAME;

  start(ctx: DetectContext, t: number | undefined): void {
    if (t !== undefined) this.evaluate(ctx, t);
  }

  onEvent(_e: PipelineEvent): void {
    // an audit: nothing per event
  }

  onWatermark(): void {
    // nothing timed
  }

  finish(t: number, ctx: DetectContext): void {
    this.evaluate(ctx, t);
  }

  snapshot(): unknown {
    return {};
  }

  restore(): void {
    // stateless
  }

  stateBytes(): number {
    return 0;
  }

  private evaluate(ctx: DetectContext, t: number): void {
    for (const v of auditKeys(ctx.ref.keys, ctx.ref.staff, t, ctx.settings.maxKeyAgeDays)) {
      ctx.emit({
        detector: NAME, severity: v.severity, title: `Signing key ${v.kid} custody: ${v.reasons[0] ?? ''}`,
        entity: { type: 'key', id: v.kid }, first_seen: t, last_seen: t, at: t, events: 0, accounts: 0,
        details: { reasons: v.reasons },
      });
    }
  }
}
