/**
 * A token bucket: at most `perSecond` messages a second on average, `burst` at once. One
 * limiter is shared by everything that sends through the same relay (notices and the portal's
 * one-time codes), so together they stay under the relay's limit. Waiters are served in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BreachwatchError } from '../../model/index.js';

/** A shared send-rate limit. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  /** `now` is injectable for tests (ms, monotonic). */
  constructor(readonly perSecond: number, readonly burst: number = Math.max(1, Math.ceil(perSecond)), private readonly now: () => number = () => performance.now()) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new BreachwatchError('ERR_USAGE', `rate must be > 0 and burst ≥ 1 (got ${perSecond}/s, burst ${burst})`);
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }

  /** Waits for one token (in arrival order) and takes it. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        await sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }

  /** Takes a token if one is there now (the portal answers "try later" instead of waiting). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
