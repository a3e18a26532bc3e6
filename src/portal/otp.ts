/**
 * One-time codes: six digits from the CSPRNG, kept only as an HMAC of the challenge id and
 * the code under the portal's secret, compared in constant time; and the message that
 * carries one (email through the shared mail component, or SMS through its webhook), in the
 * person's language, with the portal's official address and a warning never to share it.
 */
import { createHmac, randomInt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { composeMessage, domainOf, type Mailer, type OutgoingMessage } from '../respond/index.js';
import type { Lang } from './texts.js';
import type { Person } from './people.js';

/** A new six-digit code. */
export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** The stored form of `code` for challenge `id` (hex). */
export function codeHash(secret: KeyObject, id: string, code: string): string {
  return createHmac('sha256', secret).update(`otp:${id}:${code}`).digest('hex');
}

/** True when `code` is the challenge's code (constant time). */
export function codeMatches(secret: KeyObject, id: string, code: string, stored: string): boolean {
  const a = Buffer.from(codeHash(secret, id, code), 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const WORDS: Record<Lang, { subject: string; body: (code: string, minutes: number, url: string) => string }> = {
  ko: {
    subject: '개인정보 노출 확인 인증번호',
    body: (c, m, u) => `인증번호: ${c}\n${m}분 동안 유효합니다. 이 번호를 누구에게도 알려 주지 마세요. 당사는 전화로 인증번호를 묻지 않습니다.\n공식 주소: ${u}\n`,
  },
  en: {
    subject: 'Your data exposure check code',
    body: (c, m, u) => `Your code: ${c}\nIt is valid for ${m} minutes. Do not tell it to anyone; we never ask for it by phone.\nOfficial address: ${u}\n`,
  },
};

/** The message carrying `code` to `person`. */
export function codeMessage(opts: {
  person: Person; code: string; challengeId: string; ttlS: number; publicUrl: string; from: string; fromName?: string; now: Date;
}): OutgoingMessage {
  const w = WORDS[opts.person.locale];
  const text = w.body(opts.code, Math.round(opts.ttlS / 60), opts.publicUrl);
  const id = `otp-${opts.challengeId}`;
  if (opts.person.channel === 'phone') return { channel: 'sms', id, to: opts.person.contact, text };
  const raw = composeMessage({
    from: { address: opts.from, ...(opts.fromName !== undefined && { name: opts.fromName }) }, to: { address: opts.person.contact },
    subject: w.subject, text, messageId: `<${id}@${domainOf(opts.from)}>`, date: opts.now,
  });
  return { channel: 'email', id, from: opts.from, to: opts.person.contact, raw };
}

/** Codes waiting to be sent at most (per-identifier limits keep it far below in practice). */
const MAX_QUEUED = 10_000;

/** Sends codes in the background, in order, never failing the request that asked for one. */
export class CodeSender {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly mailer: Mailer, private readonly onOutcome: (status: string) => void) {}

  /** Queues `make()`'s message (past {@link MAX_QUEUED} waiting, drops it: the person asks again). */
  send(make: () => OutgoingMessage | Promise<OutgoingMessage>): void {
    if (this.pending >= MAX_QUEUED) { this.onOutcome('dropped'); return; }
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        const r = await this.mailer.deliver(await make());
        this.onOutcome(r.status);
      } catch (e) {
        this.onOutcome(e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'error');
      } finally {
        this.pending--;
      }
    });
  }

  /** Codes not yet handed over. */
  get queued(): number { return this.pending; }

  /** Waits for every queued code. */
  async drain(): Promise<void> { await this.chain; }
}
