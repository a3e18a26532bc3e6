/**
 * The mail component the rest of the product sends through: transports by channel (SMTP for
 * email, a webhook for SMS) behind one shared rate limiter, with a retry policy. `notice send`
 * makes single attempts (`attempt`) and keeps its own durable ledger between them; the victim
 * portal's one-time codes use `deliver`, which retries temporary refusals itself.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BreachwatchError, DEFAULTS } from '../../model/index.js';
import type { RateLimiter } from './rate-limiter.js';
import type { EmailMessage, MessageTransport, OutgoingMessage, SendOutcome, SmsMessage } from './transport.js';

/** When to try again after a temporary refusal. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time up to {@link maxDelayMs}. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The default policy (notices: 5 attempts over about 15 minutes). */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: DEFAULTS.mail.retryAttempts, baseDelayMs: DEFAULTS.mail.retryBaseDelayMs, maxDelayMs: DEFAULTS.mail.retryMaxDelayMs,
};

/** Delay before attempt `n + 1` after `n` failed ones (n ≥ 1), with ±20% jitter so retries spread. */
export function retryDelayMs(p: RetryPolicy, n: number, random: () => number = Math.random): number {
  const d = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (n - 1));
  return Math.round(d * (0.8 + 0.4 * random()));
}

/** What {@link Mailer} is built from. */
export interface MailerOptions {
  readonly email?: MessageTransport<EmailMessage>;
  readonly sms?: MessageTransport<SmsMessage>;
  readonly limiter: RateLimiter;
  readonly retry?: RetryPolicy;
}

/** The outcome of {@link Mailer.deliver}: the last attempt's, and how many were made. */
export type DeliverResult = SendOutcome & { readonly attempts: number };

/** Sends messages through the right transport, under one rate limit. */
export class Mailer {
  readonly retry: RetryPolicy;

  constructor(private readonly opts: MailerOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  /** Channels this mailer can send on. */
  get channels(): ReadonlySet<OutgoingMessage['channel']> {
    return new Set([...(this.opts.email ? ['email' as const] : []), ...(this.opts.sms ? ['sms' as const] : [])]);
  }

  /** One attempt, after waiting for the rate limit. */
  async attempt(m: OutgoingMessage): Promise<SendOutcome> {
    await this.opts.limiter.take();
    if (m.channel === 'email') return this.transport(this.opts.email, m).send(m);
    return this.transport(this.opts.sms, m).send(m);
  }

  private transport<T>(t: T | undefined, m: OutgoingMessage): T {
    if (t === undefined) throw new BreachwatchError('ERR_CONFIG', `no ${m.channel} transport configured`);
    return t;
  }

  /**
   * Attempts until accepted, refused for good, unknown, or out of attempts (for messages where
   * a rare duplicate is harmless and no ledger is kept, such as a one-time code).
   */
  async deliver(m: OutgoingMessage): Promise<DeliverResult> {
    for (let n = 1; ; n++) {
      const r = await this.attempt(m);
      if (r.status !== 'temporary' || n >= this.retry.attempts) return { ...r, attempts: n };
      await sleep(retryDelayMs(this.retry, n));
    }
  }

  async close(): Promise<void> {
    await this.opts.email?.close();
    await this.opts.sms?.close();
  }
}
