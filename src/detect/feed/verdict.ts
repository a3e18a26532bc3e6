/**
 * The verdict rule for a used token the ledger never recorded (after the allowed lateness).
 *
 * An attacker holding the key chooses `iat`, `exp` and `jti`, but not when the gateway saw the
 * token first, nor whether the ledger was recording, nor whether real sign-ins went on. So the
 * claim is checked against all of them (times of the access source corrected onto the ledger's
 * clock; `unc` = what is left of the source's clock uncertainty):
 *
 * 1. Impossible claims are **forged**: `iat` after the first use (`issued_after_use`), a
 *    lifetime beyond what the key registry allows its key (`lifetime_beyond_key`), or the
 *    first use after `exp` + 60 s of gateway leeway (`used_after_expiry`). So a claim of an
 *    issuance long ago is only believable within one token lifetime of it.
 * 2. The ledger provably recorded at `iat` (records on both sides, no gap, inside its edges,
 *    `coverageMarginMs` around each boundary): it would hold the token: **forged** (`unissued`).
 * 3. No ledger record after `iat` yet: judgment waits, unless the ledger is plainly quiet
 *    because nothing is being issued (no sign-ins since its last record, and the silence is long
 *    at its rate or older than `coverageWaitMs`), which counts as covered, provisionally: if the
 *    silence later becomes a gap or the ledger's end, the token moves to unverifiable. At the end of input
 *    a final silence that is not significant counts as covered too; a significant one is the
 *    ledger's end. With no ledger record at all, the token waits `coverageWaitMs`, then is blind.
 * 4. `iat` falls where the ledger was blind (before its first record, in a gap, after its end):
 *    a real token is first used within seconds of issuance, so the claim is believed only if
 *    the first use came within `maxIssueToUseMs` of it. A token first used later than that,
 *    while the access feed was already watching at `iat`, claims an issuance nobody would wait
 *    that long after: **forged** (`stale_issuance`). Otherwise **unverifiable** (the blind reason).
 *
 * Consequence: an attacker is `unverifiable` only with a token used within `maxIssueToUseMs` of
 * a real blind spot of the ledger (during a real gap, just after one, or within its first
 * token lifetime of an archive whose ledger starts late). A forged-token campaign during normal
 * ledger traffic is judged forged however it sets `iat` and `exp`.
 */
import type { Verdict } from '../../model/index.js';
import type { DetectSettings } from '../detector.js';
import type { SourceClock } from './clock.js';
import type { CoverageAt, LedgerCoverage } from './coverage.js';

/** What the rule decided for one token. */
export interface Judgement {
  readonly verdict: Verdict | 'defer';
  /** `unissued`, `issued_after_use`, `lifetime_beyond_key`, `used_after_expiry`, `stale_issuance`, or the blind reason. */
  readonly reason: string;
  readonly coverage?: CoverageAt;
  /**
   * Judged forged while the ledger was quiet with no record after `iat` yet: if that silence
   * later turns out to be a gap or the ledger's end, the verdict is withdrawn (unverifiable).
   */
  readonly provisional?: true;
}

/** Inputs of {@link judgeUnrecorded}. */
export interface UnrecordedToken {
  /** Claimed issuance and expiry, epoch ms (the `iat` / `exp` claims × 1000). */
  readonly iatMs: number;
  readonly expMs: number;
  /** The key's longest token lifetime (ms; Infinity when the registry does not say). */
  readonly maxTtlMs: number;
  /** First use as the source logged it, epoch ms. */
  readonly firstMs: number;
  readonly clock: SourceClock;
  /** The engine's watermark. */
  readonly wm: number;
  /** End of input: no more waiting. */
  readonly final: boolean;
}

/** Gateways commonly accept a token this long past its `exp`. */
const EXPIRY_LEEWAY_MS = 60_000;

const DEFER: Judgement = { verdict: 'defer', reason: 'unconfirmed' };
const UNISSUED: Judgement = { verdict: 'forged', reason: 'unissued' };
const QUIET: Judgement = { verdict: 'forged', reason: 'unissued', provisional: true };

type Settings = Pick<DetectSettings, 'coverage' | 'maxIssueToUseMs' | 'coverageWaitMs'>;

/** Applies the rule (see file header). */
export function judgeUnrecorded(t: UnrecordedToken, cov: LedgerCoverage, s: Settings): Judgement {
  if (!s.coverage) return UNISSUED;
  const unc = t.clock.uncertaintyMs;
  const first = t.firstMs + t.clock.offset;
  if (t.iatMs > first + unc) return { verdict: 'forged', reason: 'issued_after_use' };
  if (t.expMs - t.iatMs > t.maxTtlMs + 1000) return { verdict: 'forged', reason: 'lifetime_beyond_key' };
  if (first - unc > t.expMs + EXPIRY_LEEWAY_MS) return { verdict: 'forged', reason: 'used_after_expiry' };
  const c = cov.at(t.iatMs);
  if (c.kind === 'covered') return UNISSUED;
  if (c.kind === 'unconfirmed') {
    if (t.final) return UNISSUED;
    // provisional: should the silence become a gap (or the ledger's end) later, it is withdrawn
    if (cov.quietSince(t.iatMs, t.wm, s.coverageWaitMs)) return QUIET;
    return DEFER;
  }
  if (c.why === 'no_ledger' && !t.final && t.wm - t.iatMs < s.coverageWaitMs) return DEFER;
  if (cov.accessFirst <= t.iatMs && first - unc - t.iatMs > s.maxIssueToUseMs) {
    return { verdict: 'forged', reason: 'stale_issuance', coverage: c };
  }
  cov.countUnverifiable(c);
  return { verdict: 'unverifiable', reason: c.why, coverage: c };
}
