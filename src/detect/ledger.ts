/**
 * The issuance ledger as detectors need it: jti → what was issued (and whether it was
 * revoked), for the tokens that can still be used.
 *
 * Compact: kid strings are interned, times are stored as whole seconds since
 * {@link EPOCH_S} (small integers, no boxing), optional fields stay undefined.
 *
 * Eviction semantics: a record is dropped once the watermark is past
 * `exp + allowedLateness + graceMs` (default grace 10 min) — a token cannot legitimately be
 * used after it expires, so nothing valid ever needs it again. A revoke that arrives for a
 * jti the ledger has not seen keeps a stub for `stubTtlMs` (default 1 day) so a later issue
 * record still learns it was revoked. Sweeps run every `sweepEveryMs` of event time
 * (default 5 min) from the owner's onWatermark, so eviction costs O(live records) per sweep.
 * Consequence: a jti used after its record was evicted looks unknown again (and a detector
 * that judges unknown jtis will flag it — such a use is already past the token's expiry).
 */
import type { LedgerEvent } from '../model/index.js';

/** Seconds offset for compact times (2017-07-14); fits small integers until 2051. */
export const EPOCH_S = 1_500_000_000;

/** One issued (or revoked) token. Times in seconds since {@link EPOCH_S}; -1 = none. */
export class LedgerRecord {
  /**
   * A per-token cache slot a detector may fill (many-accounts keeps the token's resolved
   * sources here, saving a second map lookup per event). Never snapshotted.
   */
  aux: object | undefined = undefined;
  /** The token has been used (its first use gave its source a clock sample). */
  used = false;
  /** How it was issued (`password`, `refresh`, `client_credentials`, …), interned. */
  grant: string | undefined = undefined;
  /** The client it was issued to, interned. */
  client: string | undefined = undefined;

  constructor(
    public kid: string | undefined,
    public sub: string | undefined,
    public exp: number,
    public issued: number,
    public revoked: number,
    public ip: string | undefined,
    public dev: string | undefined,
  ) {}
}

/** Ledger tuning. */
export interface LedgerOptions {
  readonly allowedLatenessMs: number;
  readonly graceMs?: number;
  readonly stubTtlMs?: number;
  readonly sweepEveryMs?: number;
}

type RecTuple = [
  string, string | null, string | null, number, number, number, string | null, string | null, 0 | 1, string | null, string | null,
];

/** jti → {@link LedgerRecord}, evicted after expiry. */
export class LedgerIndex {
  private readonly recs = new Map<string, LedgerRecord>();
  private readonly kids = new Map<string, string>();
  private readonly keepMs: number;
  private readonly stubMs: number;
  private readonly sweepMs: number;
  private lastSweep = -Infinity;

  constructor(o: LedgerOptions) {
    this.keepMs = o.allowedLatenessMs + (o.graceMs ?? 600_000);
    this.stubMs = o.stubTtlMs ?? 86_400_000;
    this.sweepMs = o.sweepEveryMs ?? 300_000;
  }

  /** Number of live records. */
  get size(): number {
    return this.recs.size;
  }

  /** The record for `jti`, if live. */
  get(jti: string): LedgerRecord | undefined {
    return this.recs.get(jti);
  }

  /** Applies one ledger event; returns the record it created or changed. */
  apply(e: LedgerEvent): LedgerRecord {
    let r = this.recs.get(e.jti);
    if (e.type === 'revoke') {
      const at = Math.floor(e.t / 1000) - EPOCH_S;
      if (r === undefined) {
        r = new LedgerRecord(undefined, undefined, -1, -1, at, undefined, undefined);
        this.recs.set(e.jti, r);
      } else if (r.revoked < 0 || at < r.revoked) {
        r.revoked = at;
      }
      return r;
    }
    const kid = e.kid === undefined ? undefined : this.intern(e.kid);
    const exp = e.exp === undefined ? -1 : e.exp - EPOCH_S;
    const issued = Math.floor(e.t / 1000) - EPOCH_S;
    if (r === undefined) {
      r = new LedgerRecord(kid, e.sub, exp, issued, -1, e.src_ip, e.device_id);
      this.recs.set(e.jti, r);
    } else {
      r.kid = kid;
      r.sub = e.sub;
      r.exp = exp;
      r.issued = issued;
      r.ip = e.src_ip;
      r.dev = e.device_id;
    }
    r.grant = e.grant === undefined ? undefined : this.intern(e.grant);
    r.client = e.client_id === undefined ? undefined : this.intern(e.client_id);
    return r;
  }

  /** Evicts expired records when a sweep is due at watermark `wm` (epoch ms). */
  sweep(wm: number, force = false): void {
    if (!force && wm - this.lastSweep < this.sweepMs) return;
    this.lastSweep = wm;
    for (const [jti, r] of this.recs) {
      const until = r.exp >= 0 ? (r.exp + EPOCH_S) * 1000 + this.keepMs : (r.revoked + EPOCH_S) * 1000 + this.stubMs;
      if (until < wm) this.recs.delete(jti);
    }
  }

  /** Approximate bytes held (Map entry + record + jti and sub strings). */
  bytes(): number {
    let b = 0;
    for (const [jti, r] of this.recs) b += 100 + jti.length + (r.sub?.length ?? 0) + (r.ip?.length ?? 0) + (r.dev?.length ?? 0);
    return b;
  }

  snapshot(): { last: number | null; recs: RecTuple[] } {
    const recs: RecTuple[] = [];
    for (const [j, r] of this.recs) {
      recs.push([j, r.kid ?? null, r.sub ?? null, r.exp, r.issued, r.revoked, r.ip ?? null, r.dev ?? null, r.used ? 1 : 0, r.grant ?? null, r.client ?? null]);
    }
    return { last: this.lastSweep === -Infinity ? null : this.lastSweep, recs };
  }

  restore(s: { last: number | null; recs: RecTuple[] }): void {
    this.recs.clear();
    this.lastSweep = s.last ?? -Infinity;
    for (const [j, kid, sub, exp, issued, rev, ip, dev, used, grant, client] of s.recs) {
      const r = new LedgerRecord(kid === null ? undefined : this.intern(kid), sub ?? undefined, exp, issued, rev, ip ?? undefined, dev ?? undefined);
      r.used = used === 1;
      if (grant !== null) r.grant = this.intern(grant);
      if (client !== null) r.client = this.intern(client);
      this.recs.set(j, r);
    }
  }

  /** One shared copy of a kid, grant or client id (bounded: a feed of unique values is not interned). */
  private intern(kid: string): string {
    const k = this.kids.get(kid);
    if (k !== undefined) return k;
    if (this.kids.size < 65_536) this.kids.set(kid, kid);
    return kid;
  }
}
