/**
 * Throttling of failed authentication per client address: after `maxFailures` failed keys
 * within a window, that address gets 429 (before its key is even hashed) until the window
 * ends. Each failure is logged with its address and running count — never the key — and
 * recorded in the audit log; while an address is throttled its refusals are counted and
 * summed up in one log line when its window ends, so a flood cannot flood the log.
 */

/** What one failure or refusal did. */
export interface Failure {
  /** Failures of this address in the current window, this one included. */
  readonly count: number;
  /** True when this failure reached the limit (the address is throttled from now on). */
  readonly limitReached: boolean;
}

interface Entry { windowStart: number; failures: number; refused: number }

/** Addresses tracked at most; past it the table starts over (a spray of addresses is not one client). */
const MAX_ADDRESSES = 100_000;

/** Counts failed authentications per address in fixed windows. */
export class AuthThrottle {
  private readonly byIp = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly onWindowEnd: (ip: string, failures: number, refused: number) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  private entry(ip: string): Entry {
    const t = this.now();
    let e = this.byIp.get(ip);
    if (e !== undefined && t - e.windowStart >= this.windowMs) {
      if (e.refused > 0) this.onWindowEnd(ip, e.failures, e.refused);
      e = undefined;
    }
    if (e === undefined) {
      if (this.byIp.size >= MAX_ADDRESSES) this.byIp.clear();
      e = { windowStart: t, failures: 0, refused: 0 };
      this.byIp.set(ip, e);
    }
    return e;
  }

  /** True (and counted) when `ip` is throttled now. */
  refuse(ip: string): boolean {
    const e = this.byIp.get(ip) === undefined ? undefined : this.entry(ip);
    if (e === undefined || e.failures < this.maxFailures) return false;
    e.refused++;
    return true;
  }

  /** Records one failed authentication of `ip`. */
  fail(ip: string): Failure {
    const e = this.entry(ip);
    e.failures++;
    return { count: e.failures, limitReached: e.failures === this.maxFailures };
  }

  /** Seconds until `ip`'s window ends. */
  retryAfterS(ip: string): number {
    const e = this.byIp.get(ip);
    return e === undefined ? 1 : Math.max(1, Math.ceil((e.windowStart + this.windowMs - this.now()) / 1000));
  }
}
