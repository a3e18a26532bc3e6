/**
 * Throttling of failed authentication per client address: after `maxFailures` failed keys
 * within a window, that address gets 429 until the window ends — except for the keys that
 * authenticated from that address within the last `trustMs` before (OWASP's "device cookie"
 * idea, with the key as the device): one client with a wrong key, or someone guessing behind
 * the same NAT, does not lock out the analysts already working from there. Every other key,
 * right or wrong, gets the same 429 while the address is throttled, so a guess cannot be told
 * right. Each failure is logged with its address and running count — never the key — and
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
/** Trusted keys remembered per address at most (the oldest is forgotten first). */
const MAX_TRUSTED_PER_ADDRESS = 32;

/** What the throttle is built from. */
export interface ThrottleOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** How long a key that worked from an address stays trusted there (0: never). */
  readonly trustMs: number;
  readonly onWindowEnd?: (ip: string, failures: number, refused: number) => void;
  readonly now?: () => number;
}

/** Counts failed authentications per address in fixed windows, and the keys that worked from each. */
export class AuthThrottle {
  private readonly byIp = new Map<string, Entry>();
  /** address → key name → when it last authenticated from there (insertion order = oldest first). */
  private readonly trust = new Map<string, Map<string, number>>();
  private readonly now: () => number;

  constructor(private readonly o: ThrottleOptions) {
    this.now = o.now ?? Date.now;
  }

  private entry(ip: string): Entry {
    const t = this.now();
    let e = this.byIp.get(ip);
    if (e !== undefined && t - e.windowStart >= this.o.windowMs) {
      if (e.refused > 0) this.o.onWindowEnd?.(ip, e.failures, e.refused);
      e = undefined;
    }
    if (e === undefined) {
      if (this.byIp.size >= MAX_ADDRESSES) this.byIp.clear();
      e = { windowStart: t, failures: 0, refused: 0 };
      this.byIp.set(ip, e);
    }
    return e;
  }

  /** True when `ip` is over its limit in the current window. */
  throttled(ip: string): boolean {
    const e = this.byIp.get(ip) === undefined ? undefined : this.entry(ip);
    return e !== undefined && e.failures >= this.o.maxFailures;
  }

  /** Counts one refusal of a throttled `ip`. */
  refuse(ip: string): void {
    this.entry(ip).refused++;
  }

  /** Records one failed authentication of `ip`. */
  fail(ip: string): Failure {
    const e = this.entry(ip);
    e.failures++;
    return { count: e.failures, limitReached: e.failures === this.o.maxFailures };
  }

  /** Records that key `name` authenticated from `ip` (it is trusted there for `trustMs`). */
  succeed(ip: string, name: string): void {
    if (this.o.trustMs <= 0 || this.throttled(ip)) return;
    let keys = this.trust.get(ip);
    if (keys === undefined) {
      if (this.trust.size >= MAX_ADDRESSES) this.trust.clear();
      keys = new Map();
      this.trust.set(ip, keys);
    }
    keys.delete(name);
    keys.set(name, this.now());
    if (keys.size > MAX_TRUSTED_PER_ADDRESS) keys.delete(keys.keys().next().value as string);
  }

  /** True when key `name` authenticated from `ip` within the trust period. */
  trusted(ip: string, name: string): boolean {
    const at = this.trust.get(ip)?.get(name);
    return at !== undefined && this.now() - at < this.o.trustMs;
  }

  /** Seconds until `ip`'s window ends. */
  retryAfterS(ip: string): number {
    const e = this.byIp.get(ip);
    return e === undefined ? 1 : Math.max(1, Math.ceil((e.windowStart + this.o.windowMs - this.now()) / 1000));
  }
}
